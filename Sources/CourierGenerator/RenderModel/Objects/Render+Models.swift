extension Render {
    /// One output file: the root every file template starts from.
    struct File: RenderObject {
        var specFile: String
        var access: AccessLevel
        var runtimeVersion: String
        /// The kind of file the `omitted` template stands in for; `nil` for a file generated in full.
        var omittedKind: GeneratedKind?
        var isService: Bool
        var models: RenderList<Model>
        var service: Service

        static let keys = RenderKeys<Self>(
            .file, "The root of every file template.",
            [
                .text("specFile", "The spec's file name, safe inside a comment.") { $0.specFile },
                .text("access", "The access level of generated declarations: `public`, `package` or `internal`.") {
                    $0.access.rawValue
                },
                .text("runtimeVersion", "The `CourierRuntimeCompatibility` member generated code requires.") {
                    $0.runtimeVersion
                },
                .text(
                    "omittedKind",
                    "The kind of file (`models`, `client`, `mock`) `omitted` stands in for; empty otherwise."
                ) {
                    $0.omittedKind?.rawValue ?? ""
                },
                .flag("isService", "Whether the spec declares a `service:`.") { $0.isService },
                .flag("hasModels", "Whether the spec declares models.") { !$0.models.isEmpty },
                .list("models", "The spec's models, in the order it declares them.") { $0.models },
                .object("service", "The service; meaningful when `isService`.") { $0.service },
            ])
    }

    /// A model: a struct, an enum, a union or an alias.
    struct Model: RenderObject {
        /// What the model is, with what belongs to that form.
        enum Form: Sendable {
            case structure(RenderList<Property>, checks: RenderList<ConstraintCheck>)
            case enumeration(RenderList<EnumCase>)
            case union(discriminator: String, RenderList<Variant>)
            case alias(String)
        }

        var name: String
        var specName: String
        var docLines: [String]
        var deprecation: Deprecation?
        var form: Form
        /// Whether the model has something to check: it gets a `validate()`.
        var isValidatable: Bool

        var properties: RenderList<Property> {
            if case .structure(let properties, _) = form { return properties }
            return []
        }

        var constraintChecks: RenderList<ConstraintCheck> {
            if case .structure(_, let checks) = form { return checks }
            return []
        }

        static let keys = RenderKeys<Self>(
            .model, "A model. Exactly one of `isStruct`, `isEnum`, `isUnion` and `isAlias` is true.",
            [
                .text("name", "The Swift type name.") { $0.name },
                .text("specName", "The name in the spec.") { $0.specName },
                .docLines { $0.docLines },
                .flag("hasDocLines", "Whether `docLines` has lines.") { !$0.docLines.isEmpty },
                .flag("isStruct", "Whether the model is an object with properties.") {
                    if case .structure = $0.form { return true }
                    return false
                },
                .flag("isEnum", "Whether the model is a string enum.") {
                    if case .enumeration = $0.form { return true }
                    return false
                },
                .flag("isUnion", "Whether the model is a `oneOf` union.") {
                    if case .union = $0.form { return true }
                    return false
                },
                .flag("isAlias", "Whether the model names another type.") {
                    if case .alias = $0.form { return true }
                    return false
                },
                .list("properties", "A struct's properties.") { $0.properties },
                .flag(
                    "isValidatable",
                    "Whether a struct or union has constraints to check, its own or its members' models', and gets `validate()`."
                ) { $0.isValidatable },
                .list("constraintChecks", "A struct's checks in `validate()`, in property order.") {
                    $0.constraintChecks
                },
                .flag("hasProperties", "Whether a struct has properties.") { !$0.properties.isEmpty },
                .list("cases", "An enum's cases.") { model -> RenderList<EnumCase> in
                    if case .enumeration(let cases) = model.form { return cases }
                    return []
                },
                .list("variants", "A union's variants.") { model -> RenderList<Variant> in
                    if case .union(_, let variants) = model.form { return variants }
                    return []
                },
                .text("discriminator", "A union's discriminator property, escaped for a string literal.") {
                    if case .union(let discriminator, _) = $0.form { return discriminator }
                    return ""
                },
                .text("aliasedType", "The Swift type an alias names.") {
                    if case .alias(let type) = $0.form { return type }
                    return ""
                },
            ] + RenderKey<Self>.deprecation { $0.deprecation })
    }

    /// A property of a struct model.
    struct Property: RenderObject {
        /// The escaped Swift name.
        var name: String
        /// The name without backticks.
        var bareName: String
        /// The JSON key, escaped for a string literal.
        var jsonKey: String
        var hasCustomJSONKey: Bool
        var type: String
        /// The type a decoder reads: `type` without its optional.
        var decodeType: String
        var isOptional: Bool
        /// The default value as a Swift expression.
        var defaultValue: String?
        /// Whether the property leads back to its own model and so is stored out of line.
        var isBoxed: Bool
        var docLines: [String]
        var deprecation: Deprecation?

        /// The initializer's default: the spec's, or `nil` for an optional.
        var initDefault: String? { defaultValue ?? (isOptional ? "nil" : nil) }
        /// Whether the value lives under its own name: not boxed, not deprecated.
        var isStored: Bool { !isBoxed && deprecation == nil }

        static let keys = RenderKeys<Self>(
            .property,
            """
            A struct property. Deprecated properties and boxed ones (`isBoxed`: recursion) are not \
            stored under `name` (`isStored`) but are computed properties over `storageName` of `storageType`.
            """,
            [
                .text("name", "The escaped Swift name.") { $0.name },
                .text("codingKey", "The `CodingKeys` case.") { $0.name },
                .text("jsonKey", "The JSON key, escaped for a string literal.") { $0.jsonKey },
                .flag("hasCustomJSONKey", "Whether the JSON key differs from the Swift name.") { $0.hasCustomJSONKey },
                .text("type", "The Swift type.") { $0.type },
                .docLines { $0.docLines },
                .flag("hasDefault", "Whether the spec gives a default.") { $0.defaultValue != nil },
                .text("defaultValue", "The spec's default as a Swift expression.") { $0.defaultValue ?? "" },
                .flag("hasInitDefault", "Whether the initializer's parameter has a default.") { $0.initDefault != nil },
                .text("initDefault", "The initializer's default: the spec's, or `nil` for an optional.") {
                    $0.initDefault ?? ""
                },
                .text("decodeMethod", "`decodeIfPresent` for an optional or defaulted property, else `decode`.") {
                    $0.isOptional || $0.defaultValue != nil ? "decodeIfPresent" : "decode"
                },
                .text("decodeType", "The type a decoder reads: `type` without its optional.") { $0.decodeType },
                .flag(
                    "decodesOnSeveralLines",
                    "Whether the decode statement is long (names, type and default over 52 characters), to break after `(`."
                ) {
                    ($0.isStored ? 2 * $0.name.count : 2 * $0.bareName.count + 1) + $0.decodeType.count
                        + ($0.defaultValue?.count ?? 0) > 52
                },
                .text("encodeMethod", "`encodeIfPresent` for an optional, else `encode`.") {
                    $0.isOptional ? "encodeIfPresent" : "encode"
                },
                .flag("isBoxed", "Whether the property leads back to its own model and is stored out of line.") {
                    $0.isBoxed
                },
                .flag("isStored", "Whether the value is stored under `name`.") { $0.isStored },
                .text("storageName", "Where the value is stored: `name`, or `_name` when not `isStored`.") {
                    $0.isStored ? $0.name : "_" + $0.bareName
                },
                .text("storageType", "The stored type: `type`, or `CourierRuntime.Indirect<type>` when boxed.") {
                    $0.isBoxed ? "CourierRuntime.Indirect<\($0.type)>" : $0.type
                },
            ] + RenderKey<Self>.deprecation { $0.deprecation })
    }

    /// A case of an enum model.
    struct EnumCase: RenderObject {
        var name: String
        var value: String
        var docLines: [String]

        static let keys = RenderKeys<Self>(
            .enumCase, "An enum value.",
            [
                .text("name", "The Swift case.") { $0.name },
                .text("value", "The string as sent, escaped for a string literal.") { $0.value },
                .docLines { $0.docLines },
            ])
    }

    /// A variant of a union model.
    struct Variant: RenderObject {
        var caseName: String
        var tag: String
        var type: String
        var isIndirect: Bool
        /// Whether the variant's model has constraints to check.
        var isValidatable: Bool

        static let keys = RenderKeys<Self>(
            .variant, "A union variant.",
            [
                .text("caseName", "The Swift case.") { $0.caseName },
                .text("tag", "The discriminator value, escaped for a string literal.") { $0.tag },
                .text("type", "The Swift type of the variant's payload.") { $0.type },
                .flag("isIndirect", "Whether the variant leads back to the union (an `indirect` case).") {
                    $0.isIndirect
                },
                .flag("isValidatable", "Whether the variant's model has constraints to check.") { $0.isValidatable },
            ])
    }
}
