import CourierSpec

extension RenderModelBuilder {
    /// The models whose values have something to check: a constraint on a property, or a
    /// property, variant or alias that holds such a model. Computed over every visible model, so
    /// that files generated apart agree.
    static func findValidatableModels(spelling: SwiftSpelling, models: [Model]) -> Set<String> {
        var validatable: Set<String> = []
        var changed = true
        while changed {
            changed = false
            for model in models where !validatable.contains(model.name) {
                let needs: Bool
                switch model.kind {
                case .object(let properties):
                    needs = properties.contains {
                        !$0.constraints.isEmpty || holdsValidatable($0.type.expression, validatable, spelling)
                    }
                case .oneOf(_, _, let variants):
                    needs = variants.contains { holdsValidatable($0.model.expression, validatable, spelling) }
                case .alias(let target):
                    needs = holdsValidatable(target.expression, validatable, spelling)
                case .enumeration:
                    needs = false
                }
                if needs {
                    validatable.insert(model.name)
                    changed = true
                }
            }
        }
        return validatable
    }

    /// Whether a value of `expression` holds a model of `validatable`, through lists, maps,
    /// optionals and aliases.
    static func holdsValidatable(
        _ expression: TypeExpression, _ validatable: Set<String>, _ spelling: SwiftSpelling
    ) -> Bool {
        switch expression {
        case .model(let name): validatable.contains(name)
        case .list(let inner), .map(let inner), .optional(let inner): holdsValidatable(inner, validatable, spelling)
        case .primitive: false
        }
    }

    /// The checks of a value declared with `constraints` and of type `expression`: count rules
    /// on the list or map, number or string rules on what it holds, and the `validate()` of the
    /// models it holds.
    func constraintChecks(
        _ constraints: Constraints, of expression: TypeExpression, value: String, key: String
    ) -> [Render.ConstraintCheck] {
        let literalKey = SwiftSpelling.literal(key)
        var checks: [Render.ConstraintCheck] = []
        func add(_ type: String, _ labelled: [(String, String?)]) {
            let arguments = labelled.compactMap { label, value in value.map { "\(label): \($0)" } }
            checks.append(
                Render.ConstraintCheck(form: .rules(type: type, arguments: arguments), value: value, key: literalKey))
        }
        if constraints.hasListRules {
            add(
                "CourierRuntime.ListRules",
                [
                    ("minItems", constraints.minItems.map(String.init)),
                    ("maxItems", constraints.maxItems.map(String.init)),
                    ("uniqueItems", constraints.uniqueItems ? "true" : nil),
                ])
        }
        if constraints.hasMapRules {
            add(
                "CourierRuntime.MapRules",
                [
                    ("minProperties", constraints.minProperties.map(String.init)),
                    ("maxProperties", constraints.maxProperties.map(String.init)),
                ])
        }
        if constraints.hasTextRules {
            add(
                "CourierRuntime.TextRules",
                [
                    ("minLength", constraints.minLength.map(String.init)),
                    ("maxLength", constraints.maxLength.map(String.init)),
                    ("pattern", constraints.pattern.map { ".cached(\"\(SwiftSpelling.literal($0))\")" }),
                    ("format", constraints.format.map { ".\($0)" }),
                ])
        }
        if constraints.hasNumberRules, case .primitive(let number) = leaf(of: expression) {
            func literal(_ limit: NumberLimit?) -> String? {
                guard let limit else { return nil }
                switch number {
                case .decimal: return limit.wholeValue.map(String.init) ?? SwiftSpelling.decimal(limit.text)
                case .float, .double: return limit.text
                default: return limit.wholeValue.map(String.init) ?? limit.text
                }
            }
            add(
                "CourierRuntime.NumberRules<\(SwiftSpelling.primitive(number))>",
                [
                    ("minimum", literal(constraints.minimum)),
                    ("maximum", literal(constraints.maximum)),
                    ("exclusiveMinimum", literal(constraints.exclusiveMinimum)),
                    ("exclusiveMaximum", literal(constraints.exclusiveMaximum)),
                ])
        }
        if Self.holdsValidatable(deepUnaliased(expression), validatableModels, spelling) {
            checks.append(Render.ConstraintCheck(form: .member, value: value, key: literalKey))
        }
        return checks
    }

    /// Whether a value of `expression` is, or holds, a model with something to check.
    func isValidatable(_ expression: TypeExpression) -> Bool {
        Self.holdsValidatable(deepUnaliased(expression), validatableModels, spelling)
    }

    /// The number or string type that rules apply to, through lists, maps, optionals and aliases.
    private func leaf(of expression: TypeExpression) -> TypeExpression {
        switch deepUnaliased(expression) {
        case .list(let inner), .map(let inner), .optional(let inner): leaf(of: inner)
        case let other: other
        }
    }

    /// The expression with every alias, at every level, replaced by what it stands for.
    func deepUnaliased(_ expression: TypeExpression) -> TypeExpression {
        var seen: Set<String> = []
        var current = expression
        while case .model(let name) = current, seen.insert(name).inserted {
            let next = spelling.unaliased(current)
            if next == current { break }
            current = next
        }
        switch current {
        case .list(let inner): return .list(deepUnaliased(inner))
        case .map(let inner): return .map(deepUnaliased(inner))
        case .optional(let inner): return .optional(deepUnaliased(inner))
        default: return current
        }
    }
}
