extension Render {
    /// An endpoint.
    struct Endpoint: RenderObject {
        /// How the request body is sent.
        enum BodyEncoding: Sendable, Equatable {
            case json, text, bytes, form, multipart
            /// One of several media types, which the caller picks.
            case choices([String])
        }

        /// How a successful response becomes the method's value.
        enum ResponseForm: Sendable {
            /// One body for every success status, read this way.
            case single(BodyKind)
            /// An enum with a case per success status (`responses:`).
            case cases(enumType: String, RenderList<ResponseCase>)
        }

        var name: String
        var methodName: String
        var specName: String
        var summary: String
        var docLines: [String]
        /// What the response's description says the call returns; `nil` without one.
        var returns: String?
        var method: String
        var path: String
        /// Every parameter in signature order: path, query, header, body, and the body's media type
        /// when the caller picks it.
        var parameters: RenderList<Parameter>
        var queryParameters: RenderList<Parameter>
        var headerParameters: RenderList<Parameter>
        var hasBody: Bool
        /// The body's media type, escaped for a string literal: the spec's first of several.
        var bodyContentType: String
        var bodyEncoding: BodyEncoding?
        var mutatesRequest: Bool
        /// The checks run before the request is sent, by part of the request.
        var constraintParts: RenderList<ConstraintPart>
        /// The spec's `tags:`, each escaped for a string literal.
        var tags: [String]
        /// The spec's `fallback:`: the server's name escaped for a string literal and its case of
        /// the server enum, and whether a stale cached copy answers.
        var fallback: (server: (name: String, caseName: String)?, staleCache: Bool)?
        var outputType: String
        var response: ResponseForm
        /// The media types a response body is accepted as, escaped for a string literal.
        var responseAccept: String
        var responseMethodName: String
        var successStatus: Int
        var authSchemes: RenderList<SchemeReference>
        var errorRoutes: RenderList<ErrorRoute>
        var idempotencyHeader: String?
        /// Whether the mock handler's type (parameter types, error and output) is long enough to
        /// write a parameter type a line.
        var listsParameterTypesPerLine: Bool
        var resilience: Policy
        var usesDefaultResilience: Bool
        var pagination: Pagination?
        /// How the events arrive, for an endpoint with `stream:`.
        var stream: Stream?
        var deprecation: Deprecation?
        /// What the channel sends and receives, for the handshake endpoint of a `channels:` entry.
        var channel: Channel? = nil

        private var singleResponse: BodyKind? {
            if case .single(let kind) = response { return kind }
            return nil
        }

        private var responseCases: RenderList<ResponseCase> {
            if case .cases(_, let cases) = response { return cases }
            return []
        }

        static let keys = RenderKeys<Self>(
            .endpoint,
            """
            An endpoint. The body is sent in one of these ways: `bodyIsJSON`, `bodyIsText`, `bodyIsBytes`, \
            `bodyIsForm`, `bodyIsMultipart`, or `bodyHasChoices`. With `hasResponseCases`, `outputType` is \
            `responseEnumType`, whose cases are `responseCases`; otherwise one of `responseIsJSON`, \
            `responseIsText`, `responseIsBytes` and `responseIsEmpty` is true.
            """, naming + request + response + behaviour + RenderKey<Self>.deprecation { $0.deprecation })

        private static let naming: [RenderKey<Self>] = [
            .text("name", "The escaped Swift name.") { $0.name },
            .text("methodName", "The method's name, without backticks.") { $0.methodName },
            .text("responseMethodName", "The `…WithResponse` method's name.") { $0.responseMethodName },
            .text("handlerName", "The mock's handler property for the endpoint.") { $0.methodName + "Handler" },
            .text("specName", "The name in the spec, escaped for a string literal.") { $0.specName },
            .text(
                "summary",
                "`METHOD /path`, safe inside a comment: the first doc line of an endpoint without a description."
            ) {
                $0.summary
            },
            .docLines { $0.docLines },
            .flag("hasReturns", "Whether the response has a description.") { $0.returns != nil },
            .text("returns", "The response's description on one line.") { $0.returns ?? "" },
        ]

