import Foundation

/// Checks a decoded spec against everything it references: its own models and errors and
/// those of the files it imports.
///
/// Reports unknown types and errors (with the closest name), names that would collide as
/// Swift identifiers, defaults that do not fit their type, models that can only exist
/// infinitely, alias cycles, broken unions and pagination paths, and duplicate routes.
public struct SpecValidator {
    /// What every file of one load can name: the models of all its files, with the containment
    /// graph between them analysed once. Validating a file looks names up here instead of
    /// building tables of its own, so a load costs what its files hold, however they import
    /// each other.
    package struct Scope {
        /// Every model by spec name; the first definition wins (a second is reported).
        let models: [String: Model]
        /// The strongly connected component of each model in the graph of required, direct
        /// containment (see ``requiredModels(of:)``).
        let containmentComponent: [String: Int]
        /// Components whose models contain themselves: more than one model, or a self-edge.
        let cyclicComponents: Set<Int>
        /// Aliases that refer to themselves through other aliases.
        let cyclicAliases: Set<String>

        /// Builds the scope of a load from all of its files.
        package init(files: [SpecFile]) {
            var models: [String: Model] = [:]
            for file in files {
                for model in file.models where models[model.name] == nil { models[model.name] = model }
            }
            self.models = models
            let names = Array(models.keys).sorted()
            var indexOf: [String: Int] = [:]
            for (index, name) in names.enumerated() { indexOf[name] = index }
            var selfEdge = Set<Int>()
            let successors = names.enumerated().map { index, name -> [Int] in
                guard let model = models[name] else { return [] }
                let targets = Self.requiredModels(of: model).compactMap { indexOf[$0.target] }
                if targets.contains(index) { selfEdge.insert(index) }
                return targets
            }
            let components = StronglyConnected(successors: successors)
            var containmentComponent: [String: Int] = [:]
            var cyclic = Set<Int>()
            for (index, name) in names.enumerated() {
                let component = components.component[index]
                containmentComponent[name] = component
                if components.componentSize[component] > 1 || selfEdge.contains(index) { cyclic.insert(component) }
            }
            self.containmentComponent = containmentComponent
            self.cyclicComponents = cyclic
            self.cyclicAliases = Self.aliasesOnCycles(names: names, indexOf: indexOf, models: models)
        }

        /// Aliases that lead back to themselves through other aliases (at any depth of lists,
        /// maps and optionals), which Swift's type aliases cannot express.
        static func aliasesOnCycles(names: [String], indexOf: [String: Int], models: [String: Model]) -> Set<String> {
            var selfEdge = Set<Int>()
            let successors = names.enumerated().map { index, name -> [Int] in
                guard case .alias(let target)? = models[name]?.kind else { return [] }
                let targets = target.expression.referencedModels.compactMap { referenced -> Int? in
                    guard case .alias? = models[referenced]?.kind else { return nil }
                    return indexOf[referenced]
                }
                if targets.contains(index) { selfEdge.insert(index) }
                return targets
            }
            let components = StronglyConnected(successors: successors)
            var result = Set<String>()
            for (index, name) in names.enumerated()
            where components.componentSize[components.component[index]] > 1 || selfEdge.contains(index) {
                result.insert(name)
            }
            return result
        }

        /// The models a model holds directly and always: non-optional properties of a model
        /// type, or the target of an alias. A value of the model needs a value of each.
        static func requiredModels(of model: Model) -> [(via: String, target: String)] {
            switch model.kind {
            case .object(let properties):
                return properties.compactMap { property -> (via: String, target: String)? in
                    if case .model(let name) = property.type.expression { return (property.name, name) }
                    return nil
                }
            case .alias(let target):
                if case .model(let name) = target.expression { return [("", name)] }
                return []
            default:
                return []
            }
        }
    }

    private let file: SpecFile
    private let imported: [SpecFile]
    private let scope: Scope
    private var models: [String: Model]
    /// For a shared file checked on its own: whether it can see the file at a path (itself or
    /// an import, directly or not). `nil` for the spec being loaded, which sees every file.
    private let canSee: ((String) -> Bool)?
    private var diagnostics: [Diagnostic] = []
    /// The errors the file can name, by name; an imported definition wins over a later one.
    private let errorsByName: [String: ErrorDefinition]
    /// How many more candidates "did you mean" hints may compare. Each hint looks through every
    /// candidate, so a file with thousands of unknown names among thousands of models would
    /// otherwise cost the product of the two; past the budget, errors come without a hint.
    private var suggestionsLeft = SpecValidator.suggestionBudget
    /// Candidates compared per validation: hundreds of hints in an ordinary spec, a few in a huge one.
    package static let suggestionBudget = 100_000

    private init(file: SpecFile, imported: [SpecFile], scope: Scope, canSee: ((String) -> Bool)?) {
        self.file = file
        self.imported = imported
        self.scope = scope
        self.models = scope.models
        self.canSee = canSee
        var errorsByName: [String: ErrorDefinition] = [:]
        for definition in imported.flatMap(\.errors) + file.errors where errorsByName[definition.name] == nil {
            errorsByName[definition.name] = definition
        }
        self.errorsByName = errorsByName
    }

    /// `; did you mean 'x'?` for `word` among the names `candidates` lists, while the budget lasts.
    private mutating func suggestion(for word: String, among candidates: (SpecValidator) -> [String]) -> String {
        guard suggestionsLeft > 0 else { return "" }
        let names = candidates(self)
        suggestionsLeft -= names.count
        return suggestionsLeft >= 0 ? Suggestions.didYouMean(word, among: names) : ""
    }

