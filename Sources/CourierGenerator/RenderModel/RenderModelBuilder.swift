import CourierSpec
import Foundation

/// The access level of generated declarations.
public enum AccessLevel: String, Sendable, CaseIterable {
    /// Visible to other modules.
    case `public`
    /// Visible to other modules of the same package.
    case package
    /// Visible inside the module.
    case `internal`
}

/// Turns a validated spec into the render model: every naming, typing and documentation decision
/// is made here, so templates only place ready strings.
struct RenderModelBuilder {
    let spec: Spec
    let access: AccessLevel
    let spelling: SwiftSpelling
    /// Properties (`Model.property`) and union variants (`Model.tag`) that lead back to their own
    /// model without passing a list or map, and so need out-of-line storage.
    let recursiveEdges: Set<String>
    /// Each distinct endpoint policy's render object, made once: most endpoints share the
    /// service's defaults.
    let endpointPolicies: [ResiliencePolicy: RenderNode]
    /// The errors the spec can name, by name (the first definition, as ``Spec/error(named:)`` finds).
    let errorsByName: [String: ErrorDefinition]

    init(spec: Spec, access: AccessLevel) {
        self.spec = spec
        self.access = access
        self.spelling = SwiftSpelling(spec: spec)
        self.recursiveEdges = Self.findRecursiveEdges(spelling: spelling, models: spec.allModels)
        var policies: [ResiliencePolicy: RenderNode] = [:]
        for endpoint in spec.file.endpoints where policies[endpoint.resilience] == nil {
            policies[endpoint.resilience] = ResilienceSpelling.policy(endpoint.resilience)
        }
        self.endpointPolicies = policies
        var errors: [String: ErrorDefinition] = [:]
        for definition in spec.allErrors where errors[definition.name] == nil { errors[definition.name] = definition }
        self.errorsByName = errors
    }

    /// The root object for every template of the spec's files.
    func build() -> RenderNode {
        let file = spec.file
        return RenderNode(.file, [
            "specFile": .text(SwiftSpelling.commentText((file.path as NSString).lastPathComponent)),
            "omittedKind": .text(""),
            "runtimeVersion": .text(CourierGenerator.runtimeCompatibility),
            "access": .text(access.rawValue),
            "models": .items(file.models.map(model)),
            "hasModels": .flag(!file.models.isEmpty),
            "isService": .flag(file.isService),
            "service": .node(service()),
        ])
    }

    // MARK: - Models

    private func model(_ model: Model) -> RenderNode {
        var values: [String: RenderValue] = [
            "name": .text(SwiftSpelling.typeName(model.name)),
            "specName": .text(model.name),
            "docLines": .lines(SwiftSpelling.docLines(model.description)),
            "hasDocLines": .flag(!SwiftSpelling.plainLines(model.description).isEmpty),
            "isStruct": .flag(false), "isEnum": .flag(false), "isUnion": .flag(false), "isAlias": .flag(false),
            "properties": .list([]), "hasProperties": .flag(false),
            "cases": .list([]), "variants": .list([]), "discriminator": .text(""), "aliasedType": .text(""),
        ]
        deprecation(model.deprecation, into: &values)
        switch model.kind {
        case .object(let properties):
            values["isStruct"] = .flag(true)
            values["properties"] = .items(properties.map { property($0, of: model) })
            values["hasProperties"] = .flag(!properties.isEmpty)
        case .enumeration(let cases):
            values["isEnum"] = .flag(true)
            values["cases"] = .items(cases.map { enumCase in
                RenderNode(.enumCase, [
                    "name": .text(SwiftSpelling.memberName(enumCase.value)),
                    "value": .text(SwiftSpelling.literal(enumCase.value)),
                    "docLines": .lines(SwiftSpelling.docLines(enumCase.description)),
                ])
            })
        case .oneOf(let discriminator, _, let variants):
            values["isUnion"] = .flag(true)
            values["discriminator"] = .text(SwiftSpelling.literal(discriminator))
            values["variants"] = .items(variants.map { variant in
                RenderNode(.variant, [
                    "caseName": .text(SwiftSpelling.memberName(variant.tag)),
                    "tag": .text(SwiftSpelling.literal(variant.tag)),
                    "type": .text(spelling.type(variant.model.expression)),
                    "isIndirect": .flag(recursiveEdges.contains(model.name + "." + variant.tag)),
                ])
            })
        case .alias(let target):
            values["isAlias"] = .flag(true)
            values["aliasedType"] = .text(spelling.type(target.expression))
        }
        return RenderNode(.model, values)
    }