        private static let request: [RenderKey<Self>] = [
            .text("method", "The HTTP method in lower case, as a `HTTPRequest.Method` member.") { $0.method },
            .text("path", "The contents of the interpolated string literal that builds the path.") { $0.path },
            .flag("hasLongPath", "Whether `path` is long (over 56 characters), to place it on a line of its own.") {
                $0.path.count > 56
            },
            .list(
                "parameters",
                "Path, query, header and body parameters in signature order, then `contentType` with `bodyHasChoices`."
            ) {
                $0.parameters
            },
            .flag("hasParameters", "Whether `parameters` has any.") { !$0.parameters.isEmpty },
            .flag(
                "listsParameterTypesPerLine",
                "Whether the parameter types, output and error are long (over 80 characters), to write a type a line."
            ) {
                $0.listsParameterTypesPerLine
            },
            .list("queryParameters", "The query parameters.") { $0.queryParameters },
            .list("headerParameters", "The header parameters.") { $0.headerParameters },
            .flag("hasBody", "Whether the endpoint sends a body.") { $0.hasBody },
            .flag(
                "mutatesRequest",
                "Whether the request is changed after it is created (query, headers, body, idempotency key, checks)."
            ) {
                $0.mutatesRequest
            },
            .list("constraintParts", "The checks run before the request is sent, by part: path, query, header, body.") {
                $0.constraintParts
            },
            .flag("hasTags", "Whether the spec gives the endpoint `tags:`.") { !$0.tags.isEmpty },
            .flag("hasFallback", "Whether the spec gives the endpoint a `fallback:`.") { $0.fallback != nil },
            .flag("hasFallbackServer", "Whether the fallback calls another server of the spec.") {
                $0.fallback?.server != nil
            },
            .text("fallbackServer", "The fallback server's name in the spec, escaped for a string literal.") {
                $0.fallback?.server?.name ?? ""
            },
            .text("fallbackServerCase", "The fallback server's case of the server enum.") {
                $0.fallback?.server?.caseName ?? ""
            },
            .flag("fallbackStaleCache", "Whether a stored copy, however stale, answers when the call fails.") {
                $0.fallback?.staleCache ?? false
            },
            .text("tagList", "The tags as the elements of a Swift array literal: `\"reads\", \"audited\"`.") {
                $0.tags.map { "\"\($0)\"" }.joined(separator: ", ")
            },
            .flag("bodyIsJSON", "The body is sent as JSON.") { $0.bodyEncoding == .json },
            .flag("bodyIsText", "The body is sent as text.") { $0.bodyEncoding == .text },
            .flag("bodyIsBytes", "The body is sent as bytes.") { $0.bodyEncoding == .bytes },
            .flag("bodyIsForm", "The body is sent as a URL-encoded form.") { $0.bodyEncoding == .form },
            .flag("bodyIsMultipart", "The body is sent as `multipart/form-data`.") { $0.bodyEncoding == .multipart },
            .flag("bodyHasChoices", "The caller picks the body's media type from `bodyContentTypes`.") {
                if case .choices = $0.bodyEncoding { return true }
                return false
            },
            .text("bodyContentType", "The body's media type (the first of several), escaped for a string literal.") {
                $0.bodyContentType
            },
            .list("bodyContentTypes", "The media types the caller may pick.") { endpoint -> [MediaType] in
                guard case .choices(let types) = endpoint.bodyEncoding else { return [] }
                return types.map(MediaType.init(mediaType:))
            },
        ]

        private static let response: [RenderKey<Self>] = [
            .text("outputType", "The Swift type the method returns.") { $0.outputType },
            .flag("responseIsJSON", "The response body is decoded from JSON.") { $0.singleResponse == .json },
            .flag("responseIsText", "The response body is text.") { $0.singleResponse == .text },
            .flag("responseIsBytes", "The response body is bytes.") { $0.singleResponse == .bytes },
            .flag("responseIsEmpty", "The response has no body.") { $0.singleResponse == .empty },
            .flag("hasResponseCases", "Whether the response depends on the status (`responses:`).") {
                !$0.responseCases.isEmpty
            },
            .text("responseEnumType", "The enum of a `responses:` endpoint's outcomes.") {
                if case .cases(let enumType, _) = $0.response { return enumType }
                return ""
            },
            .list("responseCases", "The success statuses of a `responses:` endpoint.") { $0.responseCases },
            .text("responseAccept", "The `Accept` header's value, escaped for a string literal.") { $0.responseAccept },
            .flag(
                "hasResponseAccept", "Whether `Accept` is sent: always for one response, with a body for `responses:`."
            ) {
                $0.singleResponse != nil || !$0.responseAccept.isEmpty
            },
            .text("successStatus", "The status a mock reports.") { String($0.successStatus) },
        ]