    /// Validates `file` with the files it imports (directly or not, dependencies first).
    ///
    /// - Returns: the spec when there is no error (warnings allowed), and every diagnostic.
    public static func validate(_ file: SpecFile, imported: [SpecFile]) -> (spec: Spec?, diagnostics: [Diagnostic]) {
        var validator = SpecValidator(
            file: file, imported: imported, scope: Scope(files: imported + [file]), canSee: nil)
        let checked = validator.run()
        let diagnostics = validator.diagnostics
        return (diagnostics.containsErrors ? nil : Spec(file: checked, imported: imported), diagnostics)
    }

    /// Validates a shared model file that a spec imports, within the scope of that spec's load.
    ///
    /// - Parameter canSee: whether the file can name the models of the file at a path: itself
    ///   or a file it imports, directly or not.
    package static func validateShared(_ file: SpecFile, in scope: Scope, canSee: @escaping (String) -> Bool)
        -> [Diagnostic]
    {
        var validator = SpecValidator(file: file, imported: [], scope: scope, canSee: canSee)
        _ = validator.run()
        return validator.diagnostics
    }

    private mutating func run() -> SpecFile {
        var checked = file
        if canSee == nil { checkModelNames() } else { checkReservedModelNames() }
        checkErrors()
        for model in file.models { checkModel(model) }
        checkContainmentCycles()
        checkAliasCycles()
        checkUniqueSwiftNames(
            file.servers.map { ($0.name, SwiftNaming.lowerCamelCase($0.name), $0.location) }, what: "server",
            reserved: Self.reserving(ReservedNames.serverMembers, "the generated server type has; rename the server"))
        checkUniqueSwiftNames(
            file.authSchemes.map { ($0.name, SwiftNaming.lowerCamelCase($0.name), $0.location) }, what: "auth scheme",
            reserved: Self.reserving(ReservedNames.authMembers, "the generated credentials type has; rename the scheme")
        )
        checkHeaderParameters(file.headers, what: "service header")
        checkUniqueHeaderNames(file.headers)
        checkEndpointNames()
        checkRoutes()
        checked.endpoints = file.endpoints.map { checkEndpoint($0) }
        checked.channels = file.channels.map { checkChannel($0) }
        return checked
    }

    /// The same explanation for each of `names`, as ``checkUniqueSwiftNames`` takes reserved names.
    private static func reserving(_ names: Set<String>, _ explanation: String) -> [String: String] {
        Dictionary(uniqueKeysWithValues: names.map { ($0, explanation) })
    }

    private mutating func error(_ message: String, at location: SourceLocation, notes: [Diagnostic.Note] = []) {
        diagnostics.append(.error(message, at: location, notes: notes))
    }

    // MARK: - Names

    /// Names generated code uses for its own types, which a model of this file must not take.
    private var reservedTypeNames: [String: String] {
        var reserved: [String: String] = [:]
        for module in ReservedNames.modules { reserved[module] = "the module '\(module)' that generated code names" }
        for nested in ReservedNames.nestedTypes {
            reserved[nested] = "the type '\(nested)' that generated models declare inside themselves"
        }
        for type in ReservedNames.fileScopeTypes {
            reserved[type] = "the type '\(type)' that every generated file declares"
        }
        if let service = file.service {
            for type in ReservedNames.ServiceType.allCases {
                let name = type.name(forService: SwiftNaming.upperCamelCase(service))
                reserved[name] = "the generated type '\(name)'"
            }
        }
        for endpoint in file.endpoints where !endpoint.responseCases.isEmpty {
            let name = ReservedNames.responseEnumName(endpoint: endpoint.name)
            reserved[name] = "the type '\(name)' generated for the responses of '\(endpoint.name)'"
        }
        return reserved
    }

    /// Reports models of any file of the load that share a Swift type name, and models of this
    /// file named like a generated type.
    private mutating func checkModelNames() {
        var bySwiftName: [String: Model] = [:]
        let reserved = reservedTypeNames
        for model in imported.flatMap(\.models) + file.models {
            let swiftName = SwiftNaming.upperCamelCase(model.name)
            if let earlier = bySwiftName[swiftName] {
                let same = earlier.name == model.name
                error(
                    same
                        ? "model '\(model.name)' is defined twice"
                        : "model '\(model.name)' and model '\(earlier.name)' both become the Swift type '\(swiftName)'",
                    at: model.location, notes: [.init("'\(earlier.name)' is defined here", at: earlier.location)])
                continue
            }
            if let clash = reserved[swiftName], model.location.file == file.path {
                error("model '\(model.name)' would be named like \(clash); rename it", at: model.location)
            }
            bySwiftName[swiftName] = model
        }
    }

    /// For a shared file: its own models named like a generated type. Collisions between files
    /// are the loaded spec's to report, once.
    private mutating func checkReservedModelNames() {
        let reserved = reservedTypeNames
        for model in file.models {
            if let clash = reserved[SwiftNaming.upperCamelCase(model.name)] {
                error("model '\(model.name)' would be named like \(clash); rename it", at: model.location)
            }
        }
    }

    private mutating func checkUniqueSwiftNames(
        _ items: [(name: String, swiftName: String, location: SourceLocation)], what: String,
        reserved: [String: String] = [:]
    ) {
        var seen: [String: (name: String, location: SourceLocation)] = [:]
        for item in items {
            if let clash = reserved[item.swiftName] {
                error("\(what) '\(item.name)' would be named '\(item.swiftName)', which \(clash)", at: item.location)
                continue
            }
            if let earlier = seen[item.swiftName] {
                let message =
                    earlier.name == item.name
                    ? "\(what) '\(item.name)' is declared twice"
                    : "\(what) '\(item.name)' and \(what) '\(earlier.name)' both become '\(item.swiftName)' in Swift"
                error(
                    message, at: item.location,
                    notes: [.init("'\(earlier.name)' is declared here", at: earlier.location)])
            } else {
                seen[item.swiftName] = (item.name, item.location)
            }
        }
    }

