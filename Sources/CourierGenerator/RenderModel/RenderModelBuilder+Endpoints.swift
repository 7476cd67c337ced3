import CourierSpec
import Foundation

extension RenderModelBuilder {
    func endpoint(_ endpoint: Endpoint) -> Render.Endpoint {
        let file = spec.file
        let methodName = SwiftSpelling.bareMemberName(endpoint.name)
        let queryParameters = endpoint.queryParameters.map { parameter($0, placement: .query) }
        let headerParameters = endpoint.headerParameters.map { parameter($0, placement: .header) }
        var parameters =
            endpoint.pathParameters.map { parameter($0, placement: .path) } + queryParameters + headerParameters
        if let body = endpoint.body {
            parameters.append(bodyParameter(body))
            if body.contentTypes.count > 1 {
                parameters.append(.contentTypeChoice(defaultingTo: SwiftSpelling.literal(body.contentType)))
            }
        }

        let response: Render.Endpoint.ResponseForm
        let outputType: String
        let responseAccept: String
        if endpoint.responseCases.isEmpty {
            response = .single(bodyKind(of: endpoint.response))
            outputType = endpoint.response.type.map { spelling.type($0.expression) } ?? "Swift.Void"
            responseAccept = endpoint.response.contentType
        } else {
            let enumType = ReservedNames.responseEnumName(endpoint: endpoint.name)
            response = .cases(enumType: enumType, RenderList(endpoint.responseCases.map(responseCase)))
            outputType = enumType
            var accepted: [String] = []
            for response in endpoint.responseCases
            where response.type != nil && !accepted.contains(response.contentType) {
                accepted.append(response.contentType)
            }
            responseAccept = accepted.joined(separator: ", ")
        }

        let schemes: [String] =
            switch endpoint.auth {
            case .inherited: file.authSchemes.map(\.name)
            case .none: []
            case .schemes(let names): names
            }
        let pagination = endpoint.pagination.flatMap { self.pagination($0, of: endpoint, parameters: parameters) }
        let constraintParts = self.constraintParts(endpoint)

        return Render.Endpoint(
            name: SwiftSpelling.memberName(endpoint.name),
            methodName: methodName,
            specName: SwiftSpelling.literal(endpoint.name),
            summary: SwiftSpelling.commentText("`\(endpoint.method.rawValue) \(file.basePath)\(endpoint.path)`"),
            docLines: SwiftSpelling.docLines(endpoint.description),
            returns: endpoint.response.description.map { SwiftSpelling.plainLines($0).joined(separator: " ") },
            method: endpoint.method.rawValue.lowercased(),
            path: pathTemplate(endpoint),
            parameters: RenderList(parameters),
            queryParameters: RenderList(queryParameters),
            headerParameters: RenderList(headerParameters),
            hasBody: endpoint.body != nil,
            bodyContentType: SwiftSpelling.literal(endpoint.body?.contentType ?? ""),
            bodyEncoding: endpoint.body.map(bodyEncoding),
            mutatesRequest: !endpoint.queryParameters.isEmpty || !endpoint.headerParameters.isEmpty
                || !file.headers.isEmpty || endpoint.idempotencyKey != nil || endpoint.body != nil
                || !constraintParts.isEmpty,
            constraintParts: RenderList(constraintParts),
            tags: endpoint.tags.map(SwiftSpelling.literal),
            fallback: endpoint.fallback.map { fallback in
                (
                    fallback.server.map { (SwiftSpelling.literal($0), SwiftSpelling.memberName($0)) },
                    fallback.staleCache
                )
            },
            outputType: outputType,
            response: response,
            responseAccept: SwiftSpelling.literal(responseAccept),
            responseMethodName: SwiftSpelling.bareMemberName(endpoint.name + ReservedNames.responseSuffix),
            successStatus: endpoint.response.status,
            authSchemes: RenderList(schemes.map { Render.SchemeReference(specName: SwiftSpelling.literal($0)) }),
            errorRoutes: RenderList(
                endpoint.errors.compactMap { errorsByName[$0] }.map { definition in
                    Render.ErrorRoute(
                        caseName: SwiftSpelling.memberName(definition.name), status: definition.status,
                        hasBody: definition.body != nil)
                }),
            idempotencyHeader: endpoint.idempotencyKey.map(SwiftSpelling.literal),
            listsParameterTypesPerLine: parameters.reduce(0) { $0 + $1.type.count + 2 } + outputType.count
                + ReservedNames.ServiceType.error.name(forService: serviceTypePrefix).count > 80,
            resilience: Render.Policy(policy: endpoint.resilience),
            usesDefaultResilience: endpoint.resilience == file.defaults,
            pagination: pagination,
            stream: endpoint.stream.map { self.stream($0, of: endpoint) },
            deprecation: deprecation(endpoint.deprecation))
    }

