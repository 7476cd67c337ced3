import Foundation

extension SpecDecoder {
    /// Where a parameter travels.
    enum ParameterKind {
        case path, query, header

        var noun: String {
            switch self {
            case .path: "path parameter"
            case .query: "query parameter"
            case .header: "header"
            }
        }
    }

    mutating func decodeEndpoints(
        _ node: YAMLNode, defaults: ResiliencePolicy, streamReconnect: ReconnectPolicy
    ) -> [Endpoint] {
        guard let entries = mapping(node, what: "'endpoints'") else { return [] }
        var endpoints: [Endpoint] = []
        for entry in entries {
            guard let name = entry.key.scalarValue else { continue }
            if let endpoint = decodeEndpoint(
                name: name, entry.value, at: entry.key.location, defaults: defaults, streamReconnect: streamReconnect)
            {
                endpoints.append(endpoint)
            }
        }
        return endpoints
    }

    mutating func decodeEndpoint(
        name: String, _ node: YAMLNode, at location: SourceLocation, defaults: ResiliencePolicy,
        streamReconnect: ReconnectPolicy
    ) -> Endpoint? {
        if !(name.first?.isLetter ?? false) {
            error("an endpoint name starts with a letter, not '\(name)'", at: location)
            return nil
        }
        guard let fields = fields(node, allowed: SpecKeys.endpoint, in: "endpoint '\(name)'") else { return nil }
        // A broken method or path is reported, and the endpoint's other keys are still read and
        // checked; only the checks that need the method or the path are left out.
        if !fields.has("method") || !fields.has("path") {
            let missing = ["method", "path"].filter { !fields.has($0) }.map { "'\($0)'" }.joined(separator: " and ")
            error("endpoint '\(name)' needs \(missing)", at: location)
        }
        var method: HTTPMethod?
        if let methodNode = fields["method"], let methodText = string(methodNode, what: "'method'") {
            method = HTTPMethod(rawValue: methodText)
            if method == nil {
                let names = HTTPMethod.allCases.map(\.rawValue)
                let hint =
                    HTTPMethod(rawValue: methodText.uppercased()) != nil
                    ? "; write it in capitals: '\(methodText.uppercased())'" : ""
                error(
                    "'\(methodText)' is not an HTTP method; use one of \(names.joined(separator: ", "))\(hint)",
                    at: methodNode.location)
            }
        }
        var pathText = ""
        var segments: [PathSegment]?
        let pathNode = fields["path"]
        if let pathNode, let text = string(pathNode, what: "'path'") {
            pathText = text
            segments = pathTemplate(text, at: pathNode)
        }

        var keyLocations: [String: SourceLocation] = [:]
        for key in fields.keys { keyLocations[key] = fields.keyLocation(key) }

        let parameters = decodePathParameters(fields, segments: segments, pathNode: pathNode)

        var body: RequestBody?
        if let bodyNode = fields["body"] {
            body = decodeBody(bodyNode)
            if body != nil, let method, !method.allowsBody {
                error("a \(method.rawValue) request cannot have a body", at: fields.keyLocation("body"))
            }
        }
        var response =
            fields["response"].flatMap { decodeResponse($0) }
            ?? ResponseBody(
                type: nil, status: 204, contentType: "application/json", description: nil, location: location)
        var responseCases: [ResponseBody] = []
        if let responsesNode = fields["responses"] {
            if fields.has("response") {
                error(
                    "'response' and 'responses' cannot both be given; list every success status under 'responses'",
                    at: fields.keyLocation("responses"))
            } else if fields.has("pagination") {
                error("a paginated endpoint has one response; use 'response'", at: fields.keyLocation("responses"))
            } else if let cases = decodeResponses(responsesNode) {
                responseCases = cases
                response = cases[0]
            }
        }

        var errors: [String] = []
        if let errorsNode = fields["errors"], let items = sequence(errorsNode, what: "'errors'") {
            var listed = Set<String>()
            for item in items {
                guard let errorName = string(item, what: "an error name") else { continue }
                if listed.insert(errorName).inserted {
                    errors.append(errorName)
                } else {
                    error("error '\(errorName)' is listed twice", at: item.location)
                }
            }
        }

        var idempotencyKey: String?
        if let keyNode = fields["idempotencyKey"] {
            if keyNode.scalar?.style == .plain, keyNode.scalarValue == "true" {
                idempotencyKey = "Idempotency-Key"
            } else if let header = string(keyNode, what: "'idempotencyKey'") {
                if isHeaderName(header) {
                    idempotencyKey = header
                } else {
                    error(
                        "'idempotencyKey' names the header that carries the key, and '\(header)' is not a header name",
                        at: keyNode.location)
                }
            }
            if idempotencyKey != nil, let method, method.isIdempotent {
                warning(
                    "\(method.rawValue) is idempotent already; 'idempotencyKey' adds nothing here",
                    at: fields.keyLocation("idempotencyKey"))
            }
        }

        let auth = decodeAuth(fields)

        var resilience = applyResilience(fields, to: defaults, base: .builtIn)
        if let method, fields.has("cache"), resilience.cache != nil, !method.isCacheable {
            error(
                "only GET and HEAD responses can be cached, and '\(name)' is \(method.rawValue)",
                at: fields.keyLocation("cache"))
        }
        if let method, !method.isCacheable { resilience.cache = nil }
        if let hedgeNode = fields["hedge"] {
            resilience.hedge = isNone(hedgeNode) ? nil : decodeHedge(hedgeNode)
            if resilience.hedge != nil, let method, !method.isIdempotent, idempotencyKey == nil {
                error(
                    "only idempotent endpoints can hedge, since every copy may reach the server; '\(name)' is \(method.rawValue) without an 'idempotencyKey'",
                    at: fields.keyLocation("hedge"))
            }
        }
        if let method, let retry = resilience.retry, fields.has("retry"), retry.maxAttempts > 1, !method.isIdempotent,
            idempotencyKey == nil,
            retry.on.timeout || !retry.on.statuses.isEmpty
        {
            warning(
                "'\(name)' is \(method.rawValue) without an 'idempotencyKey', so only connection failures before sending are retried; add 'idempotencyKey' to retry timeouts and statuses",
                at: fields.keyLocation("retry"))
        }

        var stream: StreamSpec?
        if let streamNode = fields["stream"] {
            for key in ["response", "responses", "pagination", "cache", "hedge"] where fields.has(key) {
                error(
                    "a streaming endpoint's events are its response; '\(key)' cannot be given with 'stream'",
                    at: fields.keyLocation(key))
            }
            let repeatable = method.map { $0.isIdempotent } ?? true || idempotencyKey != nil
            stream = decodeStream(streamNode, inherited: streamReconnect, reconnects: repeatable, method: method)
        }

        var endpoint = Endpoint(
            name: name, method: method ?? .get, path: pathText, pathSegments: segments ?? [],
            description: fields["description"].flatMap { string($0, what: "'description'") },
            deprecation: fields["deprecated"].flatMap { deprecation($0) },
            pathParameters: parameters,
            queryParameters: fields["query"].map { decodeParameters($0, kind: .query, in: "'query'") } ?? [],
            headerParameters: fields["headers"].map { decodeParameters($0, kind: .header, in: "'headers'") } ?? [],
            body: body, response: response, errors: errors,
            pagination: fields["pagination"].flatMap { decodePagination($0) },
            idempotencyKey: idempotencyKey, auth: auth, keyLocations: keyLocations,
            resilience: resilience, location: location, hasRoute: method != nil && segments != nil,
            responseCases: responseCases, stream: stream)
        if let tagsNode = fields["tags"] { endpoint.tags = decodeTags(tagsNode) }
        if let fallbackNode = fields["fallback"] {
            if stream != nil {
                error(
                    "a streaming endpoint reconnects instead of falling back; 'fallback' cannot be given with 'stream'",
                    at: fields.keyLocation("fallback"))
            } else {
                endpoint.fallback = decodeFallback(fallbackNode, cached: resilience.cache != nil, endpoint: name)
            }
        }
        return endpoint
    }