    private func property(_ property: Property, of model: Model) -> RenderNode {
        let expression = property.type.expression
        let type = spelling.type(expression)
        let optional = spelling.isOptional(expression)
        let name = SwiftSpelling.memberName(property.name)
        let boxed = recursiveEdges.contains(model.name + "." + property.name)
        let deprecated = property.deprecation != nil
        let defaultValue = property.defaultValue.map { spelling.defaultValue($0, of: expression) }
        let initDefault = defaultValue ?? (optional ? "nil" : "")
        var values: [String: RenderValue] = [
            "name": .text(name),
            "jsonKey": .text(SwiftSpelling.literal(property.jsonName)),
            "codingKey": .text(name),
            "hasCustomJSONKey": .flag(property.jsonName != name.replacingOccurrences(of: "`", with: "")),
            "type": .text(type),
            "docLines": .lines(SwiftSpelling.docLines(property.description)),
            "hasDefault": .flag(defaultValue != nil),
            "defaultValue": .text(defaultValue ?? ""),
            "hasInitDefault": .flag(!initDefault.isEmpty),
            "initDefault": .text(initDefault),
            "decodeMethod": .text(optional || defaultValue != nil ? "decodeIfPresent" : "decode"),
            "decodeType": .text(spelling.type(optional ? unwrapped(expression) : expression)),
            "encodeMethod": .text(optional ? "encodeIfPresent" : "encode"),
            "isBoxed": .flag(boxed),
            "isStored": .flag(!boxed && !deprecated),
            "storageName": .text(boxed || deprecated ? "_" + SwiftSpelling.bareMemberName(property.name) : name),
            "storageType": .text(boxed ? "CourierRuntime.Indirect<\(type)>" : type),
        ]
        deprecation(property.deprecation, into: &values)
        return RenderNode(.property, values)
    }

    /// The type without its outer optional, looking through aliases only when the alias is optional.
    private func unwrapped(_ expression: TypeExpression) -> TypeExpression {
        if case .optional(let wrapped) = expression { return wrapped }
        return spelling.unaliased(expression).nonOptional
    }

    private func deprecation(_ deprecation: Deprecation?, into values: inout [String: RenderValue]) {
        values["isDeprecated"] = .flag(deprecation != nil)
        let message = deprecation?.message.map { $0.replacingOccurrences(of: "\n", with: " ") } ?? ""
        values["hasDeprecationMessage"] = .flag(!message.isEmpty)
        values["deprecationMessage"] = .text(SwiftSpelling.literal(message))
    }

    // MARK: - Service

    private func service() -> RenderNode {
        let file = spec.file
        let name = SwiftNaming.upperCamelCase(file.service ?? SpecFileNames.typePrefix(of: file.path))
        let schemes = file.authSchemes
        let usedErrors = orderedErrors()
        return RenderNode(.service, [
            "name": .text(name),
            "docLines": .lines(SwiftSpelling.docLines(file.description)),
            "clientType": .text(name + "Client"),
            "apiType": .text(name + "API"),
            "mockType": .text(name + "Mock"),
            "mockCallType": .text(name + "MockCall"),
            "errorType": .text(name + "Error"),
            "declaredErrorType": .text(name + "DeclaredError"),
            "serverType": .text(name + "Server"),
            "authType": .text(name + "Auth"),
            "headersType": .text(name + "Headers"),
            "operationsType": .text(name + "Operations"),
            "serviceSpecName": .text(SwiftSpelling.literal(file.service ?? name)),
            "resilienceDefaults": .node(ResilienceSpelling.policy(file.defaults)),
            "envPrefix": .text(Self.environmentPrefix(name)),
            "servers": .items(file.servers.map { server in
                RenderNode(.server, [
                    "caseName": .text(SwiftSpelling.memberName(server.name)),
                    "url": .text(SwiftSpelling.literal(server.url)),
                    "docLines": .lines(SwiftSpelling.docLines(server.description ?? "`\(server.url)`")),
                ])
            }),
            "hasDefaultServer": .flag(!file.servers.isEmpty),
            "defaultServerCase": .text(file.servers.first.map { SwiftSpelling.memberName($0.name) } ?? ""),
            "authSchemes": .items(schemes.map(authScheme)),
            "hasAuthSchemes": .flag(!schemes.isEmpty),
            "headers": .items(file.headers.map { parameter($0, isHeader: true) }),
            "hasHeaders": .flag(!file.headers.isEmpty),
            "errors": .items(usedErrors.map(declaredError)),
            "hasErrors": .flag(!usedErrors.isEmpty),
            "endpoints": .items(file.endpoints.map(endpoint)),
        ])
    }

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