    /// How a streaming endpoint's events arrive, decode and resume.
    private func stream(_ stream: StreamSpec, of endpoint: Endpoint) -> Render.Stream {
        let eventType = spelling.type(stream.event.expression)
        let isServerSentEvents = stream.format == .sse
        let elementType = isServerSentEvents ? "CourierRuntime.StreamEvent<\(eventType)>" : eventType
        let declared = ReservedNames.ServiceType.declaredError.name(forService: serviceTypePrefix)
        var cases = [Render.EventCase(eventName: "message", payloadType: eventType, variantCase: nil)]
        if isServerSentEvents, case .model(let name) = spelling.unaliased(stream.event.expression),
            let model = spec.model(named: name)
        {
            switch model.kind {
            case .oneOf(_, _, let variants):
                // A variant tagged `message` takes that name: events without a name are that variant.
                if variants.contains(where: { $0.tag == "message" }) { cases.removeAll() }
                cases += variants.map { variant in
                    Render.EventCase(
                        eventName: SwiftSpelling.literal(variant.tag),
                        payloadType: spelling.type(variant.model.expression),
                        variantCase: SwiftSpelling.memberName(variant.tag))
                }
            default:
                if name != "message" {
                    cases.append(
                        Render.EventCase(
                            eventName: SwiftSpelling.literal(name), payloadType: eventType, variantCase: nil))
                }
            }
        }
        return Render.Stream(
            eventType: eventType,
            elementType: elementType,
            streamType: isServerSentEvents
                ? "CourierRuntime.ServerSentEventStream<\(eventType), \(declared)>"
                : "CourierRuntime.EventStream<\(eventType), \(declared)>",
            hasLongOperationType:
                "    static let \(SwiftSpelling.memberName(endpoint.name)) = CourierRuntime.StreamOperation<\(elementType), \(declared)>("
                .count > 120,
            isServerSentEvents: isServerSentEvents,
            resumesFromLastEventID: stream.resume == .lastEventId,
            terminator: stream.terminator.map(SwiftSpelling.literal),
            reconnects: stream.reconnects,
            reconnect: stream.reconnect,
            eventCases: RenderList(cases))
    }

    /// How a request body is sent.
    private func bodyEncoding(_ body: RequestBody) -> Render.Endpoint.BodyEncoding {
        if body.contentTypes.count > 1 { return .choices(body.contentTypes.map(SwiftSpelling.literal)) }
        if MediaType.isJSON(body.contentType) { return .json }
        if MediaType.isURLEncodedForm(body.contentType) { return .form }
        if MediaType.isMultipart(body.contentType) { return .multipart }
        if spelling.unaliased(body.type.expression.nonOptional) == .primitive(.bytes) { return .bytes }
        return .text
    }

    /// The checks a request runs before it is sent, by part: the parameters' constraints and the
    /// body's `validate()`.
    private func constraintParts(_ endpoint: Endpoint) -> [Render.ConstraintPart] {
        var parts: [Render.ConstraintPart] = []
        let placed: [(String, [Parameter], Render.Parameter.Placement)] = [
            ("path", endpoint.pathParameters, .path), ("query", endpoint.queryParameters, .query),
            ("header", endpoint.headerParameters, .header),
        ]
        for (part, parameters, placement) in placed {
            let checks = parameters.flatMap { declared in
                constraintChecks(
                    declared.constraints, of: declared.type.expression,
                    value: parameter(declared, placement: placement).name, key: declared.name)
            }
            if !checks.isEmpty { parts.append(Render.ConstraintPart(part: part, checks: RenderList(checks))) }
        }
        if let body = endpoint.body, isValidatable(body.type.expression) {
            let check = Render.ConstraintCheck(form: .whole, value: "body", key: "")
            parts.append(Render.ConstraintPart(part: "body", checks: [check]))
        }
        return parts
    }

    func parameter(_ parameter: Parameter, placement: Render.Parameter.Placement) -> Render.Parameter {
        let expression = parameter.type.expression
        let optional = spelling.isOptional(expression)
        let bare = parameter.swiftName ?? SwiftNaming.lowerCamelCase(parameter.name)
        let internalName = ReservedNames.internalParameterName(bare)
        let name = SwiftNaming.escaped(internalName)
        return Render.Parameter(
            name: name,
            label: SwiftSpelling.label(bare),
            declaration: internalName == bare ? name : SwiftNaming.escaped(bare) + " " + name,
            specName: SwiftSpelling.literal(parameter.name),
            type: spelling.type(expression),
            signatureDefault: parameter.defaultValue.map { spelling.defaultValue($0, of: expression) }
                ?? (optional ? "nil" : nil),
            docName: internalName,
            docLines: docLines(parameter.description, name: internalName),
            placement: placement)
    }

