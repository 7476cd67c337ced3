// Generated from Templates/*.mustache by `COURIER_UPDATE_TEMPLATES=1 swift test --filter embeddingMatchesFolder`.
// Do not edit: change the templates and regenerate.

/// The default templates, compiled into `courier` so the binary needs no files beside it.
enum BuiltInTemplates {
    /// Template sources by name.
    static let sources: [String: String] = [
        "alias": #"""
{{>docs}}
{{#hasDocLines}}
///
{{/hasDocLines}}
{{>modelRemarks}}
{{access}} typealias {{name}} = {{aliasedType}}

"""#,
        "argumentList": #"""
{{#parameters}}
{{label}}: {{name}},
{{/parameters}}
options: options

"""#,
        "channelArgumentList": #"""
{{#parameters}}
{{label}}: {{name}},
{{/parameters}}
policy: policy,
onConnect: onConnect

"""#,
        "channelDocs": #"""
{{#docLines}}
{{.}}
{{/docLines}}
{{^docLines}}
/// {{summary}}
{{/docLines}}
///
/// The channel connects when it is first used and stays connected, reconnecting with backoff
/// after a lost connection{{#hasKeepalive}}, unanswered pings{{/hasKeepalive}} or a close code worth retrying.
/// Read `messages` with `for try await message in …`: each read is a new subscriber.
///
/// - Parameters:
{{#parameters}}
///   - {{docName}}: {{#hasDocLine}}{{docLine}}{{/hasDocLine}}{{^hasDocLine}}{{>parameterDocs}}{{/hasDocLine}}
{{#docMoreLines}}
///     {{.}}
{{/docMoreLines}}
{{/parameters}}
///   - policy: Replaces the spec's reconnection, keepalive and buffering settings; `nil` keeps them.
///   - onConnect: Runs after every connection opens, before queued messages are sent: subscribe here.
/// - Remark: Generated from channel `{{specName}}`:
///   {{summary}}.

"""#,
        "channelParameterList": #"""
{{#parameters}}
{{declaration}}: {{type}},
{{/parameters}}
policy: CourierRuntime.ChannelPolicy?,
onConnect: CourierRuntime.ChannelConnectHook<{{sendType}}>?

"""#,
        "channelParameterListWithDefaults": #"""
{{#parameters}}
{{declaration}}: {{type}}{{#hasSignatureDefault}} = {{signatureDefault}}{{/hasSignatureDefault}},
{{/parameters}}
policy: CourierRuntime.ChannelPolicy? = nil,
onConnect: CourierRuntime.ChannelConnectHook<{{sendType}}>? = nil

"""#,
        "client": #"""
{{>header}}
{{^isService}}

// {{specFile}} shares models only; it has no client.
{{/isService}}
{{#isService}}
{{#service}}
{{>clientErrors}}
{{>clientServers}}
{{>clientResponses}}
{{>clientProtocol}}
{{>clientStruct}}
{{>clientFallbacks}}
{{>clientOperations}}
{{/service}}
{{/isService}}

"""#,
        "clientErrors": #"""

// MARK: - Errors

/// Everything a `{{clientType}}` call can throw: the spec's declared errors with their bodies,
/// other statuses, invalid requests, transport failures, timeouts, cancellation and decoding failures.
{{access}} typealias {{errorType}} = CourierRuntime.ClientError<{{declaredErrorType}}>

/// The errors the {{name}} spec declares, each with its decoded body.
{{access}} enum {{declaredErrorType}}: CourierRuntime.DeclaredError, Swift.Hashable {
{{#errors}}
{{#docLines}}
    {{.}}
{{/docLines}}
    case {{caseName}}{{#hasBody}}({{bodyType}}){{/hasBody}}
{{/errors}}

    /// The error's name in the spec.
    {{access}} var name: Swift.String {
        switch self {
{{#errors}}
        case .{{caseName}}: "{{specName}}"
{{/errors}}
        }
    }
}
{{#hasErrors}}

extension CourierRuntime.ClientError where Declared == {{declaredErrorType}} {
{{#errors}}
    /// Whether the server answered with the declared error `{{specName}}` ({{status}}).
    {{access}} var {{flagName}}: Swift.Bool {
        if case .declared(.{{caseName}}, _) = self { return true }
        return false
    }
{{/errors}}
}
{{/hasErrors}}

"""#,
        "clientFallbacks": #"""

/// Fallbacks in code for the {{name}} service, one per endpoint. Set one on a client
/// (`client.fallbacks.endpointName = { arguments…, failure in … }`) to answer the calls of that
/// endpoint that fail after their retries for want of the service (an open circuit, a 5xx, 408 or
/// 429, a timeout, a connection failure), after the spec's `fallback:`. Each gets the call's
/// arguments and its failure.
{{access}} struct {{fallbacksType}}: Swift.Sendable {
{{#endpoints}}
    /// Answers `{{specName}}` when a call fails.
    {{access}} var {{name}}: (
        @Sendable (
{{#parameters}}
            _ {{name}}: {{type}},
{{/parameters}}
            _ failure: {{errorType}}
        ) async throws({{errorType}}) -> {{outputType}}
    )?
{{/endpoints}}

    /// No fallbacks.
    {{access}} init() {}
}

"""#,
        "clientOperations": #"""

/// What the runtime needs to know about each endpoint, made once.
private enum {{operationsType}} {
    /// The spec's `defaults`, over Courier's: the resilience settings of every endpoint that does not change them.
    static let resilience = CourierRuntime.ResiliencePolicy(
{{#resilienceDefaults}}
        {{>resilience}}
{{/resilienceDefaults}}
    )

{{#endpoints}}
    static let {{name}} = CourierRuntime.Operation<{{outputType}}, {{declaredErrorType}}>(
        name: "{{specName}}",
        {{>operationAuthSchemes}}
{{^hasResponseCases}}
        output: {{#responseIsJSON}}.json(accept: "{{responseAccept}}"){{/responseIsJSON}}{{#responseIsText}}.text(accept: "{{responseAccept}}"){{/responseIsText}}{{#responseIsBytes}}.bytes(accept: "{{responseAccept}}"){{/responseIsBytes}}{{#responseIsEmpty}}.empty{{/responseIsEmpty}},
{{/hasResponseCases}}
{{#hasResponseCases}}
        output: .cases(accept: {{#hasResponseAccept}}"{{responseAccept}}"{{/hasResponseAccept}}{{^hasResponseAccept}}nil{{/hasResponseAccept}}, [
{{#responseCases}}
            {{#isJSON}}.json({{status}}, {{responseEnumType}}.{{caseName}}){{/isJSON}}{{#isText}}.text({{status}}, {{responseEnumType}}.{{caseName}}){{/isText}}{{#isBytes}}.bytes({{status}}, {{responseEnumType}}.{{caseName}}){{/isBytes}}{{^hasBody}}.empty({{status}}, .{{caseName}}){{/hasBody}},
{{/responseCases}}
        ]),
{{/hasResponseCases}}
        {{>operationErrorsAndResilience}}
        hasIdempotencyKey: {{#hasIdempotencyKey}}true{{/hasIdempotencyKey}}{{^hasIdempotencyKey}}false{{/hasIdempotencyKey}}{{#hasTags}},{{/hasTags}}{{^hasTags}}{{#hasFallback}},{{/hasFallback}}{{/hasTags}}
{{#hasTags}}
        tags: [{{tagList}}]{{#hasFallback}},{{/hasFallback}}
{{/hasTags}}
{{#hasFallback}}
{{#hasFallbackServer}}
        fallback: CourierRuntime.FallbackPolicy(
            server: "{{fallbackServer}}",
            at: {{serverType}}.{{fallbackServerCase}}.url{{#fallbackStaleCache}},
            staleCache: true{{/fallbackStaleCache}}
        )
{{/hasFallbackServer}}
{{^hasFallbackServer}}
        fallback: CourierRuntime.FallbackPolicy(staleCache: true)
{{/hasFallbackServer}}
{{/hasFallback}}
    )

{{/endpoints}}
{{#streams}}
{{#stream}}
{{^hasLongOperationType}}
    static let {{name}} = CourierRuntime.StreamOperation<{{elementType}}, {{declaredErrorType}}>(
{{/hasLongOperationType}}
{{#hasLongOperationType}}
    static let {{name}} = CourierRuntime.StreamOperation<
        {{elementType}},
        {{declaredErrorType}}
    >(
{{/hasLongOperationType}}
        name: "{{specName}}",
        {{>operationAuthSchemes}}
        {{>operationErrorsAndResilience}}
        stream: CourierRuntime.StreamPolicy(
            format: .{{format}},
            resumesFromLastEventID: {{resumesFromLastEventID}},
            terminator: {{#hasTerminator}}"{{terminator}}"{{/hasTerminator}}{{^hasTerminator}}nil{{/hasTerminator}},
{{#reconnects}}
            reconnect: CourierRuntime.ReconnectPolicy(
                initial: {{reconnectInitial}},
                max: {{reconnectMax}},
                jitter: .{{reconnectJitter}},
                maxAttempts: {{reconnectMaxAttempts}}
            )
{{/reconnects}}
{{^reconnects}}
            reconnect: .never
{{/reconnects}}
        ),
{{#isServerSentEvents}}
        events: .serverSentEvents([
{{#eventCases}}
            "{{eventName}}": {{#hasVariant}}.json({{payloadType}}.self, {{eventType}}.{{variantCase}}){{/hasVariant}}{{^hasVariant}}.json({{payloadType}}.self){{/hasVariant}},
{{/eventCases}}
        ])
{{/isServerSentEvents}}
{{^isServerSentEvents}}
        events: .jsonLines()
{{/isServerSentEvents}}
    )

{{/stream}}
{{/streams}}
{{#channels}}
{{#channel}}
{{^hasLongOperationType}}
    static let {{name}} = CourierRuntime.ChannelOperation<{{sendType}}, {{receiveType}}>(
{{/hasLongOperationType}}
{{#hasLongOperationType}}
    static let {{name}} = CourierRuntime.ChannelOperation<
        {{sendType}},
        {{receiveType}}
    >(
{{/hasLongOperationType}}
        name: "{{specName}}",
        {{>operationAuthSchemes}}
        service: "{{serviceSpecName}}",
        policy: CourierRuntime.ChannelPolicy(
            reconnect: CourierRuntime.ReconnectPolicy(
                initial: {{reconnectInitial}},
                max: {{reconnectMax}},
                jitter: .{{reconnectJitter}},
                maxAttempts: {{reconnectMaxAttempts}}
            ),
{{#hasKeepalive}}
            keepalive: CourierRuntime.KeepalivePolicy(interval: {{keepaliveInterval}}, timeout: {{keepaliveTimeout}})
{{/hasKeepalive}}
{{^hasKeepalive}}
            keepalive: nil
{{/hasKeepalive}}
        )
    )

{{/channel}}
{{/channels}}
}

"""#,
        "clientProtocol": #"""

// MARK: - Interface

{{>docs}}
{{^docLines}}
/// The calls of the {{name}} service.
{{/docLines}}
///
/// ``{{clientType}}`` talks to the service; ``{{mockType}}`` stands in for it in tests. Write code
/// against this protocol to use either.
{{access}} protocol {{apiType}}: Swift.Sendable {
{{#endpoints}}
    /// Calls `{{specName}}` and returns the decoded value with the response's status, header
    /// fields, attempts and source.
    {{>deprecation}}
    func {{responseMethodName}}(
        {{>parameterList}}
    ) async throws({{errorType}}) -> CourierRuntime.Response<{{outputType}}>

{{/endpoints}}
{{#streams}}
{{#stream}}
    /// Streams the events of `{{specName}}`.
    {{>deprecation}}
    func {{name}}(
        {{>streamParameterList}}
    ) -> {{streamType}}

{{/stream}}
{{/streams}}
{{#channels}}
{{#channel}}
    /// Opens the `{{specName}}` channel.
    {{>deprecation}}
    func {{name}}(
        {{>channelParameterList}}
    ) -> {{channelType}}

{{/channel}}
{{/channels}}
}

extension {{apiType}} {
{{#endpoints}}
    {{>endpointDocs}}
    {{>deprecation}}
    {{access}} func {{name}}(
        {{>parameterListWithDefaults}}
    ) async throws({{errorType}}) -> {{outputType}} {
        try await self.{{responseMethodName}}(
            {{>argumentList}}
        ).value
    }

    /// Calls `{{specName}}` and returns the decoded value with the response's status, header
    /// fields, attempts and source; the parameters are those of `{{methodName}}`.
    {{>deprecation}}
    {{access}} func {{responseMethodName}}(
        {{>parameterListWithDefaults}}
    ) async throws({{errorType}}) -> CourierRuntime.Response<{{outputType}}> {
        try await self.{{responseMethodName}}(
            {{>argumentList}}
        )
    }
{{#isPaginated}}
{{#pagination}}

    /// Every item that `{{specName}}` returns, across all pages, fetched page by page as the
    /// sequence is read.
    ///
    /// - Remark: Generated from the pagination of endpoint `{{specName}}`.
    {{>deprecation}}
    {{access}} func {{methodName}}(
        {{>parameterListWithDefaults}}
    ) -> CourierRuntime.PageSequence<{{itemType}}, {{cursorType}}> {
        CourierRuntime.PageSequence { {{cursorName}} in
            let page = try await self.{{name}}(
{{#arguments}}
                {{label}}: {{name}},
{{/arguments}}
                options: options
            )
            return ({{itemsExpression}}, {{nextExpression}})
        }
    }
{{/pagination}}
{{/isPaginated}}

{{/endpoints}}
{{#streams}}
{{#stream}}
    {{>streamDocs}}
    {{>deprecation}}
    {{access}} func {{name}}(
        {{>streamParameterListWithDefaults}}
    ) -> {{streamType}} {
        self.{{name}}(
            {{>streamArgumentList}}
        )
    }

{{/stream}}
{{/streams}}
{{#channels}}
{{#channel}}
    {{>channelDocs}}
    {{>deprecation}}
    {{access}} func {{name}}(
        {{>channelParameterListWithDefaults}}
    ) -> {{channelType}} {
        self.{{name}}(
            {{>channelArgumentList}}
        )
    }

{{/channel}}
{{/channels}}
}

"""#,
        "clientResponses": #"""
{{#endpoints}}
{{#hasResponseCases}}

// MARK: - Responses of {{specName}}

/// What `{{specName}}` answers with: one case per success status the spec declares.
{{access}} enum {{responseEnumType}}: Swift.Hashable, Swift.Sendable {
{{#responseCases}}
{{#docLines}}
    {{.}}
{{/docLines}}
    case {{caseName}}{{#hasBody}}({{payloadType}}){{/hasBody}}
{{/responseCases}}
}
{{/hasResponseCases}}
{{/endpoints}}

"""#,
        "clientServers": #"""

// MARK: - Servers, credentials, headers

/// The servers of the {{name}} service.
{{access}} enum {{serverType}}: Swift.Hashable, Swift.Sendable {
{{#servers}}
{{#docLines}}
    {{.}}
{{/docLines}}
    case {{caseName}}
{{/servers}}
    /// Another base URL, such as a local test server.
    case custom(CourierRuntime.ServerURL)

    /// The base URL.
    {{access}} var url: CourierRuntime.ServerURL {
        switch self {
{{#servers}}
        case .{{caseName}}: "{{url}}"
{{/servers}}
        case .custom(let url): url
        }
    }
}
{{#hasAuthSchemes}}

/// Credentials for the {{name}} service's auth schemes. Set those you hold; an endpoint sends the
/// first one it accepts. Descriptions and dumps never show the secrets.
{{access}} struct {{authType}}: Swift.Hashable, CourierRuntime.ServiceCredentials {
{{#authSchemes}}
{{#docLines}}
    {{.}}
{{/docLines}}
    {{access}} var {{name}}: {{credentialType}}?
{{/authSchemes}}

    /// Creates credentials; by default none.
    {{access}} init(
{{#authSchemes}}
        {{name}}: {{credentialType}}? = nil{{^isLast}},{{/isLast}}
{{/authSchemes}}
    ) {
{{#authSchemes}}
        self.{{name}} = {{name}}
{{/authSchemes}}
    }
{{#authSchemes}}

{{#isBearer}}
    /// Sends `token` as `Authorization: Bearer <token>`.
    {{access}} static func {{name}}(_ token: Swift.String) -> {{authType}} {
        {{authType}}({{label}}: CourierRuntime.Secret(token))
    }
{{/isBearer}}
{{#isBasic}}
    /// Sends `username` and `password` as `Authorization: Basic`.
    {{access}} static func {{name}}(username: Swift.String, password: Swift.String) -> {{authType}} {
        {{authType}}({{label}}: CourierRuntime.BasicCredentials(username: username, password: CourierRuntime.Secret(password)))
    }
{{/isBasic}}
{{#isApiKeyHeader}}
    /// Sends `key` in the `{{keyName}}` header field.
    {{access}} static func {{name}}(_ key: Swift.String) -> {{authType}} {
        {{authType}}({{label}}: CourierRuntime.Secret(key))
    }
{{/isApiKeyHeader}}
{{#isApiKeyQuery}}
    /// Sends `key` as the `{{keyName}}` query item.
    {{access}} static func {{name}}(_ key: Swift.String) -> {{authType}} {
        {{authType}}({{label}}: CourierRuntime.Secret(key))
    }
{{/isApiKeyQuery}}
{{/authSchemes}}

    /// Reads the credentials from the environment variables the spec names; unset ones stay `nil`.
    {{access}} init(environment: CourierRuntime.EnvironmentReader) {
{{#authSchemes}}
{{#hasEnv}}
{{#isBasic}}
        if let username = environment.string("{{usernameEnv}}"), let password = environment.secret("{{passwordEnv}}") {
            self.{{name}} = CourierRuntime.BasicCredentials(username: username, password: password)
        } else {
            self.{{name}} = nil
        }
{{/isBasic}}
{{^isBasic}}
        self.{{name}} = environment.secret("{{env}}")
{{/isBasic}}
{{/hasEnv}}
{{^hasEnv}}
        self.{{name}} = nil
{{/hasEnv}}
{{/authSchemes}}
    }

    /// The credentials as the runtime applies them.
    {{access}} var credentials: CourierRuntime.Credentials {
        var credentials = CourierRuntime.Credentials()
{{#authSchemes}}
{{#isBearer}}
        credentials[scheme: "{{specName}}"] = self.{{name}}.map { .bearer($0) }
{{/isBearer}}
{{#isBasic}}
        credentials[scheme: "{{specName}}"] = self.{{name}}.map { .basic(username: $0.username, password: $0.password) }
{{/isBasic}}
{{#isApiKeyHeader}}
        credentials[scheme: "{{specName}}"] = self.{{name}}.map { .apiKeyHeader(name: "{{keyName}}", key: $0) }
{{/isApiKeyHeader}}
{{#isApiKeyQuery}}
        credentials[scheme: "{{specName}}"] = self.{{name}}.map { .apiKeyQuery(name: "{{keyName}}", key: $0) }
{{/isApiKeyQuery}}
{{/authSchemes}}
        return credentials
    }
}
{{/hasAuthSchemes}}
{{#hasHeaders}}

/// The header fields the {{name}} spec sends with every request.
{{access}} struct {{headersType}}: Swift.Hashable, Swift.Sendable {
{{#headers}}
{{#hasDocLine}}
    /// {{docLine}}
{{#docMoreLines}}
    /// {{.}}
{{/docMoreLines}}
{{/hasDocLine}}
    {{access}} var {{name}}: {{type}}
{{/headers}}

    /// Creates the header values; the defaults are the spec's.
    {{access}} init(
{{#headers}}
        {{name}}: {{type}}{{#hasSignatureDefault}} = {{signatureDefault}}{{/hasSignatureDefault}}{{^isLast}},{{/isLast}}
{{/headers}}
    ) {
{{#headers}}
        self.{{name}} = {{name}}
{{/headers}}
    }

    /// Adds the fields to a request.
    func apply(to request: inout CourierRuntime.RequestBuilder) {
{{#headers}}
        request.header("{{specName}}", self.{{name}})
{{/headers}}
    }
}
{{/hasHeaders}}

"""#,
        "clientStruct": #"""

// MARK: - Client

{{>docs}}
{{^docLines}}
/// A client of the {{name}} service.
{{/docLines}}
///
/// Create one and share it: copies share the runtime, and with it the transport's connections.
{{access}} struct {{clientType}}: {{apiType}}, CourierRuntime.ServiceClient {
{{#hasAuthSchemes}}
    /// The credentials the client sends.
    {{access}} typealias Auth = {{authType}}

{{/hasAuthSchemes}}
    /// The {{name}} service. `fromEnvironment()` reads:
    ///
    /// - `{{envPrefix}}_BASE_URL`: the base URL{{#hasDefaultServer}}; unset, the `{{defaultServerCase}}` server{{/hasDefaultServer}}.
{{#authSchemes}}
{{#hasEnv}}
{{#isBasic}}
    /// - `{{usernameEnv}}` and `{{passwordEnv}}`: the `{{specName}}` credentials.
{{/isBasic}}
{{^isBasic}}
    /// - `{{env}}`: the `{{specName}}` credential.
{{/isBasic}}
{{/hasEnv}}
{{/authSchemes}}
    /// - `{{envPrefix}}_TIMEOUT` and `{{envPrefix}}_MAX_ATTEMPTS`: the total timeout and attempts per call.
{{#discovery}}
    /// - `{{envPrefix}}_INSTANCES`, `{{envPrefix}}_DNS_SRV` or `{{envPrefix}}_DNS`: where the instances
    ///   are, instead of the spec's `discovery:`; `{{envPrefix}}_DNS_SERVER`: the name server to ask.
{{/discovery}}
    {{access}} static let service = CourierRuntime.ServiceDescription(
        name: "{{serviceSpecName}}",
        environmentPrefix: "{{envPrefix}}",
        defaultServer: {{#hasDefaultServer}}{{serverType}}.{{defaultServerCase}}.url{{/hasDefaultServer}}{{^hasDefaultServer}}nil{{/hasDefaultServer}}{{#discovery}},
        discovery: {{>discovery}}{{/discovery}}
    )

    /// Builds, sends and interprets the requests, with the configuration the client was created with.
    {{access}} let runtime: CourierRuntime.ServiceRuntime
    /// Answers in code for calls that fail after their retries for want of the service, after the
    /// spec's `fallback:` when the endpoint has one.
    {{access}} var fallbacks = {{fallbacksType}}()
{{#hasHeaders}}
    /// The header fields every request carries.
    {{access}} let headers: {{headersType}}
{{/hasHeaders}}

{{^hasHeaders}}
    /// Creates a client from a complete configuration.
    {{access}} init(configuration: CourierRuntime.ClientConfiguration) {
        self.runtime = CourierRuntime.ServiceRuntime(configuration: configuration)
    }
{{/hasHeaders}}
{{#hasHeaders}}
    /// Creates a client from a complete configuration, sending the spec's default headers.
    {{access}} init(configuration: CourierRuntime.ClientConfiguration) {
        self.init(configuration: configuration, headers: {{headersType}}())
    }

    /// Creates a client from a complete configuration.
    {{access}} init(configuration: CourierRuntime.ClientConfiguration, headers: {{headersType}}) {
        self.runtime = CourierRuntime.ServiceRuntime(configuration: configuration)
        self.headers = headers
    }
{{/hasHeaders}}

    /// Creates a client for a server.
    ///
    /// - Parameters:
{{#discovery}}
    ///   - server: Where to send every request; `nil` (the default) sends each to an instance of
    ///     the service, found as `discovery` says.
{{/discovery}}
{{^discovery}}
    ///   - server: Where to send requests.
{{/discovery}}
{{#hasAuthSchemes}}
    ///   - auth: The credentials to send.
{{/hasAuthSchemes}}
{{#hasHeaders}}
    ///   - headers: Header fields for every request.
{{/hasHeaders}}
    ///   - timeout: How long a call may take in all, attempts and backoff included, unless its options
    ///     say otherwise; `nil` keeps the spec's total timeout.
    ///   - transport: Sends the requests; URLSession unless you pass another.
{{#hasChannels}}
    ///   - webSocketTransport: Opens the channels' connections, such as `SwiftWebSocketTransport()`
    ///     from product `CourierWebSocket`; without one, a channel closes at once saying so.
{{/hasChannels}}
{{#discovery}}
    ///   - discovery: Where the instances are and how calls spread over them; `nil` takes the spec's
    ///     when `server` is `nil`.
{{/discovery}}
    {{access}} init(
{{#discovery}}
        server: {{serverType}}? = nil,
{{/discovery}}
{{^discovery}}
        server: {{serverType}}{{#hasDefaultServer}} = .{{defaultServerCase}}{{/hasDefaultServer}},
{{/discovery}}
{{#hasAuthSchemes}}
        auth: {{authType}} = {{authType}}(),
{{/hasAuthSchemes}}
{{#hasHeaders}}
        headers: {{headersType}} = {{headersType}}(),
{{/hasHeaders}}
        timeout: Swift.Duration? = nil,
        transport: any CourierRuntime.HTTPTransport = CourierRuntime.URLSessionTransport(){{#hasChannels}},
        webSocketTransport: (any CourierRuntime.WebSocketTransport)? = nil{{/hasChannels}}{{#discovery}},
        discovery: CourierRuntime.Discovery? = nil{{/discovery}}
    ) {
        let configuration = CourierRuntime.ClientConfiguration(
{{#discovery}}
            server: server?.url ?? Self.service.defaultURL,
{{/discovery}}
{{^discovery}}
            server: server.url,
{{/discovery}}
            transport: transport,
{{#hasAuthSchemes}}
            credentials: auth.credentials,
{{/hasAuthSchemes}}
            timeout: timeout{{#hasChannels}},
            webSocketTransport: webSocketTransport{{/hasChannels}}{{#discovery}},
            discovery: discovery ?? (server == nil ? Self.service.discovery : nil){{/discovery}}
        )
        self.init(configuration: configuration{{#hasHeaders}}, headers: headers{{/hasHeaders}})
    }
{{#endpoints}}

    /// Calls `{{specName}}` and returns the decoded value with the response's status, header
    /// fields, attempts and source.
    {{>deprecation}}
    {{access}} func {{responseMethodName}}(
        {{>parameterList}}
    ) async throws({{errorType}}) -> CourierRuntime.Response<{{outputType}}> {
        {{>request}}
        do {
            return try await self.runtime.send({{operationsType}}.{{name}}, request, options: options)
        } catch {
            guard let fallback = self.fallbacks.{{name}}, error.allowsFallback else { throw error }
            return try await CourierRuntime.Response(
                value: fallback({{#parameters}}{{name}}, {{/parameters}}error),
                metadata: .answeredInCode(after: error)
            )
        }
    }
{{/endpoints}}
{{#streams}}
{{#stream}}

    /// Streams the events of `{{specName}}`, connecting when the stream is first read.
    {{>deprecation}}
    {{access}} func {{name}}(
        {{>streamParameterList}}
    ) -> {{streamType}} {
        {{>request}}
        return self.runtime.events(
            {{operationsType}}.{{name}},
            request,
{{#isServerSentEvents}}
            lastEventID: lastEventID,
{{/isServerSentEvents}}
            options: options
        )
    }
{{/stream}}
{{/streams}}
{{#channels}}
{{#channel}}

    /// Opens the `{{specName}}` channel; it connects when it is first used.
    {{>deprecation}}
    {{access}} func {{name}}(
        {{>channelParameterList}}
    ) -> {{channelType}} {
        {{>request}}
        return self.runtime.channel({{operationsType}}.{{name}}, request, policy: policy, onConnect: onConnect)
    }
{{/channel}}
{{/channels}}
}

"""#,
        "constraintCheck": #"""
{{#hasRules}}
{{#rulesFitOneLine}}
try {{rules}}.check({{value}}, at: "{{key}}")
{{/rulesFitOneLine}}
{{^rulesFitOneLine}}
{{#rulesFitOwnLine}}
try {{rules}}
    .check({{value}}, at: "{{key}}")
{{/rulesFitOwnLine}}
{{^rulesFitOwnLine}}
try {{rulesType}}(
{{#ruleArguments}}
    {{.}}
{{/ruleArguments}}
)
.check({{value}}, at: "{{key}}")
{{/rulesFitOwnLine}}
{{/rulesFitOneLine}}
{{/hasRules}}
{{#isMember}}
try CourierRuntime.Constraints.member({{value}}, at: "{{key}}")
{{/isMember}}
{{#isWhole}}
try {{value}}.validate()
{{/isWhole}}
"""#,
        "deprecation": #"""
{{#isDeprecated}}
@available(*, deprecated{{#hasDeprecationMessage}}, message: "{{deprecationMessage}}"{{/hasDeprecationMessage}})
{{/isDeprecated}}

"""#,
        "discovery": #"""
CourierRuntime.Discovery(
{{#isDNSSRV}}
            resolver: CourierRuntime.DNSInstanceResolver(
                .service("{{srvName}}"),
                scheme: "{{scheme}}"
            ),
{{/isDNSSRV}}
{{#isDNS}}
            resolver: CourierRuntime.DNSInstanceResolver(
                .addresses(host: "{{host}}", port: {{port}}),
                scheme: "{{scheme}}"
            ),
{{/isDNS}}
{{#isInstances}}
            resolver: CourierRuntime.StaticInstanceResolver([
{{#instances}}
                CourierRuntime.ServiceInstance(scheme: "{{scheme}}", host: "{{host}}", port: {{port}}),
{{/instances}}
            ]),
{{/isInstances}}
            refresh: {{refresh}},
            loadBalancing: CourierRuntime.LoadBalancingPolicy(.{{policy}}, panicThreshold: {{panicThreshold}}),
{{#hasOutlierDetection}}
            outlierDetection: CourierRuntime.OutlierDetectionPolicy(
                consecutiveFailures: {{consecutiveFailures}},
                ejectFor: {{ejectFor}},
                maxEjectFor: {{maxEjectFor}},
                maxEjected: {{maxEjected}}
            ),
{{/hasOutlierDetection}}
{{^hasOutlierDetection}}
            outlierDetection: nil,
{{/hasOutlierDetection}}
{{#hasHealthCheck}}
            healthCheck: CourierRuntime.HealthCheckPolicy(
                path: "{{healthPath}}",
                interval: {{healthInterval}},
                timeout: {{healthTimeout}},
                unhealthyAfter: {{unhealthyAfter}},
                healthyAfter: {{healthyAfter}}
            )
{{/hasHealthCheck}}
{{^hasHealthCheck}}
            healthCheck: nil
{{/hasHealthCheck}}
        )
"""#,
        "docs": #"""
{{#docLines}}
{{.}}
{{/docLines}}

"""#,
        "endpointDocs": #"""
{{#docLines}}
{{.}}
{{/docLines}}
{{^docLines}}
/// {{summary}}
{{/docLines}}
///
/// - Parameters:
{{#parameters}}
///   - {{docName}}: {{#hasDocLine}}{{docLine}}{{/hasDocLine}}{{^hasDocLine}}{{>parameterDocs}}{{/hasDocLine}}
{{#docMoreLines}}
///     {{.}}
{{/docMoreLines}}
{{#isContentType}}
{{#bodyContentTypes}}
///     - `{{mediaType}}`
{{/bodyContentTypes}}
{{/isContentType}}
{{/parameters}}
///   - options: Settings for this call, such as its timeout.
{{#hasResponseCases}}
/// - Returns: What the server answered with, a case per success status.
{{/hasResponseCases}}
{{^hasResponseCases}}
{{#hasReturns}}
/// - Returns: {{returns}}
{{/hasReturns}}
{{/hasResponseCases}}
/// - Remark: Generated from endpoint `{{specName}}`:
///   {{summary}}.

"""#,
        "enum": #"""
{{>docs}}
{{#hasDocLines}}
///
{{/hasDocLines}}
/// Values this client does not know decode as ``unknown(_:)`` and encode back unchanged.
///
{{>modelRemarks}}
{{access}} enum {{name}}:
    Swift.RawRepresentable, Swift.Codable, Swift.Hashable, Swift.Sendable, CourierRuntime.ParameterValue
{
{{#cases}}
{{#docLines}}
    {{.}}
{{/docLines}}
    case {{name}}
{{/cases}}
    /// A value the spec does not list, kept as received.
    case unknown(Swift.String)

    /// The case for `rawValue`; values the spec does not list become ``unknown(_:)``.
    {{access}} init(rawValue: Swift.String) {
        switch rawValue {
{{#cases}}
        case "{{value}}": self = .{{name}}
{{/cases}}
        default: self = .unknown(rawValue)
        }
    }

    /// The value as the server writes it.
    {{access}} var rawValue: Swift.String {
        switch self {
{{#cases}}
        case .{{name}}: "{{value}}"
{{/cases}}
        case .unknown(let value): value
        }
    }

    /// Decodes a string, known or not.
    {{access}} init(from decoder: any Swift.Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(Swift.String.self))
    }

    /// Encodes the raw value.
    {{access}} func encode(to encoder: any Swift.Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

"""#,
        "header": #"""
// Generated by Courier from {{specFile}}. Do not edit: change the spec and regenerate.

@_spi(Generated) import CourierRuntime
import Foundation

/// Generated code names the runtime version it was made for; a runtime without it does not fit.
private typealias CourierRuntimeRequirement = CourierRuntime.CourierRuntimeCompatibility.{{runtimeVersion}}

"""#,
        "mock": #"""
{{>header}}
{{^isService}}

// {{specFile}} shares models only; it has no mock.
{{/isService}}
{{#isService}}
{{#service}}

/// A call ``{{mockType}}`` received: the endpoint and its arguments.
{{access}} typealias {{mockCallType}} = CourierRuntime.MockCall<{{mockType}}>

extension CourierRuntime.MockCall where Mock == {{mockType}} {
{{#endpoints}}
    /// A call of `{{specName}}`.
{{#hasParameters}}
    {{access}} static func {{name}}(
{{#parameters}}
        {{declaration}}: {{type}}{{^isLast}},{{/isLast}}
{{/parameters}}
    ) -> Self {
        Self(
            "{{specName}}",
{{#parameters}}
            .init("{{label}}", {{name}}){{^isLast}},{{/isLast}}
{{/parameters}}
        )
    }
{{/hasParameters}}
{{^hasParameters}}
    {{access}} static func {{name}}() -> Self {
        Self("{{specName}}")
    }
{{/hasParameters}}

{{/endpoints}}
{{#streams}}
{{#stream}}
    /// A stream of `{{specName}}`.
{{#isServerSentEvents}}
    {{access}} static func {{name}}(
{{#parameters}}
        {{declaration}}: {{type}},
{{/parameters}}
        lastEventID: Swift.String?
    ) -> Self {
        Self(
            "{{specName}}",
{{#parameters}}
            .init("{{label}}", {{name}}),
{{/parameters}}
            .init("lastEventID", lastEventID)
        )
    }
{{/isServerSentEvents}}
{{^isServerSentEvents}}
{{#hasParameters}}
    {{access}} static func {{name}}(
{{#parameters}}
        {{declaration}}: {{type}}{{^isLast}},{{/isLast}}
{{/parameters}}
    ) -> Self {
        Self(
            "{{specName}}",
{{#parameters}}
            .init("{{label}}", {{name}}){{^isLast}},{{/isLast}}
{{/parameters}}
        )
    }
{{/hasParameters}}
{{^hasParameters}}
    {{access}} static func {{name}}() -> Self {
        Self("{{specName}}")
    }
{{/hasParameters}}
{{/isServerSentEvents}}

{{/stream}}
{{/streams}}
{{#channels}}
{{#channel}}
    /// An opening of channel `{{specName}}`.
{{#hasParameters}}
    {{access}} static func {{name}}(
{{#parameters}}
        {{declaration}}: {{type}}{{^isLast}},{{/isLast}}
{{/parameters}}
    ) -> Self {
        Self(
            "{{specName}}",
{{#parameters}}
            .init("{{label}}", {{name}}){{^isLast}},{{/isLast}}
{{/parameters}}
        )
    }
{{/hasParameters}}
{{^hasParameters}}
    {{access}} static func {{name}}() -> Self {
        Self("{{specName}}")
    }
{{/hasParameters}}

{{/channel}}
{{/channels}}
}

/// Stands in for ``{{clientType}}`` in tests: set a handler for each endpoint the code under test
/// calls, then check ``calls``. A call without a handler throws `ClientError.invalidRequest`.
{{access}} final class {{mockType}}: {{apiType}} {
    /// Records the calls and holds the handlers.
    {{access}} let recorder = CourierRuntime.MockRecorder<{{mockCallType}}>()

    /// Creates a mock without handlers.
    {{access}} init() {}

    /// The calls so far, oldest first.
    {{access}} var calls: [{{mockCallType}}] {
        self.recorder.calls
    }

    /// Makes the metadata the `…WithResponse` methods report: given the call and the default (the
    /// endpoint's success status, no header fields, one attempt, source `.mock`), it returns the
    /// metadata to report. `nil` keeps the default.
    {{access}} var responseMetadata: (
        @Sendable ({{mockCallType}}, CourierRuntime.ResponseMetadata) -> CourierRuntime.ResponseMetadata
    )? {
        get { self.recorder.responseMetadata }
        set { self.recorder.responseMetadata = newValue }
    }
{{#endpoints}}

    /// Answers `{{specName}}` calls.
{{^listsParameterTypesPerLine}}
    {{access}} var {{handlerName}}: (
        @Sendable ({{#parameters}}{{type}}{{^isLast}}, {{/isLast}}{{/parameters}}) async throws({{errorType}}) -> {{outputType}}
    )? {
{{/listsParameterTypesPerLine}}
{{#listsParameterTypesPerLine}}
    {{access}} var {{handlerName}}: (
        @Sendable (
{{#parameters}}
            {{type}}{{^isLast}},{{/isLast}}
{{/parameters}}
        ) async throws({{errorType}}) -> {{outputType}}
    )? {
{{/listsParameterTypesPerLine}}
        get { recorder.handler(for: "{{specName}}") }
        set { recorder.setHandler(newValue, for: "{{specName}}") }
    }

    /// Records the call and answers it with ``{{handlerName}}``, with the metadata
    /// ``responseMetadata`` makes.
    {{access}} func {{responseMethodName}}(
        {{>parameterList}}
    ) async throws({{errorType}}) -> CourierRuntime.Response<{{outputType}}> {
{{#hasParameters}}
        let call = {{mockCallType}}.{{name}}(
{{#parameters}}
            {{label}}: {{name}}{{^isLast}},{{/isLast}}
{{/parameters}}
        )
{{/hasParameters}}
{{^hasParameters}}
        let call = {{mockCallType}}.{{name}}()
{{/hasParameters}}
        self.recorder.record(call)
        guard let handler = self.{{handlerName}} else {
            throw .unhandledInMock("{{mockType}}", endpoint: "{{specName}}")
        }
        let value: {{outputType}} = try await handler({{#parameters}}{{name}}{{^isLast}}, {{/isLast}}{{/parameters}})
        return self.recorder.answer(value, to: call, status: {{successStatus}})
    }
{{/endpoints}}
{{#streams}}
{{#stream}}

    /// Answers `{{specName}}` streams with the stream to hand out, such as
    /// `.scripted([…], then: …)`; it receives the call's arguments.
    {{access}} var {{handlerName}}: (
        @Sendable ({{mockCallType}}) -> {{streamType}}
    )? {
        get { recorder.handler(for: "{{specName}}") }
        set { recorder.setHandler(newValue, for: "{{specName}}") }
    }

    /// Records the call and returns what ``{{handlerName}}`` makes of it; without a handler,
    /// a stream that fails with `ClientError.invalidRequest`.
    {{access}} func {{name}}(
        {{>streamParameterList}}
    ) -> {{streamType}} {
{{#isServerSentEvents}}
        let call = {{mockCallType}}.{{name}}(
{{#parameters}}
            {{label}}: {{name}},
{{/parameters}}
            lastEventID: lastEventID
        )
{{/isServerSentEvents}}
{{^isServerSentEvents}}
{{#hasParameters}}
        let call = {{mockCallType}}.{{name}}(
{{#parameters}}
            {{label}}: {{name}}{{^isLast}},{{/isLast}}
{{/parameters}}
        )
{{/hasParameters}}
{{^hasParameters}}
        let call = {{mockCallType}}.{{name}}()
{{/hasParameters}}
{{/isServerSentEvents}}
        self.recorder.record(call)
        guard let handler = self.{{handlerName}} else {
            return .scripted([], then: .unhandledInMock("{{mockType}}", endpoint: "{{specName}}"))
        }
        return handler(call)
    }
{{/stream}}
{{/streams}}
{{#channels}}
{{#channel}}

    /// Answers `{{specName}}` openings with the channel to hand out, such as
    /// `.scripted([…], onConnect: onConnect)`; it receives the call's arguments and the caller's
    /// `onConnect` hook, so that a test can check what the hook sends after each scripted connection.
    {{access}} var {{handlerName}}: (
        @Sendable (
            {{mockCallType}},
            CourierRuntime.ChannelConnectHook<{{sendType}}>?
        ) -> {{channelType}}
    )? {
        get { recorder.handler(for: "{{specName}}") }
        set { recorder.setHandler(newValue, for: "{{specName}}") }
    }

    /// Records the call and returns what ``{{handlerName}}`` makes of it; without a handler,
    /// a channel that closes at once, saying why, whatever `policy` says.
    {{access}} func {{name}}(
        {{>channelParameterList}}
    ) -> {{channelType}} {
{{#hasParameters}}
        let call = {{mockCallType}}.{{name}}(
{{#parameters}}
            {{label}}: {{name}}{{^isLast}},{{/isLast}}
{{/parameters}}
        )
{{/hasParameters}}
{{^hasParameters}}
        let call = {{mockCallType}}.{{name}}()
{{/hasParameters}}
        self.recorder.record(call)
        guard let handler = self.{{handlerName}} else {
            return .scripted(
                [.refused("{{mockType}} has no handler for channel '{{specName}}'")],
                name: "{{specName}}",
                policy: CourierRuntime.ChannelPolicy(reconnect: .never, keepalive: nil),
                onConnect: onConnect
            )
        }
        return handler(call, onConnect)
    }
{{/channel}}
{{/channels}}
}
{{/service}}
{{/isService}}

"""#,
        "modelRemarks": #"""
{{#isDeprecated}}
/// - Warning: Deprecated.{{#hasDeprecationMessage}} {{deprecationMessage}}{{/hasDeprecationMessage}}
{{/isDeprecated}}
/// - Remark: Generated from model `{{specName}}`.

"""#,
        "models": #"""
{{>header}}
{{#models}}

{{#isStruct}}
{{>struct}}
{{/isStruct}}
{{#isEnum}}
{{>enum}}
{{/isEnum}}
{{#isUnion}}
{{>union}}
{{/isUnion}}
{{#isAlias}}
{{>alias}}
{{/isAlias}}
{{/models}}
{{^hasModels}}

// {{specFile}} declares no models.
{{/hasModels}}

"""#,
        "omitted": #"""
// Generated by Courier from {{specFile}}. Do not edit: change the spec and regenerate.

// No {{omittedKind}} code: generating '{{omittedKind}}' is turned off ('generate' in courier-config.yaml, or --generate).

"""#,
        "operationAuthSchemes": #"""
{{^listsAuthSchemesPerLine}}
authSchemes: [{{#authSchemes}}"{{specName}}"{{^isLast}}, {{/isLast}}{{/authSchemes}}],
{{/listsAuthSchemesPerLine}}
{{#listsAuthSchemesPerLine}}
authSchemes: [
{{#authSchemes}}
    "{{specName}}",
{{/authSchemes}}
],
{{/listsAuthSchemesPerLine}}

"""#,
        "operationErrorsAndResilience": #"""
{{^hasErrorRoutes}}
errors: [],
{{/hasErrorRoutes}}
{{#hasErrorRoutes}}
errors: [
{{#errorRoutes}}
    {{#hasBody}}.json({{status}}, {{declaredErrorType}}.{{caseName}}){{/hasBody}}{{^hasBody}}.empty({{status}}, .{{caseName}}){{/hasBody}},
{{/errorRoutes}}
],
{{/hasErrorRoutes}}
service: "{{serviceSpecName}}",
{{#usesDefaultResilience}}
resilience: resilience,
{{/usesDefaultResilience}}
{{^usesDefaultResilience}}
resilience: CourierRuntime.ResiliencePolicy(
{{#resilience}}
    {{>resilience}}
{{/resilience}}
),
{{/usesDefaultResilience}}

"""#,
        "parameterDocs": #"""
{{#isPath}}The `{{specName}}` path parameter.{{/isPath}}{{#isQuery}}The `{{specName}}` query parameter.{{/isQuery}}{{#isHeader}}The `{{specName}}` header parameter.{{/isHeader}}{{#isBody}}The request body.{{/isBody}}{{#isContentType}}The media type to send the body as, one of:{{/isContentType}}
"""#,
        "parameterList": #"""
{{#parameters}}
{{declaration}}: {{type}},
{{/parameters}}
options: CourierRuntime.RequestOptions

"""#,
        "parameterListWithDefaults": #"""
{{#parameters}}
{{declaration}}: {{type}}{{#hasSignatureDefault}} = {{signatureDefault}}{{/hasSignatureDefault}},
{{/parameters}}
options: CourierRuntime.RequestOptions = CourierRuntime.RequestOptions()

"""#,
        "request": #"""
{{^hasLongPath}}
{{#mutatesRequest}}var{{/mutatesRequest}}{{^mutatesRequest}}let{{/mutatesRequest}} request = CourierRuntime.RequestBuilder(.{{method}}, path: "{{path}}")
{{/hasLongPath}}
{{#hasLongPath}}
{{#mutatesRequest}}var{{/mutatesRequest}}{{^mutatesRequest}}let{{/mutatesRequest}} request = CourierRuntime.RequestBuilder(
    .{{method}},
    path: "{{path}}"
)
{{/hasLongPath}}
{{#constraintParts}}
request.validate("{{part}}") { () throws(CourierRuntime.ConstraintViolation) in
{{#checks}}
    {{>constraintCheck}}
{{/checks}}
}
{{/constraintParts}}
{{#queryParameters}}
request.query("{{specName}}", {{name}})
{{/queryParameters}}
{{#hasHeaders}}
self.headers.apply(to: &request)
{{/hasHeaders}}
{{#headerParameters}}
request.header("{{specName}}", {{name}})
{{/headerParameters}}
{{#hasIdempotencyKey}}
request.header("{{idempotencyHeader}}", Foundation.UUID())
{{/hasIdempotencyKey}}
{{#bodyIsJSON}}
request.jsonBody(body, contentType: "{{bodyContentType}}")
{{/bodyIsJSON}}
{{#bodyIsText}}
request.textBody(body, contentType: "{{bodyContentType}}")
{{/bodyIsText}}
{{#bodyIsBytes}}
request.bytesBody(body, contentType: "{{bodyContentType}}")
{{/bodyIsBytes}}
{{#bodyIsForm}}
request.formBody(body)
{{/bodyIsForm}}
{{#bodyIsMultipart}}
request.multipartBody(body)
{{/bodyIsMultipart}}
{{#bodyHasChoices}}
request.body(body, as: contentType, allowed: [
{{#bodyContentTypes}}
    "{{mediaType}}",
{{/bodyContentTypes}}
])
{{/bodyHasChoices}}

"""#,
        "resilience": #"""
timeouts: CourierRuntime.Timeouts(total: {{totalTimeout}}, attempt: {{attemptTimeout}}),
{{#retry}}
retry: CourierRuntime.RetryPolicy(
    maxAttempts: {{maxAttempts}},
    initialBackoff: {{initialBackoff}},
    maxBackoff: {{maxBackoff}},
    multiplier: {{multiplier}},
    jitter: .{{jitter}},
    retriesConnectionFailures: {{retriesConnectionFailures}},
    retriesTimeouts: {{retriesTimeouts}},
    statuses: [{{#statuses}}{{code}}{{^isLast}}, {{/isLast}}{{/statuses}}],
    maxRetryAfter: {{maxRetryAfter}},
    budget: {{#hasBudget}}CourierRuntime.RetryBudgetPolicy(ratio: {{budgetRatio}}, perSecond: {{budgetPerSecond}}){{/hasBudget}}{{^hasBudget}}nil{{/hasBudget}}
),
{{/retry}}
{{^retry}}
retry: CourierRuntime.RetryPolicy.disabled,
{{/retry}}
{{#circuitBreaker}}
circuitBreaker: CourierRuntime.CircuitBreakerPolicy(
    failureRate: {{failureRate}},
    minimumCalls: {{minimumCalls}},
    window: {{window}},
    consecutiveFailures: {{#hasConsecutiveFailures}}{{consecutiveFailures}}{{/hasConsecutiveFailures}}{{^hasConsecutiveFailures}}nil{{/hasConsecutiveFailures}},
    openFor: {{openFor}},
    maxOpenFor: {{maxOpenFor}},
    halfOpenProbes: {{halfOpenProbes}},
    scope: .{{scope}}
),
{{/circuitBreaker}}
{{^circuitBreaker}}
circuitBreaker: CourierRuntime.CircuitBreakerPolicy.disabled,
{{/circuitBreaker}}
{{#bulkhead}}
bulkhead: CourierRuntime.BulkheadPolicy(maxConcurrent: {{maxConcurrent}}, maxWait: {{maxWait}}),
{{/bulkhead}}
{{^bulkhead}}
bulkhead: CourierRuntime.BulkheadPolicy.unlimited,
{{/bulkhead}}
{{#rateLimit}}
rateLimit: CourierRuntime.RateLimitPolicy(
    requests: {{requests}},
    per: {{per}},
    burst: {{burst}},
    maxWait: {{maxWait}}
),
{{/rateLimit}}
{{^rateLimit}}
rateLimit: nil,
{{/rateLimit}}
{{#cache}}
cache: CourierRuntime.CachePolicy(
    ttl: {{ttl}},
    staleWhileRevalidate: {{staleWhileRevalidate}},
    staleIfError: {{staleIfError}}
),
{{/cache}}
{{^cache}}
cache: nil,
{{/cache}}
{{#hedge}}
hedge: CourierRuntime.HedgePolicy(delay: {{#isFixed}}.fixed({{delay}}){{/isFixed}}{{^isFixed}}.percentile({{quantile}}){{/isFixed}}, maxAttempts: {{maxAttempts}})
{{/hedge}}
{{^hedge}}
hedge: nil
{{/hedge}}

"""#,
        "streamArgumentList": #"""
{{#parameters}}
{{label}}: {{name}},
{{/parameters}}
{{#isServerSentEvents}}
lastEventID: lastEventID,
{{/isServerSentEvents}}
options: options

"""#,
        "streamDocs": #"""
{{#docLines}}
{{.}}
{{/docLines}}
{{^docLines}}
/// {{summary}}
{{/docLines}}
///
/// The events arrive as the server sends them: read them with `for try await event in …`.
{{#reconnects}}
{{#isServerSentEvents}}
/// A lost connection is opened again{{#resumesFromLastEventID}}, resuming after the last event{{/resumesFromLastEventID}};
/// leaving the loop or cancelling the task closes it.
{{/isServerSentEvents}}
{{^isServerSentEvents}}
/// A failed connection attempt is tried again; once values have arrived, a lost connection ends
/// the stream with its error. Leaving the loop or cancelling the task closes the connection.
{{/isServerSentEvents}}
{{/reconnects}}
{{^reconnects}}
/// The stream is not reconnected, since sending its request again would repeat it; leaving the
/// loop or cancelling the task closes the connection.
{{/reconnects}}
///
/// - Parameters:
{{#parameters}}
///   - {{docName}}: {{#hasDocLine}}{{docLine}}{{/hasDocLine}}{{^hasDocLine}}{{>parameterDocs}}{{/hasDocLine}}
{{#docMoreLines}}
///     {{.}}
{{/docMoreLines}}
{{/parameters}}
{{#isServerSentEvents}}
///   - lastEventID: The ID of the event to start after, as a stream's `lastEventID` reported it.
{{/isServerSentEvents}}
///   - options: Settings for this stream, such as its attempt timeout.
/// - Remark: Generated from endpoint `{{specName}}`:
///   {{summary}}.

"""#,
        "streamParameterList": #"""
{{#parameters}}
{{declaration}}: {{type}},
{{/parameters}}
{{#isServerSentEvents}}
lastEventID: Swift.String?,
{{/isServerSentEvents}}
options: CourierRuntime.RequestOptions

"""#,
        "streamParameterListWithDefaults": #"""
{{#parameters}}
{{declaration}}: {{type}}{{#hasSignatureDefault}} = {{signatureDefault}}{{/hasSignatureDefault}},
{{/parameters}}
{{#isServerSentEvents}}
lastEventID: Swift.String? = nil,
{{/isServerSentEvents}}
options: CourierRuntime.RequestOptions = CourierRuntime.RequestOptions()

"""#,
        "struct": #"""
{{>docs}}
{{#hasDocLines}}
///
{{/hasDocLines}}
{{>modelRemarks}}
{{access}} struct {{name}}: Swift.Codable, Swift.Hashable, Swift.Sendable {
{{#properties}}
{{#docLines}}
    {{.}}
{{/docLines}}
{{#isStored}}
    {{access}} var {{name}}: {{type}}
{{/isStored}}
{{^isStored}}
    {{>deprecation}}
    {{access}} var {{name}}: {{type}} {
        get { {{storageName}}{{#isBoxed}}.value{{/isBoxed}} }
        set { {{storageName}} = {{#isBoxed}}CourierRuntime.Indirect(newValue){{/isBoxed}}{{^isBoxed}}newValue{{/isBoxed}} }
    }
{{/isStored}}

{{/properties}}
{{#properties}}
{{^isStored}}
    private var {{storageName}}: {{storageType}}
{{/isStored}}
{{/properties}}

    /// Creates a value from its properties.
    {{access}} init(
{{#properties}}
        {{name}}: {{type}}{{#hasInitDefault}} = {{initDefault}}{{/hasInitDefault}}{{^isLast}},{{/isLast}}
{{/properties}}
    ) {
{{#properties}}
        self.{{storageName}} = {{#isBoxed}}CourierRuntime.Indirect({{name}}){{/isBoxed}}{{^isBoxed}}{{name}}{{/isBoxed}}
{{/properties}}
    }
{{#hasProperties}}

    private enum CodingKeys: Swift.String, Swift.CodingKey {
{{#properties}}
        case {{codingKey}}{{#hasCustomJSONKey}} = "{{jsonKey}}"{{/hasCustomJSONKey}}
{{/properties}}
    }

    /// Decodes the JSON object; absent keys take the spec's defaults.
    {{access}} init(from decoder: any Swift.Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
{{#properties}}
{{^decodesOnSeveralLines}}
        self.{{storageName}} = {{#isBoxed}}CourierRuntime.Indirect({{/isBoxed}}try container.{{decodeMethod}}({{decodeType}}.self, forKey: .{{codingKey}}){{#hasDefault}} ?? {{defaultValue}}{{/hasDefault}}{{#isBoxed}}){{/isBoxed}}
{{/decodesOnSeveralLines}}
{{#decodesOnSeveralLines}}
        self.{{storageName}} = {{#isBoxed}}CourierRuntime.Indirect({{/isBoxed}}try container.{{decodeMethod}}(
            {{decodeType}}.self,
            forKey: .{{codingKey}}
        ){{#hasDefault}} ?? {{defaultValue}}{{/hasDefault}}{{#isBoxed}}){{/isBoxed}}
{{/decodesOnSeveralLines}}
{{/properties}}
    }

    /// Encodes the JSON object; `nil` properties are left out.
    {{access}} func encode(to encoder: any Swift.Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
{{#properties}}
        try container.{{encodeMethod}}(self.{{storageName}}{{#isBoxed}}.value{{/isBoxed}}, forKey: .{{codingKey}})
{{/properties}}
    }
{{/hasProperties}}
{{^hasProperties}}

    /// Decodes an object, whatever it holds.
    {{access}} init(from decoder: any Swift.Decoder) throws {
        _ = try decoder.container(keyedBy: CourierRuntime.DynamicCodingKey.self)
    }

    /// Encodes an empty object.
    {{access}} func encode(to encoder: any Swift.Encoder) throws {
        _ = encoder.container(keyedBy: CourierRuntime.DynamicCodingKey.self)
    }
{{/hasProperties}}
}
{{#isValidatable}}

extension {{name}}: CourierRuntime.Validatable {
    /// Checks the spec's constraints on the properties and the models they hold; throws the first
    /// value that breaks one.
    {{access}} func validate() throws(CourierRuntime.ConstraintViolation) {
{{#constraintChecks}}
        {{>constraintCheck}}
{{/constraintChecks}}
    }
}
{{/isValidatable}}

"""#,
        "union": #"""
{{>docs}}
{{#hasDocLines}}
///
{{/hasDocLines}}
/// The JSON field `{{discriminator}}` names the variant. An object with a value this client does
/// not know decodes as ``unknown(_:)`` and encodes back unchanged.
///
{{>modelRemarks}}
{{access}} enum {{name}}: Swift.Codable, Swift.Hashable, Swift.Sendable {
{{#variants}}
    /// `{{discriminator}}` is `{{tag}}`.
    {{#isIndirect}}indirect {{/isIndirect}}case {{caseName}}({{type}})
{{/variants}}
    /// A variant the spec does not list, kept as received.
    case unknown(CourierRuntime.JSONValue)

    /// Decodes the variant that the `{{discriminator}}` field names.
    {{access}} init(from decoder: any Swift.Decoder) throws {
        switch try CourierRuntime.Discriminator.tag(from: decoder, key: "{{discriminator}}") {
{{#variants}}
        case "{{tag}}": self = .{{caseName}}(try {{type}}(from: decoder))
{{/variants}}
        default: self = .unknown(try CourierRuntime.JSONValue(from: decoder))
        }
    }

    /// Encodes the variant with its `{{discriminator}}` field set to match the case.
    {{access}} func encode(to encoder: any Swift.Encoder) throws {
        switch self {
{{#variants}}
        case .{{caseName}}(let value):
            try CourierRuntime.Discriminator.encode(value, tag: "{{tag}}", key: "{{discriminator}}", to: encoder)
{{/variants}}
        case .unknown(let value):
            try value.encode(to: encoder)
        }
    }
}
{{#isValidatable}}

extension {{name}}: CourierRuntime.Validatable {
    /// Checks the spec's constraints on the variant's value.
    {{access}} func validate() throws(CourierRuntime.ConstraintViolation) {
        switch self {
{{#variants}}
{{#isValidatable}}
        case .{{caseName}}(let value): try value.validate()
{{/isValidatable}}
{{/variants}}
        default: break
        }
    }
}
{{/isValidatable}}

"""#,
    ]
}