    /// The errors the service's endpoints declare, in the order they are defined.
    private func orderedErrors() -> [ErrorDefinition] {
        let used = Set(spec.file.endpoints.flatMap(\.errors))
        return spec.allErrors.filter { used.contains($0.name) }
    }

    private func declaredError(_ definition: ErrorDefinition) -> RenderNode {
        var docs = SwiftSpelling.docLines(definition.description)
        if docs.isEmpty { docs = SwiftSpelling.commented(["The server answered \(definition.status)."]) }
        return RenderNode(.declaredError, [
            "caseName": .text(SwiftSpelling.memberName(definition.name)),
            "specName": .text(SwiftSpelling.literal(definition.name)),
            "status": .text(String(definition.status)),
            "flagName": .text("is" + SwiftNaming.upperCamelCase(definition.name)),
            "hasBody": .flag(definition.body != nil),
            "bodyType": .text(definition.body.map { spelling.type($0.expression) } ?? ""),
            "docLines": .lines(docs),
        ])
    }

    private func authScheme(_ scheme: AuthScheme) -> RenderNode {
        var values: [String: RenderValue] = [
            "name": .text(SwiftSpelling.memberName(scheme.name)),
            "label": .text(SwiftSpelling.label(SwiftSpelling.memberName(scheme.name))),
            "specName": .text(SwiftSpelling.literal(scheme.name)),
            "docLines": .lines(SwiftSpelling.docLines(scheme.description)),
            "credentialType": .text(scheme.kind.isBasic ? "CourierRuntime.BasicCredentials" : "CourierRuntime.Secret"),
            "isBearer": .flag(false), "isBasic": .flag(false), "isApiKeyHeader": .flag(false), "isApiKeyQuery": .flag(false),
            "keyName": .text(""), "env": .text(""), "hasEnv": .flag(false), "usernameEnv": .text(""), "passwordEnv": .text(""),
        ]
        switch scheme.kind {
        case .bearer(let env):
            values["isBearer"] = .flag(true)
            values["env"] = .text(env ?? "")
            values["hasEnv"] = .flag(env != nil)
        case .basic(let usernameEnv, let passwordEnv):
            values["isBasic"] = .flag(true)
            values["usernameEnv"] = .text(usernameEnv ?? "")
            values["passwordEnv"] = .text(passwordEnv ?? "")
            values["hasEnv"] = .flag(usernameEnv != nil && passwordEnv != nil)
        case .apiKey(let placement, let name, let env):
            values[placement == .header ? "isApiKeyHeader" : "isApiKeyQuery"] = .flag(true)
            values["keyName"] = .text(SwiftSpelling.literal(name))
            values["env"] = .text(env ?? "")
            values["hasEnv"] = .flag(env != nil)
        }
        return RenderNode(.authScheme, values)
    }

    // MARK: - Endpoints