    private func bodyParameter(_ body: RequestBody) -> Render.Parameter {
        Render.Parameter(
            name: "body", label: "body", declaration: "body", specName: "body",
            type: spelling.type(body.type.expression), signatureDefault: nil, docName: "body",
            docLines: docLines(body.description, name: "body"), placement: .body)
    }

    /// A parameter's description wrapped for a `- Parameters:` list: its first line follows the
    /// name, so it is shorter by the name's length.
    private func docLines(_ description: String?, name: String) -> [String] {
        let text = SwiftSpelling.plainLines(description).joined(separator: " ")
        guard !text.isEmpty else { return [] }
        return SwiftSpelling.wrapped(text, firstWidth: 96 - name.count, width: 96)
    }

    private func bodyKind(of response: ResponseBody) -> Render.BodyKind {
        guard let type = response.type else { return .empty }
        if MediaType.isJSON(response.contentType) { return .json }
        return spelling.unaliased(type.expression.nonOptional) == .primitive(.bytes) ? .bytes : .text
    }

    /// A case of the enum of an endpoint whose response depends on the status.
    private func responseCase(_ response: ResponseBody) -> Render.ResponseCase {
        var docs = SwiftSpelling.plainLines(response.description)
        if docs.isEmpty {
            let body = response.type.map { "`\($0)`" } ?? "no body"
            docs = ["Status \(response.status), with \(body)."]
        }
        return Render.ResponseCase(
            caseName: SwiftNaming.escaped(ReservedNames.responseCaseName(status: response.status)),
            status: response.status,
            docLines: SwiftSpelling.commented(docs),
            body: bodyKind(of: response),
            payloadType: response.type.map { spelling.type($0.expression) } ?? "")
    }

    /// The contents of the interpolated string literal that builds the path.
    private func pathTemplate(_ endpoint: Endpoint) -> String {
        var pathSwiftNames: [String: String] = [:]
        for parameter in endpoint.pathParameters { pathSwiftNames[parameter.name] = parameter.swiftName }
        var text = Self.encodedLiteralPath(spec.file.basePath)
        for segment in endpoint.pathSegments {
            switch segment {
            case .literal(let literal):
                text += Self.encodedLiteralPath(literal)
            case .parameter(let name):
                let swiftName = pathSwiftNames[name] ?? SwiftNaming.lowerCamelCase(name)
                text += "\\(" + SwiftNaming.escaped(ReservedNames.internalParameterName(swiftName)) + ")"
            }
        }
        return text.isEmpty ? "/" : text
    }

    /// Percent-encodes the fixed parts of a path, keeping `/`, and escapes them for a string literal.
    static func encodedLiteralPath(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "%;?#")
        let encoded = path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
        return SwiftSpelling.literal(encoded)
    }

    /// How the endpoint pages; `parameters` are its parameters in signature order.
    private func pagination(
        _ pagination: Pagination, of endpoint: Endpoint, parameters: [Render.Parameter]
    ) -> Render.Pagination? {
        guard let itemType = pagination.itemType,
            let cursor = endpoint.queryParameters.first(where: { $0.name == pagination.cursorParameter }),
            let responseType = endpoint.response.type,
            let next = accessExpression(pagination.nextPath, from: responseType.expression),
            let items = accessExpression(pagination.itemsPath, from: responseType.expression)
        else { return nil }
        let cursorName = parameter(cursor, placement: .query).name
        return Render.Pagination(
            methodName: SwiftSpelling.bareMemberName(endpoint.name + ReservedNames.paginationSuffix),
            itemType: spelling.type(itemType),
            cursorType: spelling.type(spelling.unaliased(cursor.type.expression).nonOptional),
            cursorName: cursorName,
            nextExpression: next.expression,
            itemsExpression: items.isOptional ? "(\(items.expression) ?? [])" : items.expression,
            parameters: RenderList(parameters.filter { $0.name != cursorName }),
            arguments: RenderList(parameters))
    }

    /// `page.page.next` for the path `["page", "next"]`, with `?.` after optional steps.
    private func accessExpression(_ path: [String], from root: TypeExpression) -> (
        expression: String, isOptional: Bool
    )? {
        var expression = "page"
        var current = root
        var optionalSoFar = false
        for name in path {
            let base = spelling.unaliased(current)
            let isOptional = base.isOptional
            guard case .model(let modelName) = spelling.unaliased(base.nonOptional),
                case .object(let properties)? = spelling.models[modelName]?.kind,
                let property = properties.first(where: { $0.name == name })
            else { return nil }
            if isOptional { optionalSoFar = true }
            expression += (isOptional ? "?." : ".") + SwiftSpelling.memberName(property.name)
            current = property.type.expression
        }
        return (expression, optionalSoFar || spelling.isOptional(current))
    }
}
