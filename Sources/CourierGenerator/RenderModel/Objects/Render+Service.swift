import CourierSpec

extension Render {
    /// A service: its client, protocol, mock, errors, servers and auth.
    struct Service: RenderObject {
        /// The type prefix: `Payments`.
        var name: String
        /// The spec's `service:`, escaped for a string literal.
        var serviceSpecName: String
        var docLines: [String]
        var resilienceDefaults: Policy
        var servers: RenderList<Server>
        var authSchemes: RenderList<AuthScheme>
        var headers: RenderList<Parameter>
        var errors: RenderList<DeclaredError>
        var endpoints: RenderList<Endpoint>
        var streams: RenderList<Endpoint>
        /// The handshakes of the spec's `channels:`, each with its `channel`.
        var channels: RenderList<Endpoint>
        /// Where the instances are, when the spec says.
        var discovery: Discovery?

        /// The name of one of the service's generated types.
        func typeName(_ type: ReservedNames.ServiceType) -> String { type.name(forService: name) }

        static let keys = RenderKeys<Self>(
            .service,
            """
            The service of a spec with `service:`. The type names (`clientType`, `apiType`, …) are \
            ready to use.
            """,
            [
                .text("name", "The type prefix every generated type of the service starts with.") { $0.name },
                .docLines { $0.docLines },
                .text("serviceSpecName", "The spec's `service:`, escaped for a string literal.") { $0.serviceSpecName },
                .text("envPrefix", "What `fromEnvironment()` variables start with: `USER_ACCOUNTS`.") {
                    environmentPrefix($0.name)
                },
                .text("clientType", "The client struct.") { $0.typeName(.client) },
                .text("apiType", "The protocol the client and the mock implement.") { $0.typeName(.api) },
                .text("mockType", "The mock.") { $0.typeName(.mock) },
                .text("mockCallType", "The enum of calls the mock records.") { $0.typeName(.mockCall) },
                .text("errorType", "The typed error of every call.") { $0.typeName(.error) },
                .text("declaredErrorType", "The enum of the errors endpoints declare.") { $0.typeName(.declaredError) },
                .text("serverType", "The enum of servers.") { $0.typeName(.server) },
                .text("authType", "The credentials struct.") { $0.typeName(.auth) },
                .text("headersType", "The struct of service-wide headers.") { $0.typeName(.headers) },
                .text("operationsType", "The enum of operation descriptions.") { $0.typeName(.operations) },
                .text("fallbacksType", "The struct of fallbacks in code, one per endpoint.") {
                    $0.typeName(.fallbacks)
                },
                .object("resilienceDefaults", "The spec's `defaults` over Courier's.") { $0.resilienceDefaults },
                .list("servers", "The named servers, the default first.") { $0.servers },
                .flag("hasDefaultServer", "Whether the spec names a server.") { !$0.servers.isEmpty },
                .text("defaultServerCase", "The first server's case.") { $0.servers.first?.caseName ?? "" },
                .list("authSchemes", "The auth schemes.") { $0.authSchemes },
                .flag("hasAuthSchemes", "Whether the spec declares auth schemes.") { !$0.authSchemes.isEmpty },
                .list("headers", "The service-wide headers.") { $0.headers },
                .flag("hasHeaders", "Whether the spec declares service-wide headers.") { !$0.headers.isEmpty },
                .list("errors", "The errors the endpoints declare, in the order the spec defines them.") { $0.errors },
                .flag("hasErrors", "Whether any endpoint declares an error.") { !$0.errors.isEmpty },
                .list("endpoints", "The endpoints that are called, in the order the spec declares them.") {
                    $0.endpoints
                },
                .list("streams", "The endpoints with `stream:`, each with its `stream`, in spec order.") {
                    $0.streams
                },
                .flag("hasStreams", "Whether the service has streaming endpoints.") { !$0.streams.isEmpty },
                .list(
                    "channels", "The WebSocket channels, as handshake endpoints each with its `channel`, in spec order."
                ) {
                    $0.channels
                },
                .flag("hasChannels", "Whether the service has WebSocket channels.") { !$0.channels.isEmpty },
                .optional("discovery", "Where the service's instances are, when the spec has `discovery:`.") {
                    $0.discovery
                },
            ])