    private func endpoint(_ endpoint: Endpoint) -> RenderNode {
        let file = spec.file
        let methodName = SwiftSpelling.bareMemberName(endpoint.name)
        var parameters = endpoint.pathParameters.map { parameter($0, isPath: true) }
            + endpoint.queryParameters.map { parameter($0, isQuery: true) }
            + endpoint.headerParameters.map { parameter($0, isHeader: true) }
        var bodyIsJSON = false, bodyIsText = false, bodyIsBytes = false, bodyIsForm = false, bodyIsMultipart = false
        let bodyHasChoices = (endpoint.body?.contentTypes.count ?? 0) > 1
        if let body = endpoint.body {
            parameters.append(bodyParameter(body))
            if bodyHasChoices {
                parameters.append(contentTypeParameter(body))
            } else if MediaType.isJSON(body.contentType) {
                bodyIsJSON = true
            } else if MediaType.isURLEncodedForm(body.contentType) {
                bodyIsForm = true
            } else if MediaType.isMultipart(body.contentType) {
                bodyIsMultipart = true
            } else if spelling.unaliased(body.type.expression.nonOptional) == .primitive(.bytes) {
                bodyIsBytes = true
            } else {
                bodyIsText = true
            }
        }

        let response = endpoint.response
        let hasResponseCases = !endpoint.responseCases.isEmpty
        let responseEnumType = ReservedNames.responseEnumName(endpoint: endpoint.name)
        let outputType = hasResponseCases ? responseEnumType : response.type.map { spelling.type($0.expression) } ?? "Swift.Void"
        let responseKind = bodyKind(of: response)
        var accepted: [String] = []
        for response in endpoint.responseCases where response.type != nil && !accepted.contains(response.contentType) {
            accepted.append(response.contentType)
        }

        let schemes: [String] = switch endpoint.auth {
        case .inherited: file.authSchemes.map(\.name)
        case .none: []
        case .schemes(let names): names
        }
        let routes = endpoint.errors.compactMap { name in errorsByName[name] }.map { definition in
            RenderNode(.errorRoute, [
                "caseName": .text(SwiftSpelling.memberName(definition.name)),
                "status": .text(String(definition.status)),
                "hasBody": .flag(definition.body != nil),
            ])
        }

        var values: [String: RenderValue] = [
            "name": .text(SwiftSpelling.memberName(endpoint.name)),
            "methodName": .text(methodName),
            "specName": .text(SwiftSpelling.literal(endpoint.name)),
            "handlerName": .text(methodName + "Handler"),
            "responseMethodName": .text(SwiftSpelling.bareMemberName(endpoint.name + ReservedNames.responseSuffix)),
            "successStatus": .text(String(endpoint.response.status)),
            "summary": .text(SwiftSpelling.commentText("`\(endpoint.method.rawValue) \(file.basePath)\(endpoint.path)`")),
            "docLines": .lines(SwiftSpelling.docLines(endpoint.description)),
            "hasReturns": .flag(endpoint.response.description != nil),
            "returns": .text(SwiftSpelling.plainLines(endpoint.response.description).joined(separator: " ")),
            "method": .text(endpoint.method.rawValue.lowercased()),
            "path": .text(pathTemplate(endpoint)),
            "parameters": .items(parameters),
            "hasParameters": .flag(!parameters.isEmpty),
            "queryParameters": .items(parameters.filter { $0["isQuery"].isTrue }),
            "headerParameters": .items(parameters.filter { $0["isHeader"].isTrue }),
            "hasBody": .flag(endpoint.body != nil),
            "mutatesRequest": .flag(!endpoint.queryParameters.isEmpty || !endpoint.headerParameters.isEmpty
                || !file.headers.isEmpty || endpoint.idempotencyKey != nil || endpoint.body != nil),
            "bodyIsJSON": .flag(bodyIsJSON), "bodyIsText": .flag(bodyIsText), "bodyIsBytes": .flag(bodyIsBytes),
            "bodyIsForm": .flag(bodyIsForm), "bodyIsMultipart": .flag(bodyIsMultipart), "bodyHasChoices": .flag(bodyHasChoices),
            "bodyContentType": .text(SwiftSpelling.literal(endpoint.body?.contentType ?? "")),
            "bodyContentTypes": .items((endpoint.body?.contentTypes ?? []).map {
                RenderNode(.mediaType, ["mediaType": .text(SwiftSpelling.literal($0))])
            }),
            "outputType": .text(outputType),
            "responseIsJSON": .flag(!hasResponseCases && responseKind == .json),
            "responseIsText": .flag(!hasResponseCases && responseKind == .text),
            "responseIsBytes": .flag(!hasResponseCases && responseKind == .bytes),
            "responseIsEmpty": .flag(!hasResponseCases && responseKind == .empty),
            "responseAccept": .text(SwiftSpelling.literal(hasResponseCases ? accepted.joined(separator: ", ") : response.contentType)),
            "hasResponseAccept": .flag(!hasResponseCases || !accepted.isEmpty),
            "hasResponseCases": .flag(hasResponseCases),
            "responseEnumType": .text(responseEnumType),
            "responseCases": .items(endpoint.responseCases.map(responseCase)),
            "authSchemes": .items(schemes.map { RenderNode(.schemeReference, ["specName": .text(SwiftSpelling.literal($0))]) }),
            "errorRoutes": .items(routes),
            "hasErrorRoutes": .flag(!routes.isEmpty),
            "hasIdempotencyKey": .flag(endpoint.idempotencyKey != nil),
            "usesDefaultResilience": .flag(endpoint.resilience == file.defaults),
            "resilience": .node(endpointPolicies[endpoint.resilience] ?? ResilienceSpelling.policy(endpoint.resilience)),
            "idempotencyHeader": .text(SwiftSpelling.literal(endpoint.idempotencyKey ?? "")),
            "isPaginated": .flag(false),
            "pagination": .node(RenderNode(.pagination, [:])),
        ]
        deprecation(endpoint.deprecation, into: &values)
        if let pagination = endpoint.pagination, let node = self.pagination(pagination, of: endpoint, parameters: parameters) {
            values["isPaginated"] = .flag(true)
            values["pagination"] = .node(node)
        } else {
            values["pagination"] = .node(RenderNode(.pagination, [
                "methodName": .text(""), "itemType": .text(""), "cursorType": .text(""), "cursorName": .text(""),
                "nextExpression": .text(""), "itemsExpression": .text(""), "parameters": .list([]), "arguments": .list([]),
            ]))
        }
        return RenderNode(.endpoint, values)
    }