    // MARK: - Types

    /// Reports every model the expression names that does not exist.
    @discardableResult
    private mutating func resolve(_ type: TypeReference) -> Bool {
        var resolved = true
        for name in type.expression.referencedModels {
            if let model = models[name] {
                let definedIn = model.location.file
                if definedIn != file.path, let canSee, !canSee(definedIn) {
                    error(
                        "unknown type '\(name)': it is defined in '\(definedIn)', which this file does not import",
                        at: type.location)
                    resolved = false
                }
                continue
            }
            let hint = suggestion(for: name) { Array($0.models.keys) + PrimitiveType.allCases.map(\.rawValue) }
            error("unknown type '\(name)'\(hint)", at: type.location)
            resolved = false
        }
        return resolved
    }

    /// The expression with aliases replaced by what they stand for (one level at a time, cycle-safe).
    private func unaliased(_ expression: TypeExpression) -> TypeExpression {
        var current = expression
        var seen = Set<String>()
        while true {
            switch current {
            case .model(let name):
                guard let model = models[name], case .alias(let target) = model.kind, seen.insert(name).inserted else {
                    return current
                }
                current = target.expression
            case .optional(let wrapped):
                let inner = unaliased(wrapped)
                return inner.isOptional ? inner : .optional(inner)
            default:
                return current
            }
        }
    }

    /// Whether values of the type fit in one path segment, query value or header value.
    private func isSingleValue(_ expression: TypeExpression) -> Bool {
        switch unaliased(expression.nonOptional) {
        case .primitive(let primitive): return primitive.isSingleValue
        case .model(let name):
            if case .enumeration = models[name]?.kind { return true }
            return false
        default: return false
        }
    }

    private func objectProperties(_ expression: TypeExpression) -> (model: Model, properties: [Property])? {
        guard case .model(let name) = unaliased(expression.nonOptional), let model = models[name],
            case .object(let properties) = model.kind
        else { return nil }
        return (model, properties)
    }

    // MARK: - Errors and models

    private mutating func checkErrors() {
        checkUniqueSwiftNames(
            file.errors.map { ($0.name, SwiftNaming.upperCamelCase($0.name), $0.location) }, what: "error")
        for definition in file.errors {
            if let body = definition.body {
                checkNoFile(body)
                resolve(body)
            }
        }
    }

    private mutating func checkModel(_ model: Model) {
        switch model.kind {
        case .object(let properties):
            checkUniqueSwiftNames(
                properties.map { ($0.name, SwiftNaming.lowerCamelCase($0.name), $0.location) }, what: "property",
                reserved: Self.reserving(
                    ReservedNames.modelMembers,
                    "every generated model has; rename the property and keep its JSON key with 'json:'"))
            var jsonKeys: [String: Property] = [:]
            for property in properties {
                if let earlier = jsonKeys[property.jsonName] {
                    error(
                        "properties '\(earlier.name)' and '\(property.name)' both use the JSON key '\(property.jsonName)'",
                        at: property.location,
                        notes: [.init("'\(earlier.name)' is declared here", at: earlier.location)])
                }
                jsonKeys[property.jsonName] = property
                var element = property.type.expression.nonOptional
                if case .list(let inner) = element { element = inner.nonOptional }
                if element != .primitive(.file) { checkNoFile(property.type) }
                if resolve(property.type) {
                    if let value = property.defaultValue {
                        checkDefault(
                            value, of: property.type.expression, at: property.defaultLocation ?? property.location)
                    }
                    checkConstraints(
                        property.constraints, of: property.type, defaultValue: property.defaultValue,
                        defaultLocation: property.defaultLocation, what: "property '\(property.name)'")
                }
            }
        case .enumeration(let cases):
            var values = Set<String>()
            var unique: [EnumCase] = []
            for enumCase in cases {
                if values.insert(enumCase.value).inserted {
                    unique.append(enumCase)
                } else {
                    error("enum value '\(enumCase.value)' is listed twice", at: enumCase.location)
                }
            }
            checkUniqueSwiftNames(
                unique.map { ($0.value, SwiftNaming.lowerCamelCase($0.value), $0.location) }, what: "enum value",
                reserved: [
                    ReservedNames.unknownCase:
                        "keeps values the spec does not list; rename the value or map it with a different spelling"
                ])
        case .oneOf(let discriminator, _, let variants):
            var tags = Set<String>()
            for variant in variants where !tags.insert(variant.tag).inserted {
                error("variant '\(variant.tag)' is listed twice", at: variant.location)
            }
            checkUniqueSwiftNames(
                variants.map { ($0.tag, SwiftNaming.lowerCamelCase($0.tag), $0.location) }, what: "variant",
                reserved: [ReservedNames.unknownCase: "keeps variants the spec does not list"])
            for variant in variants where resolve(variant.model) {
                guard let (variantModel, properties) = objectProperties(variant.model.expression),
                    !variant.model.expression.isOptional
                else {
                    error("a union variant is an object model, not '\(variant.model)'", at: variant.model.location)
                    continue
                }
                guard let field = properties.first(where: { $0.jsonName == discriminator }) else {
                    error(
                        "variant model '\(variantModel.name)' has no property with the JSON key '\(discriminator)', the discriminator of '\(model.name)'",
                        at: variant.model.location,
                        notes: [.init("'\(variantModel.name)' is defined here", at: variantModel.location)])
                    continue
                }
                let fieldType = unaliased(field.type.expression)
                var isTagType = fieldType == .primitive(.string)
                if case .model(let name) = fieldType, case .enumeration(let cases) = models[name]?.kind {
                    isTagType = true
                    if !cases.contains(where: { $0.value == variant.tag }) {
                        error(
                            "variant '\(variant.tag)' is not a value of enum '\(name)', the type of '\(variantModel.name).\(field.name)'",
                            at: variant.location, notes: [.init("'\(field.name)' is declared here", at: field.location)]
                        )
                    }
                }
                if !isTagType {
                    error(
                        "the discriminator '\(variantModel.name).\(field.name)' must be a non-optional string or enum, not '\(field.type)'",
                        at: field.type.location)
                }
            }
        case .alias(let target):
            checkNoFile(target)
            resolve(target)
        }
    }

