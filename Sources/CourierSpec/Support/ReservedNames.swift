/// Names the generated code uses itself, so a spec cannot use them for its own things.
///
/// The validator reports a spec name that would turn into one of these; the generator
/// relies on that.
public enum ReservedNames {
    /// Module names generated code qualifies types with; a model named like one would shadow it.
    public static let modules: Set<String> = ["Swift", "Foundation", "CourierRuntime", "HTTPTypes"]

    /// Type names generated models use inside their own scope, which a model of that name would shadow.
    public static let nestedTypes: Set<String> = ["CodingKeys"]

    /// The types generated per service, each named `<Service><suffix>`: `PaymentsClient`,
    /// `PaymentsAPI`, … The validator reserves these names and the generator spells them from here.
    public enum ServiceType: String, Sendable, CaseIterable {
        /// The client struct.
        case client = "Client"
        /// The protocol the client and the mock implement.
        case api = "API"
        /// The mock.
        case mock = "Mock"
        /// A call the mock recorded.
        case mockCall = "MockCall"
        /// The typed error of every call.
        case error = "Error"
        /// The errors the spec declares.
        case declaredError = "DeclaredError"
        /// The servers to call.
        case server = "Server"
        /// The credentials of the auth schemes.
        case auth = "Auth"
        /// The service-wide headers.
        case headers = "Headers"
        /// The per-endpoint operation descriptions.
        case operations = "Operations"
        /// The fallbacks in code, one per endpoint.
        case fallbacks = "Fallbacks"

        /// The type's name for the service whose type prefix is `service`.
        public func name(forService service: String) -> String { service + rawValue }
    }
    /// Members every generated model has through its conformances (`Hashable`), which a property
    /// of the same name would make ambiguous.
    public static let modelMembers: Set<String> = ["hashValue"]
    /// The case that keeps enum values and union variants the spec does not list.
    public static let unknownCase = "unknown"
    /// Types every generated file declares at file scope: the runtime version check.
    public static let fileScopeTypes: Set<String> = ["CourierRuntimeRequirement"]
    /// Names the templates declare inside every endpoint method (a local request, a mock's
    /// call, handler and value, a page of a paginated call). A parameter of that name keeps it as
    /// its argument label, and gets the internal name ``internalParameterName(_:)`` gives.
    public static let endpointLocals: Set<String> = [
        "request", "handler", "page", "call", "value", "fallback", "error",
    ]
    /// The case of every generated server enum besides one per server: another base URL.
    public static let serverMembers: Set<String> = ["custom"]
    /// The member of every generated credentials type besides one per auth scheme.
    public static let authMembers: Set<String> = ["credentials"]
    /// Members every generated client has besides the methods of each endpoint.
    public static let clientMembers: Set<String> = [
        "configuration", "fromEnvironment", "runtime", "headers", "service", "instanceHealth", "instanceChanges",
        "shutdown", "fallbacks",
    ]
    /// The suffix of the method that returns an endpoint's value with the response's metadata:
    /// `getPaymentWithResponse`.
    public static let responseSuffix = "WithResponse"
    /// The label of the argument a server-sent event stream starts after.
    public static let lastEventIDLabel = "lastEventID"
    /// The suffix of the method that pages through a paginated endpoint's items: `listPaymentsItems`.
    public static let paginationSuffix = "Items"

    /// The enum generated for an endpoint whose response depends on the status (`responses:`):
    /// `exportReport` → `ExportReportResponse`.
    public static func responseEnumName(endpoint: String) -> String {
        SwiftNaming.upperCamelCase(endpoint) + "Response"
    }

    /// The case of a response enum for a success status: `ok`, `created`, `accepted`,
    /// `noContent`…, or `status207` for a status without a common name.
    public static func responseCaseName(status: Int) -> String {
        switch status {
        case 200: "ok"
        case 201: "created"
        case 202: "accepted"
        case 203: "nonAuthoritativeInformation"
        case 204: "noContent"
        case 205: "resetContent"
        case 206: "partialContent"
        case 207: "multiStatus"
        case 208: "alreadyReported"
        case 226: "imUsed"
        default: "status\(status)"
        }
    }

    /// The name a parameter has inside the generated method: its own, or with a trailing
    /// underscore when a template declares that name there. Spec names never end in `_` (a
    /// `swiftName` must be lowerCamelCase), so the result cannot meet another parameter.
    public static func internalParameterName(_ swiftName: String) -> String {
        endpointLocals.contains(swiftName) ? swiftName + "_" : swiftName
    }
}