    private func parameter(_ parameter: Parameter, isPath: Bool = false, isQuery: Bool = false, isHeader: Bool = false) -> RenderNode {
        let expression = parameter.type.expression
        let optional = spelling.isOptional(expression)
        let signatureDefault = parameter.defaultValue.map { spelling.defaultValue($0, of: expression) } ?? (optional ? "nil" : "")
        let docLine = SwiftSpelling.plainLines(parameter.description).joined(separator: " ")
        let bare = parameter.swiftName ?? SwiftNaming.lowerCamelCase(parameter.name)
        let internalName = ReservedNames.internalParameterName(bare)
        let name = SwiftNaming.escaped(internalName)
        return RenderNode(.parameter, [
            "name": .text(name),
            "label": .text(SwiftSpelling.label(bare)),
            "declaration": .text(internalName == bare ? name : SwiftNaming.escaped(bare) + " " + name),
            "specName": .text(SwiftSpelling.literal(parameter.name)),
            "type": .text(spelling.type(expression)),
            "hasSignatureDefault": .flag(!signatureDefault.isEmpty),
            "signatureDefault": .text(signatureDefault),
            "docName": .text(internalName),
            "docLine": .text(docLine),
            "hasDocLine": .flag(!docLine.isEmpty),
            "isPath": .flag(isPath), "isQuery": .flag(isQuery), "isHeader": .flag(isHeader), "isBody": .flag(false),
            "isContentType": .flag(false),
        ])
    }

    /// How a response body becomes a value.
    private enum BodyKind { case json, text, bytes, empty }

    private func bodyKind(of response: ResponseBody) -> BodyKind {
        guard let type = response.type else { return .empty }
        if MediaType.isJSON(response.contentType) { return .json }
        return spelling.unaliased(type.expression.nonOptional) == .primitive(.bytes) ? .bytes : .text
    }

    /// A case of the enum of an endpoint whose response depends on the status.
    private func responseCase(_ response: ResponseBody) -> RenderNode {
        let kind = bodyKind(of: response)
        var docs = SwiftSpelling.plainLines(response.description)
        if docs.isEmpty {
            let body = response.type.map { "`\($0)`" } ?? "no body"
            docs = ["Status \(response.status), with \(body)."]
        }
        return RenderNode(.responseCase, [
            "caseName": .text(SwiftNaming.escaped(ReservedNames.responseCaseName(status: response.status))),
            "status": .text(String(response.status)),
            "docLines": .lines(SwiftSpelling.commented(docs)),
            "hasBody": .flag(kind != .empty),
            "payloadType": .text(response.type.map { spelling.type($0.expression) } ?? ""),
            "isJSON": .flag(kind == .json), "isText": .flag(kind == .text), "isBytes": .flag(kind == .bytes),
        ])
    }

    /// The argument that picks one of a body's several media types; the spec's first by default.
    private func contentTypeParameter(_ body: RequestBody) -> RenderNode {
        RenderNode(.parameter, [
            "name": .text("contentType"),
            "label": .text("contentType"),
            "declaration": .text("contentType"),
            "specName": .text("contentType"),
            "type": .text("CourierRuntime.MediaType"),
            "hasSignatureDefault": .flag(true),
            "signatureDefault": .text("\"" + SwiftSpelling.literal(body.contentType) + "\""),
            "docName": .text("contentType"),
            "docLine": .text(""),
            "hasDocLine": .flag(false),
            "isPath": .flag(false), "isQuery": .flag(false), "isHeader": .flag(false), "isBody": .flag(false),
            "isContentType": .flag(true),
        ])
    }