    /// Reports a `file` anywhere but where a form can send it: a model's property, or a list of them.
    private mutating func checkNoFile(_ type: TypeReference) {
        func containsFile(_ expression: TypeExpression) -> Bool {
            switch expression {
            case .primitive(let primitive): primitive == .file
            case .model: false
            case .list(let inner), .map(let inner), .optional(let inner): containsFile(inner)
            }
        }
        if containsFile(type.expression) {
            error(
                "a 'file' can only be the type of a model's property, or a list of them, sent in a multipart/form-data body",
                at: type.location)
        }
    }

    /// Checks a body sent as a form: an object model whose properties are single values or lists
    /// of them; files only in multipart bodies.
    private mutating func checkFormBody(_ body: RequestBody) {
        guard let form = body.contentTypes.first(where: MediaType.isForm) else { return }
        guard let (model, properties) = objectProperties(body.type.expression), !body.type.expression.isOptional else {
            error(
                "a body sent as '\(SpecDecoder.essence(form))' is an object model, whose properties become the fields, not '\(body.type)'",
                at: body.type.location)
            return
        }
        // A file is a part of its own, which only multipart has (and JSON, as an object).
        let canSendFiles = body.contentTypes.allSatisfy { MediaType.isMultipart($0) || MediaType.isJSON($0) }
        for property in properties {
            var element = unaliased(property.type.expression.nonOptional)
            if case .list(let inner) = element { element = unaliased(inner.nonOptional) }
            let problem: String? =
                switch element {
                case .primitive(.file): canSendFiles ? nil : "only a multipart/form-data body can send a 'file'"
                case .primitive(.bytes): nil
                default: isSingleValue(element) ? nil : "a form field is a single value or a list of them"
                }
            if let problem {
                error(
                    "property '\(property.name)' of '\(model.name)' cannot be sent in a form: \(problem), not '\(property.type)'",
                    at: property.type.location, notes: [.init("the body is declared here", at: body.location)])
            }
        }
    }

    /// A model that contains itself through required, direct properties has no finite value.
    ///
    /// The scope already knows which models lie on such cycles. Each cycle is reported once, at
    /// its first model in this file, with the shortest way back to that model.
    private mutating func checkContainmentCycles() {
        var reported = Set<Int>()
        for model in file.models {
            if case .alias = model.kind { continue }  // alias cycles are reported as such
            guard let component = scope.containmentComponent[model.name], scope.cyclicComponents.contains(component),
                !reported.contains(component),
                let through = shortestContainmentCycle(from: model.name, within: component)
            else { continue }
            reported.insert(component)
            let steps = through.map { "'\($0)'" }.joined(separator: ", ")
            error(
                "model '\(model.name)' contains itself through \(steps) with no optional, list or map in between, so no finite value exists",
                at: model.location)
        }
    }

    /// The properties (`Model.property`) of the shortest way from a model back to itself,
    /// searched breadth first within its component.
    private func shortestContainmentCycle(from start: String, within component: Int) -> [String]? {
        // How each model was first reached: the model before it and the property between.
        var reachedFrom: [String: (model: String, via: String)] = [:]
        var queue = [start]
        var head = 0
        while head < queue.count {
            let name = queue[head]
            head += 1
            guard let current = models[name] else { continue }
            for edge in Scope.requiredModels(of: current) where scope.containmentComponent[edge.target] == component {
                if edge.target == start {
                    var steps: [String] = []
                    if !edge.via.isEmpty { steps.append("\(name).\(edge.via)") }
                    var cursor = name
                    while cursor != start, let step = reachedFrom[cursor] {
                        if !step.via.isEmpty { steps.append("\(step.model).\(step.via)") }
                        cursor = step.model
                    }
                    return steps.reversed()
                }
                if reachedFrom[edge.target] == nil, edge.target != start {
                    reachedFrom[edge.target] = (name, edge.via)
                    queue.append(edge.target)
                }
            }
        }
        return nil
    }

    /// Swift type aliases cannot refer to themselves, even through a list.
    private mutating func checkAliasCycles() {
        for model in file.models where scope.cyclicAliases.contains(model.name) {
            error(
                "alias '\(model.name)' refers to itself; give the recursion an object model with properties",
                at: model.location)
        }
    }

    // MARK: - Defaults

    private mutating func checkDefault(_ value: DefaultValue, of type: TypeExpression, at location: SourceLocation) {
        if let problem = defaultProblem(value, type) {
            error(problem, at: location)
        }
    }