    /// `fallback: { server: legacy }` or `fallback: { staleCache: true }`, or both.
    mutating func decodeFallback(_ node: YAMLNode, cached: Bool, endpoint: String) -> FallbackSpec? {
        guard let fields = fields(node, allowed: SpecKeys.fallback, in: "'fallback'") else { return nil }
        var fallback = FallbackSpec(server: nil, serverLocation: nil, staleCache: false, location: node.location)
        if let serverNode = fields["server"], let server = string(serverNode, what: "'server'") {
            fallback.server = server
            fallback.serverLocation = serverNode.location
        }
        if let staleNode = fields["staleCache"] {
            switch staleNode.scalar.map({ ($0.style, $0.value) }) {
            case (.plain, "true")?: fallback.staleCache = true
            case (.plain, "false")?: fallback.staleCache = false
            default: error("'staleCache' is true or false, not \(describe(staleNode))", at: staleNode.location)
            }
            if fallback.staleCache, !cached {
                error(
                    "'staleCache' answers from stored responses, and '\(endpoint)' stores none: give it a 'cache' policy",
                    at: staleNode.location)
            }
        }
        guard fallback.server != nil || fallback.staleCache else {
            error("'fallback' needs 'server' (another server of this spec) or 'staleCache: true'", at: node.location)
            return nil
        }
        return fallback
    }

