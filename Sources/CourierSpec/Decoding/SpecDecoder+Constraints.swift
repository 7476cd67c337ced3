import Foundation

extension SpecDecoder {
    /// The constraint keywords among a property's or parameter's fields. Each value is checked on
    /// its own here and bounds against each other; whether they fit the type is the validator's
    /// part, since that needs the models.
    mutating func constraints(_ fields: Fields) -> Constraints {
        var constraints = Constraints()
        for key in SpecKeys.constraints where fields.has(key) {
            constraints.locations[key] = fields.keyLocation(key)
        }
        constraints.minimum = fields["minimum"].flatMap { numberLimit($0, what: "'minimum'") }
        constraints.maximum = fields["maximum"].flatMap { numberLimit($0, what: "'maximum'") }
        constraints.exclusiveMinimum = fields["exclusiveMinimum"].flatMap {
            numberLimit($0, what: "'exclusiveMinimum'")
        }
        constraints.exclusiveMaximum = fields["exclusiveMaximum"].flatMap {
            numberLimit($0, what: "'exclusiveMaximum'")
        }
        constraints.minLength = fields["minLength"].flatMap { count($0, what: "'minLength'") }
        constraints.maxLength = fields["maxLength"].flatMap { count($0, what: "'maxLength'") }
        constraints.minItems = fields["minItems"].flatMap { count($0, what: "'minItems'") }
        constraints.maxItems = fields["maxItems"].flatMap { count($0, what: "'maxItems'") }
        constraints.minProperties = fields["minProperties"].flatMap { count($0, what: "'minProperties'") }
        constraints.maxProperties = fields["maxProperties"].flatMap { count($0, what: "'maxProperties'") }
        if let node = fields["uniqueItems"] {
            switch node.scalar.map({ ($0.style, $0.value) }) {
            case (.plain, "true")?: constraints.uniqueItems = true
            case (.plain, "false")?: constraints.uniqueItems = false
            default: error("'uniqueItems' is true or false, not \(describe(node))", at: node.location)
            }
        }
        if let node = fields["pattern"], let pattern = string(node, what: "'pattern'") {
            if let problem = Self.patternProblem(pattern) {
                error("'pattern' is not a regular expression: \(problem)", at: node.location)
            } else {
                constraints.pattern = pattern
            }
        }
        if let node = fields["format"], let format = string(node, what: "'format'") {
            if Constraints.formats.contains(format) {
                constraints.format = format
            } else {
                let names = Constraints.formats
                let hint = Suggestions.closest(to: format, among: names).map { "; did you mean '\($0)'?" } ?? ""
                error("'format' is one of \(quotedList(names)), not '\(format)'\(hint)", at: node.location)
            }
        }
        checkOrder(constraints.minLength, constraints.maxLength, "minLength", "maxLength", in: fields)
        checkOrder(constraints.minItems, constraints.maxItems, "minItems", "maxItems", in: fields)
        checkOrder(constraints.minProperties, constraints.maxProperties, "minProperties", "maxProperties", in: fields)
        checkBounds(constraints, in: fields)
        return constraints
    }

    /// Why `pattern` does not compile as the generated code compiles it, or `nil`.
    static func patternProblem(_ pattern: String) -> String? {
        do {
            _ = try NSRegularExpression(pattern: pattern)
            return nil
        } catch {
            return "ICU cannot compile it"
        }
    }

    private mutating func numberLimit(_ node: YAMLNode, what: String) -> NumberLimit? {
        guard let scalar = node.scalar, scalar.style == .plain, Self.isPlainNumber(scalar.value) else {
            error(
                "\(what) must be a number written in digits, such as 1, -40 or 0.5, not \(describe(node))",
                at: node.location)
            return nil
        }
        let limit = NumberLimit(text: scalar.value, location: node.location)
        // Whole numbers must fit 64 bits; others are kept as a decimal significand, which must too.
        let digits = scalar.value.filter(\.isNumber).drop { $0 == "0" }
        guard limit.wholeValue != nil || (!limit.isWhole && digits.count <= 18) else {
            error("\(what) does not fit 64 bits (at most 18 significant digits with a fraction)", at: node.location)
            return nil
        }
        return limit
    }

    /// `-?[0-9]+(\.[0-9]+)?`: the numbers bounds are written in.
    private static func isPlainNumber(_ text: String) -> Bool {
        var rest = Substring(text)
        if rest.first == "-" { rest = rest.dropFirst() }
        let parts = rest.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        return parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }

    private mutating func count(_ node: YAMLNode, what: String) -> Int? {
        integer(node, what: what, in: 0...Int(Int32.max))
    }

    private mutating func checkOrder(_ low: Int?, _ high: Int?, _ lowKey: String, _ highKey: String, in fields: Fields)
    {
        guard let low, let high, low > high else { return }
        error("'\(lowKey)' (\(low)) is more than '\(highKey)' (\(high))", at: fields.keyLocation(lowKey))
    }

    private mutating func checkBounds(_ constraints: Constraints, in fields: Fields) {
        let lows = [("minimum", constraints.minimum), ("exclusiveMinimum", constraints.exclusiveMinimum)]
        let highs = [("maximum", constraints.maximum), ("exclusiveMaximum", constraints.exclusiveMaximum)]
        if constraints.minimum != nil, constraints.exclusiveMinimum != nil {
            error("'minimum' and 'exclusiveMinimum' cannot both be set", at: fields.keyLocation("exclusiveMinimum"))
        }
        if constraints.maximum != nil, constraints.exclusiveMaximum != nil {
            error("'maximum' and 'exclusiveMaximum' cannot both be set", at: fields.keyLocation("exclusiveMaximum"))
        }
        for (lowKey, low) in lows {
            for (highKey, high) in highs {
                guard let low, let high else { continue }
                let inclusive = lowKey == "minimum" && highKey == "maximum"
                let empty = inclusive ? low.value > high.value : low.value >= high.value
                if empty {
                    let relation = inclusive ? "is above" : "leaves no value below"
                    error("'\(lowKey)' (\(low.text)) \(relation) '\(highKey)' (\(high.text))", at: low.location)
                }
            }
        }
    }
}