    private func defaultProblem(_ value: DefaultValue, _ type: TypeExpression) -> String? {
        if let number = Self.firstUnrepresentableNumber(value) {
            return "default \(number) is too large for a number"
        }
        let expected = unaliased(type.nonOptional)
        switch (expected, value) {
        case (.primitive(.json), _):
            return nil
        case (.primitive(.string), .string):
            return nil
        case (.primitive(.bool), .bool):
            return nil
        case (.primitive(let integer), .integer(let number)) where [.int, .int32, .int64].contains(integer):
            if integer == .int32, !(Int64(Int32.min)...Int64(Int32.max)).contains(number) {
                return "default \(number) does not fit in int32"
            }
            return nil
        case (.primitive(.float), .integer), (.primitive(.float), .number),
            (.primitive(.double), .integer), (.primitive(.double), .number),
            (.primitive(.decimal), .integer), (.primitive(.decimal), .number):
            return nil
        case (.primitive(.uuid), .string(let text)):
            return UUID(uuidString: text) == nil ? "default '\(text)' is not a UUID" : nil
        case (.primitive(.url), .string(let text)):
            return URL(string: text)?.scheme == nil ? "default '\(text)' is not an absolute URL" : nil
        case (.primitive(.date), .string(let text)):
            return SpecDates.isDate(text) ? nil : "default '\(text)' is not a date such as 2024-05-01"
        case (.primitive(.datetime), .string(let text)):
            return SpecDates.isDateTime(text)
                ? nil : "default '\(text)' is not an ISO 8601 date-time such as 2024-05-01T12:00:00Z"
        case (.primitive(.bytes), _), (.primitive(.file), _):
            return "a '\(type)' value cannot have a default"
        case (.model(let name), .string(let text)):
            guard case .enumeration(let cases) = models[name]?.kind else {
                return
                    "only enum, list, map and built-in types can have defaults, and '\(name)' is a \(kindWord(models[name]))"
            }
            if cases.contains(where: { $0.value == text }) { return nil }
            return
                "'\(text)' is not a value of enum '\(name)'\(Suggestions.didYouMean(text, among: cases.map(\.value)))"
        case (.model(let name), _):
            if case .enumeration = models[name]?.kind { return "a default of enum '\(name)' is one of its values" }
            return
                "only enum, list, map and built-in types can have defaults, and '\(name)' is a \(kindWord(models[name]))"
        case (.list(let element), .list(let items)):
            return items.lazy.compactMap { defaultProblem($0, element) }.first
        case (.map(let element), .map(let values, _)):
            return values.values.lazy.compactMap { defaultProblem($0, element) }.first
        default:
            return "default \(describe(value)) does not fit type '\(type)'"
        }
    }

    /// A number in the value (at any depth) that overflows a `Double` or, with more than 38
    /// significant digits or an exponent beyond ±127, a `Decimal`; generated code could not
    /// spell it.
    private static func firstUnrepresentableNumber(_ value: DefaultValue) -> String? {
        var pending = [value]
        while let next = pending.popLast() {
            switch next {
            case .number(let text):
                guard let double = Double(text), double.isFinite, double == 0 || abs(double) >= 1e-127,
                    text.prefix(while: { $0 != "e" }).filter(\.isNumber).drop(while: { $0 == "0" }).count <= 38
                else { return text }
            case .list(let items):
                pending += items
            case .map(let values, _):
                pending += values.values
            case .string, .integer, .bool:
                continue
            }
        }
        return nil
    }

    private func kindWord(_ model: Model?) -> String {
        switch model?.kind {
        case .object: "object model"
        case .oneOf: "union"
        case .enumeration: "enum"
        case .alias, nil: "model"
        }
    }

    private func describe(_ value: DefaultValue) -> String {
        switch value {
        case .string(let text): "'\(text)'"
        case .integer(let number): "\(number)"
        case .number(let text): text
        case .bool(let flag): "\(flag)"
        case .list: "(a list)"
        case .map: "(a mapping)"
        }
    }

    // MARK: - Endpoints

    private mutating func checkEndpointNames() {
        var items = file.endpoints.map { ($0.name, SwiftNaming.lowerCamelCase($0.name), $0.location) }
        // One response form per Swift method name: endpoints that clash are reported once, above.
        var methodNames = Set<String>()
        for endpoint in file.endpoints where methodNames.insert(SwiftNaming.lowerCamelCase(endpoint.name)).inserted {
            let swiftName = SwiftNaming.lowerCamelCase(endpoint.name + ReservedNames.responseSuffix)
            items.append(("response form of \(endpoint.name)", swiftName, endpoint.location))
        }
        for endpoint in file.endpoints where endpoint.pagination != nil {
            let name = endpoint.name + ReservedNames.paginationSuffix
            items.append(
                (name, SwiftNaming.lowerCamelCase(name), endpoint.keyLocations["pagination"] ?? endpoint.location))
        }
        // A channel's method shares the client's namespace with the endpoints'.
        items += file.channels.map { ($0.name, SwiftNaming.lowerCamelCase($0.name), $0.location) }
        items.sort { $0.2 < $1.2 }
        var reserved: [String: String] = [:]
        for member in ReservedNames.clientMembers { reserved[member] = "every generated client already has" }
        checkUniqueSwiftNames(
            items.map { (name: $0.0, swiftName: $0.1, location: $0.2) },
            what: file.channels.isEmpty ? "endpoint" : "endpoint or channel", reserved: reserved)
    }

    private mutating func checkRoutes() {
        var routes: [String: Endpoint] = [:]
        for endpoint in file.endpoints where endpoint.hasRoute {
            let shape =
                endpoint.method.rawValue + " "
                + endpoint.pathSegments.map { segment in
                    if case .literal(let text) = segment { return text }
                    return "{}"
                }.joined()
            if let earlier = routes[shape] {
                error(
                    "endpoints '\(earlier.name)' and '\(endpoint.name)' are the same route, \(endpoint.method.rawValue) \(endpoint.path)",
                    at: endpoint.location, notes: [.init("'\(earlier.name)' is declared here", at: earlier.location)])
            } else {
                routes[shape] = endpoint
            }
        }
    }