    private func bodyParameter(_ body: RequestBody) -> RenderNode {
        let docLine = SwiftSpelling.plainLines(body.description).joined(separator: " ")
        return RenderNode(.parameter, [
            "name": .text("body"),
            "label": .text("body"),
            "declaration": .text("body"),
            "specName": .text("body"),
            "type": .text(spelling.type(body.type.expression)),
            "hasSignatureDefault": .flag(false),
            "signatureDefault": .text(""),
            "docName": .text("body"),
            "docLine": .text(docLine),
            "hasDocLine": .flag(!docLine.isEmpty),
            "isPath": .flag(false), "isQuery": .flag(false), "isHeader": .flag(false), "isBody": .flag(true),
            "isContentType": .flag(false),
        ])
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

    private func pagination(_ pagination: Pagination, of endpoint: Endpoint, parameters: [RenderNode]) -> RenderNode? {
        guard let itemType = pagination.itemType,
            let cursor = endpoint.queryParameters.first(where: { $0.name == pagination.cursorParameter }),
            let responseType = endpoint.response.type,
            let next = accessExpression(pagination.nextPath, from: responseType.expression),
            let items = accessExpression(pagination.itemsPath, from: responseType.expression)
        else { return nil }
        let cursorName = SwiftNaming.escaped(ReservedNames.internalParameterName(cursor.swiftName ?? SwiftNaming.lowerCamelCase(cursor.name)))
        let others = parameters.filter { $0["name"].text != cursorName }
        return RenderNode(.pagination, [
            "methodName": .text(SwiftSpelling.bareMemberName(endpoint.name + ReservedNames.paginationSuffix)),
            "itemType": .text(spelling.type(itemType)),
            "cursorType": .text(spelling.type(spelling.unaliased(cursor.type.expression).nonOptional)),
            "cursorName": .text(cursorName),
            "nextExpression": .text(next.expression),
            "itemsExpression": .text(items.isOptional ? "(\(items.expression) ?? [])" : items.expression),
            "parameters": .items(others),
            "arguments": .items(parameters),
        ])
    }

    /// `page.page.next` for the path `["page", "next"]`, with `?.` after optional steps.
    private func accessExpression(_ path: [String], from root: TypeExpression) -> (expression: String, isOptional: Bool)? {
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

    // MARK: - Recursion

    /// Finds the properties and union variants through which a model contains itself without a
    /// list or map in between; those need out-of-line storage for the Swift type to have a size.
    static func findRecursiveEdges(spelling: SwiftSpelling, models: [Model]) -> Set<String> {
        var edges: [String: [(label: String, target: String)]] = [:]
        func inlineModel(_ expression: TypeExpression) -> String? {
            switch spelling.unaliased(expression) {
            case .model(let name): return name
            case .optional(let wrapped): return inlineModel(wrapped)
            default: return nil
            }
        }
        for model in models {
            switch model.kind {
            case .object(let properties):
                edges[model.name] = properties.compactMap { property in
                    inlineModel(property.type.expression).map { (model.name + "." + property.name, $0) }
                }
            case .oneOf(_, _, let variants):
                edges[model.name] = variants.compactMap { variant in
                    inlineModel(variant.model.expression).map { (model.name + "." + variant.tag, $0) }
                }
            case .enumeration, .alias:
                edges[model.name] = []
            }
        }
        // An edge leads back to its own model exactly when both ends lie in one strongly
        // connected component: one linear pass instead of a search per edge.
        let names = edges.keys.sorted()
        var indexOf: [String: Int] = [:]
        for (index, name) in names.enumerated() { indexOf[name] = index }
        let components = StronglyConnected(successors: names.map { name in
            (edges[name] ?? []).compactMap { indexOf[$0.target] }
        })
        var recursive: Set<String> = []
        for (source, outgoing) in edges {
            guard let from = indexOf[source] else { continue }
            for edge in outgoing {
                guard let to = indexOf[edge.target] else { continue }
                if components.sameComponent(from, to) { recursive.insert(edge.label) }
            }
        }
        return recursive
    }
}

extension AuthScheme.Kind {
    var isBasic: Bool {
        if case .basic = self { return true }
        return false
    }
}

extension Optional where Wrapped == RenderValue {
    var isTrue: Bool {
        if case .flag(true)? = self { return true }
        return false
    }

    var text: String {
        if case .text(let text)? = self { return text }
        return ""
    }
}