        /// `Payments` → `PAYMENTS`; `UserAccounts` → `USER_ACCOUNTS`.
        static func environmentPrefix(_ typeName: String) -> String {
            var result = ""
            var previous: Character?
            for character in typeName {
                if character.isUppercase, let previous, previous.isLowercase || previous.isNumber {
                    result += "_"
                }
                result += character.uppercased()
                previous = character
            }
            return result
        }
    }

    /// A named server.
    struct Server: RenderObject {
        var caseName: String
        var url: String
        var docLines: [String]

        static let keys = RenderKeys<Self>(
            .server, "A named server.",
            [
                .text("caseName", "The case of the server enum.") { $0.caseName },
                .text("url", "The URL, escaped for a string literal.") { $0.url },
                .docLines { $0.docLines },
            ])
    }

    /// An auth scheme.
    struct AuthScheme: RenderObject {
        /// How the credential is sent, with the environment variables that hold it.
        enum Form: Sendable {
            case bearer(env: String?)
            case basic(usernameEnv: String?, passwordEnv: String?)
            case apiKeyHeader(name: String, env: String?)
            case apiKeyQuery(name: String, env: String?)
        }

        var name: String
        var label: String
        var specName: String
        var docLines: [String]
        var form: Form

        /// The variable holding the credential (the password's for basic auth).
        var env: String? {
            switch form {
            case .bearer(let env), .apiKeyHeader(_, let env), .apiKeyQuery(_, let env): env
            case .basic: nil
            }
        }

        static let keys = RenderKeys<Self>(
            .authScheme,
            """
            An auth scheme: exactly one of `isBearer`, `isBasic`, `isApiKeyHeader` and `isApiKeyQuery` is true.
            """,
            [
                .text("name", "The escaped Swift name of its credential.") { $0.name },
                .text("label", "The name as an argument label.") { $0.label },
                .text("specName", "The name in the spec, escaped for a string literal.") { $0.specName },
                .docLines { $0.docLines },
                .text("credentialType", "What the credentials struct stores for it.") {
                    if case .basic = $0.form { return "CourierRuntime.BasicCredentials" }
                    return "CourierRuntime.Secret"
                },
                .flag("isBearer", "A bearer token.") {
                    if case .bearer = $0.form { return true }
                    return false
                },
                .flag("isBasic", "A user name and password.") {
                    if case .basic = $0.form { return true }
                    return false
                },
                .flag("isApiKeyHeader", "A key in a header.") {
                    if case .apiKeyHeader = $0.form { return true }
                    return false
                },
                .flag("isApiKeyQuery", "A key in the query.") {
                    if case .apiKeyQuery = $0.form { return true }
                    return false
                },
                .text("keyName", "The header or query item an API key goes in, escaped for a string literal.") {
                    switch $0.form {
                    case .apiKeyHeader(let name, _), .apiKeyQuery(let name, _): name
                    case .bearer, .basic: ""
                    }
                },
                .text("env", "The environment variable of a token or key.") { $0.env ?? "" },
                .text("usernameEnv", "The environment variable of a basic user name.") {
                    if case .basic(let username, _) = $0.form { return username ?? "" }
                    return ""
                },
                .text("passwordEnv", "The environment variable of a basic password.") {
                    if case .basic(_, let password) = $0.form { return password ?? "" }
                    return ""
                },
                .flag("hasEnv", "Whether the credential can come from the environment (both variables, for basic).") {
                    if case .basic(let username, let password) = $0.form { return username != nil && password != nil }
                    return $0.env != nil
                },
            ])
    }

    /// An error the service's endpoints declare.
    struct DeclaredError: RenderObject {
        var caseName: String
        var specName: String
        var status: Int
        /// The Swift type of the error's body, if it has one.
        var bodyType: String?
        var flagName: String
        var docLines: [String]

        static let keys = RenderKeys<Self>(
            .declaredError, "An error the service's endpoints declare.",
            [
                .text("caseName", "The case of the declared-error enum.") { $0.caseName },
                .text("specName", "The name in the spec, escaped for a string literal.") { $0.specName },
                .text("status", "The HTTP status.") { String($0.status) },
                .text("flagName", "The `isX` property on the error type.") { $0.flagName },
                .flag("hasBody", "Whether the error carries a decoded body.") { $0.bodyType != nil },
                .text("bodyType", "The body's Swift type.") { $0.bodyType ?? "" },
                .docLines { $0.docLines },
            ])
    }
}