        private static let behaviour: [RenderKey<Self>] = [
            .list("authSchemes", "The auth schemes the endpoint accepts, in order of preference.") { $0.authSchemes },
            .flag(
                "listsAuthSchemesPerLine",
                "Whether `authSchemes` is long enough (over 60 characters) to write one a line."
            ) {
                $0.authSchemes.reduce(0) { $0 + $1.specName.count + 4 } > 60
            },
            .list("errorRoutes", "The declared errors the endpoint can answer with.") { $0.errorRoutes },
            .flag("hasErrorRoutes", "Whether the endpoint declares errors.") { !$0.errorRoutes.isEmpty },
            .flag("hasIdempotencyKey", "Whether the endpoint sends an idempotency key.") {
                $0.idempotencyHeader != nil
            },
            .text("idempotencyHeader", "The idempotency key's header, escaped for a string literal.") {
                $0.idempotencyHeader ?? ""
            },
            .object("resilience", "The endpoint's effective resilience settings.") { $0.resilience },
            .flag("usesDefaultResilience", "Whether `resilience` equals the service's `resilienceDefaults`.") {
                $0.usesDefaultResilience
            },
            .flag("isPaginated", "Whether the endpoint pages.") { $0.pagination != nil },
            .optional("pagination", "How the endpoint pages.") { $0.pagination },
            .optional("stream", "How a streaming endpoint's events arrive; such endpoints are the service's `streams`.")
            {
                $0.stream
            },
            .optional("channel", "What a channel sends and receives; its handshake is one of the service's `channels`.")
            {
                $0.channel
            },
        ]
    }

    /// How a body is read or written.
    enum BodyKind: Sendable, Equatable {
        case json, text, bytes, empty
    }

    /// A parameter of an endpoint, or a service-wide header.
    struct Parameter: RenderObject {
        /// Where the value goes.
        enum Placement: Sendable, Equatable {
            case path, query, header, body, contentType
        }

        /// The escaped identifier inside the method.
        var name: String
        var label: String
        var declaration: String
        var specName: String
        var type: String
        /// The default in the method's signature, as a Swift expression.
        var signatureDefault: String?
        /// The name inside the method, without backticks, as doc comments write it.
        var docName: String
        /// The description, wrapped: the first line after the parameter's name, then the others.
        var docLines: [String]
        var placement: Placement

        /// The argument that picks a body's media type, `first` unless the caller says otherwise.
        static func contentTypeChoice(defaultingTo first: String) -> Parameter {
            Parameter(
                name: "contentType", label: "contentType", declaration: "contentType", specName: "contentType",
                type: "CourierRuntime.MediaType", signatureDefault: "\"" + first + "\"", docName: "contentType",
                docLines: [], placement: .contentType)
        }

        static let keys = RenderKeys<Self>(
            .parameter,
            """
            A parameter or service-wide header. A parameter named like a local the templates declare \
            (`request`, `handler`, `page`, …) keeps its label and is called `request_` inside the method.
            """,
            [
                .text("name", "The escaped identifier inside the method.") { $0.name },
                .text("label", "The argument label in calls.") { $0.label },
                .text("declaration", "The spelling in a parameter list: `label name` when the two differ.") {
                    $0.declaration
                },
                .text("specName", "The name on the wire, escaped for a string literal.") { $0.specName },
                .text("type", "The Swift type.") { $0.type },
                .flag("hasSignatureDefault", "Whether the method's signature gives a default.") {
                    $0.signatureDefault != nil
                },
                .text("signatureDefault", "The signature's default: the spec's, or `nil` for an optional.") {
                    $0.signatureDefault ?? ""
                },
                .text("docName", "The name inside the method, without backticks, for `- Parameter` lines.") {
                    $0.docName
                },
                .text("docLine", "The description's first line, after the name in a `- Parameters:` list.") {
                    $0.docLines.first ?? ""
                },
                .lines("docMoreLines", "The description's other lines, wrapped under 100 columns.") {
                    Array($0.docLines.dropFirst())
                },
                .flag("hasDocLine", "Whether the parameter has a description.") { !$0.docLines.isEmpty },
                .flag("isPath", "A path parameter.") { $0.placement == .path },
                .flag("isQuery", "A query parameter.") { $0.placement == .query },
                .flag("isHeader", "A header.") { $0.placement == .header },
                .flag("isBody", "The body.") { $0.placement == .body },
                .flag("isContentType", "The argument that picks the body's media type.") {
                    $0.placement == .contentType
                },
            ])
    }