    /// `tags: [reads, audited]`: names of groups of endpoints, which middleware can be registered for.
    mutating func decodeTags(_ node: YAMLNode) -> [String] {
        guard let items = sequence(node, what: "'tags'") else { return [] }
        var tags: [String] = []
        for item in items {
            guard let tag = string(item, what: "a tag") else { continue }
            if tag.isEmpty || tag.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 }) {
                error("a tag is a word without spaces, such as 'reads', not '\(tag)'", at: item.location)
            } else if tags.contains(tag) {
                error("tag '\(tag)' is listed twice", at: item.location)
            } else {
                tags.append(tag)
            }
        }
        return tags
    }

    /// `params:`, checked against the path's placeholders and put in their order.
    mutating func decodePathParameters(_ fields: Fields, segments: [PathSegment]?, pathNode: YAMLNode?) -> [Parameter] {
        let parameters = fields["params"].map { decodeParameters($0, kind: .path, in: "'params'") } ?? []
        guard let segments, let pathNode else { return parameters }
        let placeholders = segments.compactMap { segment -> String? in
            if case .parameter(let name) = segment { return name }
            return nil
        }
        // Placeholders and params must match exactly; params follow the placeholders' order.
        var byName: [String: Parameter] = [:]
        for parameter in parameters where byName[parameter.name] == nil { byName[parameter.name] = parameter }
        let placeholderNames = Set(placeholders)
        for placeholder in placeholders where byName[placeholder] == nil {
            let hint = Suggestions.didYouMean(placeholder, among: parameters.map(\.name))
            error("path parameter '\(placeholder)' is not declared in 'params'\(hint)", at: pathNode.location)
        }
        for parameter in parameters where !placeholderNames.contains(parameter.name) {
            error(
                "'params' declares '\(parameter.name)', but the path has no '{\(parameter.name)}'",
                at: parameter.location)
        }
        return placeholders.compactMap { byName[$0] }
    }

    /// `auth:` of an endpoint or channel: `none`, one scheme, or a list.
    mutating func decodeAuth(_ fields: Fields) -> AuthRequirement {
        guard let authNode = fields["auth"] else { return .inherited }
        if isNone(authNode) { return .none }
        if let scalar = authNode.scalarValue { return .schemes([scalar]) }
        if let items = sequence(authNode, what: "'auth'") {
            return .schemes(items.compactMap { string($0, what: "an auth scheme name") })
        }
        return .inherited
    }

    /// An endpoint's `stream:`. `reconnects` is false for a method that must not be sent twice.
    mutating func decodeStream(
        _ node: YAMLNode, inherited: ReconnectPolicy, reconnects: Bool, method: HTTPMethod?
    ) -> StreamSpec? {
        guard let fields = fields(node, allowed: SpecKeys.stream, in: "'stream'") else { return nil }
        var format = StreamSpec.Format.sse
        if let formatNode = fields["format"], let text = string(formatNode, what: "'format'") {
            if let value = StreamSpec.Format(rawValue: text) {
                format = value
            } else {
                let names = StreamSpec.Format.allCases.map(\.rawValue)
                error("'format' is one of \(quotedList(names)), not '\(text)'", at: formatNode.location)
            }
        }
        guard let eventNode = fields["event"] else {
            error("'stream' needs 'event': the model or union each event decodes to", at: node.location)
            return nil
        }
        guard let event = typeReference(eventNode) else { return nil }
        var resume: StreamSpec.Resume = format == .sse ? .lastEventId : .none
        if let resumeNode = fields["resume"], let text = string(resumeNode, what: "'resume'") {
            if let value = StreamSpec.Resume(rawValue: text) {
                resume = value
                if value == .lastEventId, format == .ndjson {
                    error(
                        "JSON Lines carry no event IDs; 'resume: lastEventId' needs 'format: sse'",
                        at: resumeNode.location)
                }
            } else {
                let names = StreamSpec.Resume.allCases.map(\.rawValue)
                error("'resume' is one of \(quotedList(names)), not '\(text)'", at: resumeNode.location)
            }
        }
        var terminator: String?
        if let terminatorNode = fields["terminator"], let text = string(terminatorNode, what: "'terminator'") {
            if text.isEmpty || text.contains(where: \.isNewline) {
                error("'terminator' is one line of data, such as '[DONE]'", at: terminatorNode.location)
            } else {
                terminator = text
            }
        }
        var reconnect = inherited
        if let reconnectNode = fields["reconnect"] {
            reconnect = decodeReconnect(reconnectNode, base: inherited)
            if !reconnects, let method {
                error(
                    "a \(method.rawValue) stream is never reconnected, since sending it again would repeat it; add 'idempotencyKey' or remove 'reconnect'",
                    at: fields.keyLocation("reconnect"))
            }
        }
        return StreamSpec(
            format: format, event: event, resume: resume, terminator: terminator, reconnect: reconnect,
            reconnects: reconnects, location: node.location)
    }

    /// Splits `/payments/{id}/refunds` into literals and placeholders.
    mutating func pathTemplate(_ path: String, at node: YAMLNode) -> [PathSegment]? {
        guard path.hasPrefix("/") else {
            error("an endpoint path starts with '/', as in '/payments/{id}'", at: node.location)
            return nil
        }
        if path.contains("?") || path.contains("#") {
            error("a path cannot hold '?' or '#'; declare query parameters under 'query'", at: node.location)
            return nil
        }
        var segments: [PathSegment] = []
        var literal = ""
        // The name being read between '{' and '}'. Appended to in place, never copied per
        // character: a path of one long unclosed placeholder must take linear time.
        var name = ""
        var inPlaceholder = false
        var seen = Set<String>()
        for character in path {
            switch (character, inPlaceholder) {
            case ("{", false):
                if !literal.isEmpty { segments.append(.literal(literal)) }
                literal = ""
                name = ""
                inPlaceholder = true
            case ("}", true):
                guard !name.isEmpty else {
                    error("'{}' in a path needs a parameter name", at: node.location)
                    return nil
                }
                if !seen.insert(name).inserted {
                    error("path parameter '\(name)' appears twice in the path", at: node.location)
                    return nil
                }
                segments.append(.parameter(name))
                inPlaceholder = false
            case ("{", true), ("}", false):
                error("unbalanced '\(character)' in path '\(path)'", at: node.location)
                return nil
            case ("/", true):
                error("a path parameter name cannot contain '/'; is a '}' missing?", at: node.location)
                return nil
            case (_, true):
                name.append(character)
            case (_, false):
                literal.append(character)
            }
        }
        if inPlaceholder {
            error("unbalanced '{' in path '\(path)'", at: node.location)
            return nil
        }
        if !literal.isEmpty { segments.append(.literal(literal)) }
        return segments
    }

    mutating func decodeParameters(_ node: YAMLNode, kind: ParameterKind, in what: String) -> [Parameter] {
        guard let entries = mapping(node, what: what) else { return [] }
        var parameters: [Parameter] = []
        for entry in entries {
            guard let name = entry.key.scalarValue else { continue }
            if name.isEmpty {
                error("a \(kind.noun) name cannot be empty", at: entry.key.location)
                continue
            }
            if kind == .header, !isHeaderName(name) {
                error("'\(name)' is not a valid header name", at: entry.key.location)
                continue
            }
            var parameter = Parameter(
                name: name, swiftName: nil, type: TypeReference(.primitive(.string), at: entry.value.location),
                defaultValue: nil, defaultLocation: nil, description: nil, deprecation: nil,
                location: entry.key.location)
            if entry.value.scalar != nil {
                guard let type = typeReference(entry.value) else { continue }
                parameter.type = type
            } else {
                guard let fields = fields(entry.value, allowed: SpecKeys.parameter, in: "\(kind.noun) '\(name)'") else {
                    continue
                }
                guard let typeNode = fields["type"] else {
                    error("\(kind.noun) '\(name)' needs a 'type'", at: entry.key.location)
                    continue
                }
                guard let type = typeReference(typeNode) else { continue }
                parameter.type = type
                if let defaultNode = fields["default"] {
                    parameter.defaultValue = defaultValue(defaultNode)
                    parameter.defaultLocation = defaultNode.location
                }
                parameter.description = fields["description"].flatMap { string($0, what: "'description'") }
                parameter.deprecation = fields["deprecated"].flatMap { deprecation($0) }
                parameter.constraints = constraints(fields)
                if let swiftNameNode = fields["swiftName"], let swiftName = string(swiftNameNode, what: "'swiftName'") {
                    if SwiftNaming.lowerCamelCase(swiftName) == swiftName {
                        parameter.swiftName = swiftName
                    } else {
                        error(
                            "'swiftName' is a lowerCamelCase Swift name, such as '\(SwiftNaming.lowerCamelCase(swiftName))'",
                            at: swiftNameNode.location)
                    }
                }
            }
            if kind == .path {
                if parameter.type.expression.isOptional {
                    error(
                        "path parameter '\(name)' cannot be optional: the path needs a value",
                        at: parameter.type.location)
                }
                if parameter.defaultValue != nil {
                    error(
                        "path parameter '\(name)' cannot have a default",
                        at: parameter.defaultLocation ?? parameter.location)
                }
            }
            parameters.append(parameter)
        }
        return parameters
    }

    mutating func decodeBody(_ node: YAMLNode) -> RequestBody? {
        var typeNode = node
        var contentTypeNode: YAMLNode?
        var description: String?
        if node.entries != nil {
            guard let fields = fields(node, allowed: SpecKeys.body, in: "'body'") else { return nil }
            guard let type = fields["type"] else {
                error("'body' needs a 'type'", at: node.location)
                return nil
            }
            typeNode = type
            contentTypeNode = fields["contentType"]
            description = fields["description"].flatMap { string($0, what: "'description'") }
        }
        guard let type = typeReference(typeNode) else { return nil }
        var contentTypes: [String] = []
        if let contentTypeNode, contentTypeNode.items != nil {
            guard let items = sequence(contentTypeNode, what: "'contentType'") else { return nil }
            guard !items.isEmpty else {
                error(
                    "'contentType' lists the media types the body may be sent as, and this list is empty",
                    at: contentTypeNode.location)
                return nil
            }
            var seen = Set<String>()
            for item in items {
                guard let contentType = self.contentType(item, for: type) else { return nil }
                guard seen.insert(Self.essence(contentType)).inserted else {
                    error("'\(contentType)' is listed twice", at: item.location)
                    return nil
                }
                contentTypes.append(contentType)
            }
        } else {
            guard let contentType = self.contentType(contentTypeNode, for: type) else { return nil }
            contentTypes = [contentType]
        }
        return RequestBody(
            type: type, contentType: contentTypes[0], contentTypes: contentTypes, description: description,
            location: node.location)
    }

    /// `responses:`: success statuses, each with a type expression or a mapping, by status.
    mutating func decodeResponses(_ node: YAMLNode) -> [ResponseBody]? {
        guard let entries = node.entries else {
            error(
                "'responses' maps success statuses to their bodies, as in '200: Report' and '202: { type: Job }'",
                at: node.location)
            return nil
        }
        guard entries.count >= 2 else {
            error("'responses' lists two or more success statuses; for one, use 'response'", at: node.location)
            return nil
        }
        var cases: [ResponseBody] = []
        var valid = true
        var seen = Set<Int>()
        for entry in entries {
            let key = entry.key
            let value = entry.value
            guard let status = Int(key.scalarValue ?? ""), (200...299).contains(status) else {
                error(
                    "a key of 'responses' is a success status, 200 to 299, not '\(key.scalarValue ?? "a mapping")'; declare failures under 'errors'",
                    at: key.location)
                valid = false
                continue
            }
            guard seen.insert(status).inserted else {
                error("status \(status) is listed twice", at: key.location)
                valid = false
                continue
            }
            var type: TypeReference?
            var contentTypeNode: YAMLNode?
            var description: String?
            if value.entries != nil {
                guard let fields = fields(value, allowed: SpecKeys.responseCase, in: "a response") else {
                    valid = false
                    continue
                }
                type = fields["type"].flatMap { typeReference($0) }
                if fields.has("type"), type == nil {
                    valid = false
                    continue
                }
                contentTypeNode = fields["contentType"]
                description = fields["description"].flatMap { string($0, what: "'description'") }
            } else if value.scalar?.isNull != true {
                guard let reference = typeReference(value) else {
                    valid = false
                    continue
                }
                type = reference
            }
            if status == 204, type != nil {
                error("a 204 response has no body, so it cannot have a 'type'", at: value.location)
                valid = false
                continue
            }
            var contentType = "application/json"
            if let type {
                guard let resolved = self.contentType(contentTypeNode, for: type, isResponse: true) else {
                    valid = false
                    continue
                }
                contentType = resolved
            }
            cases.append(
                ResponseBody(
                    type: type, status: status, contentType: contentType, description: description,
                    location: key.location))
        }
        return valid ? cases.sorted { $0.status < $1.status } : nil
    }

    /// The type and subtype of a media type, lower case and without parameters.
    static func essence(_ mediaType: String) -> String {
        (mediaType.split(separator: ";").first.map(String.init) ?? "").trimmingCharacters(in: .whitespaces).lowercased()
    }

    mutating func decodeResponse(_ node: YAMLNode) -> ResponseBody? {
        var type: TypeReference?
        var status: Int?
        var contentTypeNode: YAMLNode?
        var description: String?
        if node.entries != nil {
            guard let fields = fields(node, allowed: SpecKeys.response, in: "'response'") else { return nil }
            type = fields["type"].flatMap { typeReference($0) }
            if fields.has("type"), type == nil { return nil }
            if let statusNode = fields["status"], let value = integer(statusNode, what: "'status'") {
                guard (200...299).contains(value) else {
                    error(
                        "a successful response's status is 2xx, not \(value); declare failures under 'errors'",
                        at: statusNode.location)
                    return nil
                }
                if value == 204, type != nil {
                    error("a 204 response has no body, so it cannot have a 'type'", at: statusNode.location)
                    return nil
                }
                status = value
            }
            contentTypeNode = fields["contentType"]
            description = fields["description"].flatMap { string($0, what: "'description'") }
        } else {
            guard let reference = typeReference(node) else { return nil }
            type = reference
        }
        var contentType = "application/json"
        if let type {
            guard let resolved = self.contentType(contentTypeNode, for: type, isResponse: true) else { return nil }
            contentType = resolved
        }
        return ResponseBody(
            type: type, status: status ?? (type == nil ? 204 : 200), contentType: contentType,
            description: description, location: node.location)
    }

    /// The media type of a body: as written, or derived from the type (`string` → text, `bytes` → octet-stream, else JSON).
    mutating func contentType(_ node: YAMLNode?, for type: TypeReference, isResponse: Bool = false) -> String? {
        let nonOptional = type.expression.nonOptional
        guard let node else {
            switch nonOptional {
            case .primitive(.string): return "text/plain"
            case .primitive(.bytes): return "application/octet-stream"
            default: return "application/json"
            }
        }
        guard let text = string(node, what: "'contentType'") else { return nil }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, !text.contains(" ") || text.contains(";") else {
            error("'\(text)' is not a media type such as 'application/json' or 'text/csv'", at: node.location)
            return nil
        }
        if MediaType.isForm(text) {
            if isResponse {
                error(
                    "Courier sends '\(Self.essence(text))' bodies but does not read them; declare the response as 'string' or 'bytes' with another media type",
                    at: node.location)
                return nil
            }
            return text
        }
        if !MediaType.isJSON(text), nonOptional != .primitive(.string), nonOptional != .primitive(.bytes) {
            error(
                "a '\(text)' body is sent as it is, so its type must be 'string' or 'bytes', not '\(type)'",
                at: type.location)
            return nil
        }
        return text
    }

    mutating func decodePagination(_ node: YAMLNode) -> Pagination? {
        guard let fields = fields(node, allowed: SpecKeys.pagination, in: "'pagination'") else { return nil }
        guard let cursorNode = fields["cursor"], let nextNode = fields["next"], let itemsNode = fields["items"] else {
            error(
                "'pagination' needs 'cursor' (query.NAME), 'next' (response.FIELD) and 'items' (response.FIELD)",
                at: node.location)
            return nil
        }
        let cursor = pathExpression(cursorNode, root: "query")
        let next = pathExpression(nextNode, root: "response")
        let items = pathExpression(itemsNode, root: "response")
        guard let cursor, let next, let items else { return nil }
        guard cursor.count == 1, let cursorParameter = cursor.first else {
            error("'cursor' names one query parameter, as in 'query.cursor'", at: cursorNode.location)
            return nil
        }
        return Pagination(
            cursorParameter: cursorParameter, nextPath: next, itemsPath: items, itemType: nil,
            cursorLocation: cursorNode.location, nextLocation: nextNode.location, itemsLocation: itemsNode.location,
            location: node.location)
    }

    /// Parses `response.page.next` into `["page", "next"]`, checking the root word.
    mutating func pathExpression(_ node: YAMLNode, root: String) -> [String]? {
        guard let text = string(node, what: "a pagination path") else { return nil }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, parts[0] == root, parts.dropFirst().allSatisfy({ !$0.isEmpty }) else {
            error("'\(text)' is not a path of the form '\(root).NAME'", at: node.location)
            return nil
        }
        return Array(parts.dropFirst())
    }
}

extension HTTPMethod {
    /// Whether the method may carry a request body in Courier's transports.
    var allowsBody: Bool { self != .get && self != .head }
}

/// Media-type helpers.
public enum MediaType {
    /// Whether a media type is JSON (`application/json`, `application/problem+json`, with or without parameters).
    public static func isJSON(_ mediaType: String) -> Bool {
        let essence =
            mediaType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return essence == "application/json" || essence.hasSuffix("+json")
    }

    /// Whether a media type is one of the form types (`application/x-www-form-urlencoded`,
    /// `multipart/form-data`), whose bodies Courier writes from a model's properties.
    public static func isForm(_ mediaType: String) -> Bool {
        isURLEncodedForm(mediaType) || isMultipart(mediaType)
    }

    /// Whether a media type is `application/x-www-form-urlencoded`.
    public static func isURLEncodedForm(_ mediaType: String) -> Bool {
        SpecDecoder.essence(mediaType) == "application/x-www-form-urlencoded"
    }

    /// Whether a media type is `multipart/form-data`.
    public static func isMultipart(_ mediaType: String) -> Bool {
        SpecDecoder.essence(mediaType) == "multipart/form-data"
    }
}