    private mutating func checkHeaderParameters(_ parameters: [Parameter], what: String) {
        for parameter in parameters where resolve(parameter.type) {
            if !isSingleValue(parameter.type.expression) {
                error(
                    "\(what) '\(parameter.name)' must be a single value (a built-in type or an enum), not '\(parameter.type)'",
                    at: parameter.type.location)
            } else if let value = parameter.defaultValue {
                checkDefault(value, of: parameter.type.expression, at: parameter.defaultLocation ?? parameter.location)
            }
            if what == "service header", let key = parameter.constraints.locations.keys.sorted().first,
                let location = parameter.constraints.locations[key]
            {
                error(
                    "'\(key)': a service header is set once, on the client, and takes no constraints; "
                        + "declare the header on the endpoints to check it on every call",
                    at: location)
            } else {
                checkConstraints(
                    parameter.constraints, of: parameter.type, defaultValue: parameter.defaultValue,
                    defaultLocation: parameter.defaultLocation, what: "\(what) '\(parameter.name)'")
            }
            if parameter.name.lowercased() == "authorization" {
                error("'Authorization' is set by the auth schemes; declare it under 'auth'", at: parameter.location)
            }
        }
    }

    /// Header names are case-insensitive: two spellings of one header would overwrite each other.
    private mutating func checkUniqueHeaderNames(_ parameters: [Parameter], extra: [(String, SourceLocation)] = []) {
        var seen: [String: (String, SourceLocation)] = [:]
        var all = parameters.map { ($0.name, $0.location) } + extra
        for scheme in file.authSchemes {
            if case .apiKey(.header, let name, _) = scheme.kind { all.append((name, scheme.location)) }
        }
        for (name, location) in all.sorted(by: { $0.1 < $1.1 }) {
            let key = name.lowercased()
            if let (earlier, earlierLocation) = seen[key] {
                error(
                    "header '\(name)' is also set as '\(earlier)'", at: location,
                    notes: [.init("'\(earlier)' is declared here", at: earlierLocation)])
            } else {
                seen[key] = (name, location)
            }
        }
    }

    /// A channel: its handshake as an endpoint, and the types of its messages.
    private mutating func checkChannel(_ channel: ChannelSpec) -> ChannelSpec {
        var channel = channel
        channel.handshake = checkEndpoint(
            channel.handshake,
            reserved: [
                "policy": "is the label of the channel's policy; set 'swiftName' to rename the parameter",
                "onConnect":
                    "is the label of the hook run after every connection; set 'swiftName' to rename the parameter",
            ])
        for type in [channel.send, channel.receive].compactMap({ $0 }) {
            checkNoFile(type)
            resolve(type)
        }
        return channel
    }

    private mutating func checkEndpoint(_ endpoint: Endpoint, reserved channelLabels: [String: String]? = nil)
        -> Endpoint
    {
        var endpoint = endpoint
        if let server = endpoint.fallback?.server, !file.servers.contains(where: { $0.name == server }) {
            let names = file.servers.map(\.name)
            let hint = Suggestions.closest(to: server, among: names).map { "; did you mean '\($0)'?" } ?? ""
            error(
                "the fallback server '\(server)' is not among the spec's servers\(hint)",
                at: endpoint.fallback?.serverLocation ?? endpoint.location)
        }
        for parameter in endpoint.pathParameters where resolve(parameter.type) {
            if !isSingleValue(parameter.type.expression) {
                error(
                    "path parameter '\(parameter.name)' must be a single value (a built-in type or an enum), not '\(parameter.type)'",
                    at: parameter.type.location)
            }
            checkConstraints(
                parameter.constraints, of: parameter.type, defaultValue: parameter.defaultValue,
                defaultLocation: parameter.defaultLocation, what: "path parameter '\(parameter.name)'")
        }
        for parameter in endpoint.queryParameters where resolve(parameter.type) {
            var element = unaliased(parameter.type.expression.nonOptional)
            if case .list(let inner) = element { element = inner.nonOptional }
            if !isSingleValue(element) {
                error(
                    "query parameter '\(parameter.name)' must be a single value or a list of them, not '\(parameter.type)'",
                    at: parameter.type.location)
            } else if let value = parameter.defaultValue {
                checkDefault(value, of: parameter.type.expression, at: parameter.defaultLocation ?? parameter.location)
            }
            checkConstraints(
                parameter.constraints, of: parameter.type, defaultValue: parameter.defaultValue,
                defaultLocation: parameter.defaultLocation, what: "query parameter '\(parameter.name)'")
        }
        checkHeaderParameters(endpoint.headerParameters, what: "header")
        var extraHeaders: [(String, SourceLocation)] = []
        if let key = endpoint.idempotencyKey {
            extraHeaders.append((key, endpoint.keyLocations["idempotencyKey"] ?? endpoint.location))
        }
        checkUniqueHeaderNames(file.headers + endpoint.headerParameters, extra: extraHeaders)

        // Every parameter becomes an argument label of the endpoint's method.
        let parameters = endpoint.pathParameters + endpoint.queryParameters + endpoint.headerParameters
        var labels = parameters.map { ($0.name, $0.swiftName ?? SwiftNaming.lowerCamelCase($0.name), $0.location) }
        labels.sort { $0.2 < $1.2 }
        var reserved =
            channelLabels ?? [
                "options": "is the label of the per-call options; set 'swiftName' to rename the parameter"
            ]
        if endpoint.body != nil {
            reserved["body"] = "is the label of the request body; set 'swiftName' to rename the parameter"
        }
        if endpoint.stream?.format == .sse {
            reserved[ReservedNames.lastEventIDLabel] =
                "is the label of the event ID a stream starts after; set 'swiftName' to rename the parameter"
        }
        if (endpoint.body?.contentTypes.count ?? 0) > 1 {
            reserved["contentType"] =
                "is the label that picks the body's media type; set 'swiftName' to rename the parameter"
        }
        checkUniqueSwiftNames(
            labels.map { (name: $0.0, swiftName: $0.1, location: $0.2) }, what: "parameter", reserved: reserved)

        if let body = endpoint.body {
            checkNoFile(body.type)
            if resolve(body.type) { checkFormBody(body) }
        }
        if let type = endpoint.response.type {
            checkNoFile(type)
            resolve(type)
        }
        if let stream = endpoint.stream, resolve(stream.event) { checkStreamEvent(stream.event) }
        for response in endpoint.responseCases.dropFirst() {
            if let type = response.type {
                checkNoFile(type)
                resolve(type)
            }
        }

        var statuses: [Int: String] = [:]
        for name in endpoint.errors {
            let location = endpoint.keyLocations["errors"] ?? endpoint.location
            guard let definition = errorsByName[name] else {
                let hint = suggestion(for: name) { validator in
                    (validator.imported.flatMap(\.errors) + validator.file.errors).map(\.name)
                }
                error("unknown error '\(name)'\(hint)", at: location)
                continue
            }
            if let other = statuses[definition.status] {
                error(
                    "errors '\(other)' and '\(name)' of '\(endpoint.name)' both have status \(definition.status), so a response cannot tell them apart",
                    at: location)
            }
            statuses[definition.status] = name
        }

        if case .schemes(let names) = endpoint.auth {
            let location = endpoint.keyLocations["auth"] ?? endpoint.location
            if file.authSchemes.isEmpty {
                let noun = channelLabels == nil ? "endpoint" : "channel"
                error(
                    "\(noun) '\(endpoint.name)' names auth schemes, but the service declares none under 'auth'",
                    at: location)
            } else {
                for name in names where !file.authSchemes.contains(where: { $0.name == name }) {
                    error(
                        "unknown auth scheme '\(name)'\(Suggestions.didYouMean(name, among: file.authSchemes.map(\.name)))",
                        at: location)
                }
            }
        }

        if let pagination = endpoint.pagination {
            endpoint.pagination = checkPagination(pagination, of: endpoint)
        }
        return endpoint
    }