    /// An auth scheme an endpoint accepts.
    struct SchemeReference: RenderObject {
        var specName: String

        static let keys = RenderKeys<Self>(
            .schemeReference, "An auth scheme an endpoint accepts.",
            [
                .text("specName", "The scheme's name, escaped for a string literal.") { $0.specName }
            ])
    }

    /// A declared error an endpoint can answer with.
    struct ErrorRoute: RenderObject {
        var caseName: String
        var status: Int
        var hasBody: Bool

        static let keys = RenderKeys<Self>(
            .errorRoute, "A declared error an endpoint can answer with.",
            [
                .text("caseName", "The case of the declared-error enum.") { $0.caseName },
                .text("status", "The HTTP status.") { String($0.status) },
                .flag("hasBody", "Whether the error carries a decoded body.") { $0.hasBody },
            ])
    }

    /// A media type an endpoint's body may be sent as.
    struct MediaType: RenderObject {
        var mediaType: String

        static let keys = RenderKeys<Self>(
            .mediaType, "A media type an endpoint's body may be sent as.",
            [
                .text("mediaType", "The media type, escaped for a string literal.") { $0.mediaType }
            ])
    }

    /// A success status of an endpoint whose response depends on the status.
    struct ResponseCase: RenderObject {
        var caseName: String
        var status: Int
        var docLines: [String]
        var body: BodyKind
        /// The Swift type of the body; empty without one.
        var payloadType: String

        static let keys = RenderKeys<Self>(
            .responseCase,
            """
            A success status of an endpoint with `responses:`: its enum case, and how its body is read.
            """,
            [
                .text("caseName", "The escaped enum case.") { $0.caseName },
                .text("status", "The HTTP status.") { String($0.status) },
                .docLines { $0.docLines },
                .flag("hasBody", "Whether the status has a body.") { $0.body != .empty },
                .text("payloadType", "The body's Swift type.") { $0.payloadType },
                .flag("isJSON", "The body is decoded from JSON.") { $0.body == .json },
                .flag("isText", "The body is text.") { $0.body == .text },
                .flag("isBytes", "The body is bytes.") { $0.body == .bytes },
            ])
    }

    /// How an endpoint pages.
    struct Pagination: RenderObject {
        var methodName: String
        var itemType: String
        var cursorType: String
        var cursorName: String
        var nextExpression: String
        var itemsExpression: String
        /// The endpoint's parameters without the cursor.
        var parameters: RenderList<Parameter>
        /// All the endpoint's parameters.
        var arguments: RenderList<Parameter>

        static let keys = RenderKeys<Self>(
            .pagination, "How the `…Items` method pages; the page is named `page`.",
            [
                .text("methodName", "The method that yields the items.") { $0.methodName },
                .text("itemType", "The Swift type of an item.") { $0.itemType },
                .text("cursorType", "The cursor's Swift type, not optional.") { $0.cursorType },
                .text("cursorName", "The cursor parameter's name inside the method.") { $0.cursorName },
                .text("nextExpression", "Reads the next cursor from `page`.") { $0.nextExpression },
                .text("itemsExpression", "Reads the items from `page`.") { $0.itemsExpression },
                .list("parameters", "The endpoint's parameters without the cursor.") { $0.parameters },
                .list("arguments", "All the endpoint's parameters.") { $0.arguments },
            ])
    }
}
