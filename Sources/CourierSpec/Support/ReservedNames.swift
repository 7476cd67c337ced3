/// Names the generated code uses itself, so a spec cannot use them for its own things.
///
/// The validator reports a spec name that would turn into one of these; the generator
/// relies on that.
public enum ReservedNames {
    /// Module names generated code qualifies types with; a model named like one would shadow it.
    public static let modules: Set<String> = ["Swift", "Foundation", "CourierRuntime", "HTTPTypes"]

    /// Type names generated models use inside their own scope, which a model of that name would shadow.
    public static let nestedTypes: Set<String> = ["CodingKeys"]

    /// Suffixes of the types generated per service: `PaymentsClient`, `PaymentsAPI`, `PaymentsMock`,
    /// `PaymentsMockCall`, `PaymentsError`, `PaymentsDeclaredError`, `PaymentsServer`, `PaymentsAuth`,
    /// `PaymentsHeaders` and `PaymentsOperations`.
    public static let serviceTypeSuffixes = [
        "Client", "API", "Mock", "MockCall", "Error", "DeclaredError", "Server", "Auth", "Headers", "Operations",
    ]
    /// The case that keeps enum values and union variants the spec does not list.
    public static let unknownCase = "unknown"
    /// Members every generated client has besides one method per endpoint.
    public static let clientMembers: Set<String> = ["configuration", "fromEnvironment", "runtime", "headers"]
    /// Argument labels every endpoint method may have besides its parameters.
    public static let endpointLabels: Set<String> = ["body", "options"]
    /// The suffix of the method that pages through a paginated endpoint's items: `listPaymentsItems`.
    public static let paginationSuffix = "Items"
}