    /// A stream's events are objects or unions: something a named event or a JSON line can be.
    private mutating func checkStreamEvent(_ event: TypeReference) {
        if case .model(let name) = unaliased(event.expression), let model = models[name] {
            switch model.kind {
            case .object, .oneOf: return
            default: break
            }
        }
        error(
            "a stream's 'event' is an object model or a 'oneOf' union, not '\(event)'", at: event.location)
    }

    private mutating func checkPagination(_ pagination: Pagination, of endpoint: Endpoint) -> Pagination? {
        var pagination = pagination
        guard let cursor = endpoint.queryParameters.first(where: { $0.name == pagination.cursorParameter }) else {
            let hint = Suggestions.didYouMean(pagination.cursorParameter, among: endpoint.queryParameters.map(\.name))
            error(
                "'\(pagination.cursorParameter)' is not a query parameter of '\(endpoint.name)'\(hint)",
                at: pagination.cursorLocation)
            return nil
        }
        if cursor.isRequired {
            error(
                "the cursor parameter '\(cursor.name)' must be optional: the first page is asked for without one",
                at: pagination.cursorLocation)
        }
        guard let responseType = endpoint.response.type else {
            error(
                "a paginated endpoint needs a 'response' type that holds the items and the next cursor",
                at: pagination.location)
            return nil
        }
        let next = fieldType(at: pagination.nextPath, in: responseType.expression, reportAt: pagination.nextLocation)
        let items = fieldType(at: pagination.itemsPath, in: responseType.expression, reportAt: pagination.itemsLocation)
        if let next, unaliased(next.nonOptional) != unaliased(cursor.type.expression.nonOptional) {
            error(
                "the next cursor is '\(next)' but the cursor parameter '\(cursor.name)' is '\(cursor.type)'",
                at: pagination.nextLocation)
        }
        guard let items else { return nil }
        guard case .list(let item) = unaliased(items.nonOptional) else {
            error(
                "'items' must point at a list, but '\(pagination.itemsPath.joined(separator: "."))' is '\(items)'",
                at: pagination.itemsLocation)
            return nil
        }
        pagination.itemType = item
        return pagination
    }

    /// The type at a property path, walking object models; reports the first step that does not exist.
    private mutating func fieldType(at path: [String], in type: TypeExpression, reportAt location: SourceLocation)
        -> TypeExpression?
    {
        var current = type
        var walked = "response"
        for name in path {
            guard let (model, properties) = objectProperties(current) else {
                error("'\(walked)' is '\(current)', which has no properties to follow to '\(name)'", at: location)
                return nil
            }
            guard let property = properties.first(where: { $0.name == name }) else {
                error(
                    "model '\(model.name)' has no property '\(name)'\(Suggestions.didYouMean(name, among: properties.map(\.name)))",
                    at: location)
                return nil
            }
            current = property.type.expression
            walked += ".\(name)"
        }
        return current
    }
}

