import CourierSpec

extension RenderModelBuilder {
    func model(_ model: Model) -> Render.Model {
        let form: Render.Model.Form
        switch model.kind {
        case .object(let properties):
            form = .structure(
                RenderList(properties.map { property($0, of: model) }),
                checks: RenderList(properties.flatMap { constraintChecks(of: $0, in: model) }))
        case .enumeration(let cases):
            form = .enumeration(
                RenderList(
                    cases.map { enumCase in
                        Render.EnumCase(
                            name: SwiftSpelling.memberName(enumCase.value),
                            value: SwiftSpelling.literal(enumCase.value),
                            docLines: SwiftSpelling.docLines(enumCase.description))
                    }))
        case .oneOf(let discriminator, _, let variants):
            form = .union(
                discriminator: SwiftSpelling.literal(discriminator),
                RenderList(
                    variants.map { variant in
                        Render.Variant(
                            caseName: SwiftSpelling.memberName(variant.tag),
                            tag: SwiftSpelling.literal(variant.tag),
                            type: spelling.type(variant.model.expression),
                            isIndirect: recursiveEdges.contains(model.name + "." + variant.tag),
                            isValidatable: isValidatable(variant.model.expression))
                    }))
        case .alias(let target):
            form = .alias(spelling.type(target.expression))
        }
        return Render.Model(
            name: SwiftSpelling.typeName(model.name),
            specName: model.name,
            docLines: SwiftSpelling.docLines(model.description),
            deprecation: deprecation(model.deprecation),
            form: form,
            isValidatable: validatableModels.contains(model.name))
    }

    /// The checks of a property in its model's `validate()`, on the stored value so that a
    /// deprecated property's accessor is not used.
    private func constraintChecks(of property: Property, in model: Model) -> [Render.ConstraintCheck] {
        let boxed = recursiveEdges.contains(model.name + "." + property.name)
        let stored = !boxed && property.deprecation == nil
        let value =
            stored
            ? "self." + SwiftSpelling.memberName(property.name)
            : "self._" + SwiftSpelling.bareMemberName(property.name) + (boxed ? ".value" : "")
        return constraintChecks(
            property.constraints, of: property.type.expression, value: value, key: property.jsonName)
    }

    private func property(_ property: Property, of model: Model) -> Render.Property {
        let expression = property.type.expression
        let optional = spelling.isOptional(expression)
        let name = SwiftSpelling.memberName(property.name)
        let bareName = SwiftSpelling.bareMemberName(property.name)
        return Render.Property(
            name: name,
            bareName: bareName,
            jsonKey: SwiftSpelling.literal(property.jsonName),
            hasCustomJSONKey: property.jsonName != bareName,
            type: spelling.type(expression),
            decodeType: spelling.type(optional ? unwrapped(expression) : expression),
            isOptional: optional,
            defaultValue: property.defaultValue.map { spelling.defaultValue($0, of: expression) },
            isBoxed: recursiveEdges.contains(model.name + "." + property.name),
            docLines: SwiftSpelling.docLines(property.description),
            deprecation: deprecation(property.deprecation))
    }

    /// The type without its outer optional, looking through aliases only when the alias is optional.
    private func unwrapped(_ expression: TypeExpression) -> TypeExpression {
        if case .optional(let wrapped) = expression { return wrapped }
        return spelling.unaliased(expression).nonOptional
    }
}