/// Date formats of the spec language.
enum SpecDates {
    static func isDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let month = Int(parts[1]), let day = Int(parts[2]), Int(parts[0]) != nil
        else { return false }
        return (1...12).contains(month) && (1...31).contains(day)
    }

    static func isDateTime(_ text: String) -> Bool {
        let formatter = ISO8601DateFormatter()
        if formatter.date(from: text) != nil { return true }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text) != nil
    }
}

// MARK: - Constraints

extension SpecValidator {
    /// Reports constraint keywords that do not fit `type`, number bounds its numbers cannot hold,
    /// and a default that breaks the constraints.
    mutating func checkConstraints(
        _ constraints: Constraints, of type: TypeReference, defaultValue: DefaultValue?,
        defaultLocation: SourceLocation?, what: String
    ) {
        guard !constraints.isEmpty else { return }
        let container = unaliased(type.expression.nonOptional)
        let leaf = constraintLeaf(of: container)
        func misplaced(_ keys: [String], _ needs: String) {
            for key in keys {
                guard let location = constraints.locations[key] else { continue }
                error("'\(key)' applies to \(needs); \(what) is '\(type)'", at: location)
            }
        }
        if constraints.hasListRules, !container.isListType {
            misplaced(["minItems", "maxItems", "uniqueItems"], "lists")
        }
        if constraints.hasMapRules, !container.isMapType {
            misplaced(["minProperties", "maxProperties"], "maps")
        }
        if constraints.hasTextRules, leaf != .primitive(.string) {
            misplaced(["minLength", "maxLength", "pattern", "format"], "strings (or lists and maps of them)")
        }
        if constraints.hasNumberRules {
            guard case .primitive(let primitive) = leaf, let range = Self.numberRange(of: primitive) else {
                misplaced(
                    ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"],
                    "numbers (or lists and maps of them)")
                return
            }
            for limit in [
                constraints.minimum, constraints.maximum, constraints.exclusiveMinimum, constraints.exclusiveMaximum,
            ] {
                guard let limit, let range else { continue }
                if let whole = limit.wholeValue, range.contains(whole) { continue }
                error("\(limit.text) is not a value of \(primitive.rawValue)", at: limit.location)
            }
        }
        if let defaultValue, let problem = Self.constraintProblem(of: defaultValue, constraints) {
            error("the default of \(what) \(problem)", at: defaultLocation ?? type.location)
        }
    }

    /// The number or string type the constraints of a value of `container` apply to, through
    /// lists, maps, optionals and aliases.
    private func constraintLeaf(of container: TypeExpression) -> TypeExpression {
        switch unaliased(container) {
        case .list(let inner), .map(let inner), .optional(let inner): constraintLeaf(of: inner)
        case let other: other
        }
    }

    /// The whole numbers a primitive holds (`nil`: any number), or `nil` for types that are not numbers.
    private static func numberRange(of primitive: PrimitiveType) -> ClosedRange<Int64>?? {
        switch primitive {
        case .int32: .some(Int64(Int32.min)...Int64(Int32.max))
        case .int, .int64: .some(Int64.min...Int64.max)
        case .float, .double, .decimal: .some(nil)
        default: nil
        }
    }

    /// What a default value breaks, phrased to follow "the default of …", or `nil`.
    private static func constraintProblem(of value: DefaultValue, _ constraints: Constraints) -> String? {
        switch value {
        case .integer(let number):
            return numberProblem(Decimal(number), String(number), constraints)
        case .number(let text):
            guard let number = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else { return nil }
            return numberProblem(number, text, constraints)
        case .string(let text):
            let length = text.unicodeScalars.count
            if let minimum = constraints.minLength, length < minimum {
                return "has \(length) characters, fewer than 'minLength' (\(minimum))"
            }
            if let maximum = constraints.maxLength, length > maximum {
                return "has \(length) characters, more than 'maxLength' (\(maximum))"
            }
            if let pattern = constraints.pattern, let expression = try? NSRegularExpression(pattern: pattern),
                expression.firstMatch(in: text, range: NSRange(text.startIndex..<text.endIndex, in: text)) == nil
            {
                return "does not match 'pattern'"
            }
            return nil
        case .list(let items):
            if let minimum = constraints.minItems, items.count < minimum {
                return "has \(items.count) items, fewer than 'minItems' (\(minimum))"
            }
            if let maximum = constraints.maxItems, items.count > maximum {
                return "has \(items.count) items, more than 'maxItems' (\(maximum))"
            }
            if constraints.uniqueItems, Set(items).count < items.count { return "repeats an item" }
            return items.lazy.compactMap { constraintProblem(of: $0, constraints) }.first
        case .map(let entries, _):
            if let minimum = constraints.minProperties, entries.count < minimum {
                return "has \(entries.count) entries, fewer than 'minProperties' (\(minimum))"
            }
            if let maximum = constraints.maxProperties, entries.count > maximum {
                return "has \(entries.count) entries, more than 'maxProperties' (\(maximum))"
            }
            return entries.values.lazy.compactMap { constraintProblem(of: $0, constraints) }.first
        case .bool:
            return nil
        }
    }

    private static func numberProblem(_ number: Decimal, _ text: String, _ constraints: Constraints) -> String? {
        if let limit = constraints.minimum, number < limit.value {
            return "(\(text)) is below 'minimum' (\(limit.text))"
        }
        if let limit = constraints.maximum, number > limit.value {
            return "(\(text)) is above 'maximum' (\(limit.text))"
        }
        if let limit = constraints.exclusiveMinimum, number <= limit.value {
            return "(\(text)) is not above 'exclusiveMinimum' (\(limit.text))"
        }
        if let limit = constraints.exclusiveMaximum, number >= limit.value {
            return "(\(text)) is not below 'exclusiveMaximum' (\(limit.text))"
        }
        return nil
    }
}
