extension SpecDecoder {
    // MARK: - Reporting

    mutating func error(_ message: String, at location: SourceLocation, notes: [Diagnostic.Note] = []) {
        diagnostics.append(.error(message, at: location, notes: notes))
    }

    mutating func warning(_ message: String, at location: SourceLocation) {
        diagnostics.append(.warning(message, at: location))
    }

    // MARK: - Collections

    /// The mapping's entries, with every key outside `allowed` reported (with the closest allowed key).
    ///
    /// Keys that start with `x-` are extensions: ignored, so a spec can keep anchors and notes for other tools.
    mutating func fields(_ node: YAMLNode, allowed: [String], in what: String) -> Fields? {
        guard let entries = mapping(node, what: what) else { return nil }
        for entry in entries {
            guard let key = entry.key.scalarValue, !allowed.contains(key), !SpecKeys.isExtension(key) else { continue }
            let hint =
                Suggestions.closest(to: key, among: allowed).map { "; did you mean '\($0)'?" }
                ?? "; expected one of \(quotedList(allowed))"
            error("unknown key '\(key)' in \(what)\(hint)", at: entry.key.location)
        }
        return Fields(node: node, entries: entries.filter { $0.key.scalarValue.map(allowed.contains) ?? false })
    }

    mutating func mapping(_ node: YAMLNode, what: String) -> [YAMLNode.Entry]? {
        if let entries = node.entries { return entries }
        if node.scalar?.isNull == true, node.scalar?.style == .plain { return [] }
        error("\(what) must be a mapping of 'key: value' entries, not \(node.kindDescription)", at: node.location)
        return nil
    }

    mutating func sequence(_ node: YAMLNode, what: String) -> [YAMLNode]? {
        if let items = node.items { return items }
        error("\(what) must be a list, as in '[a, b]', not \(node.kindDescription)", at: node.location)
        return nil
    }

    // MARK: - Scalars

    mutating func string(_ node: YAMLNode, what: String) -> String? {
        guard let scalar = node.scalar, !scalar.isNull else {
            error("\(what) must be a string, not \(node.kindDescription)", at: node.location)
            return nil
        }
        return scalar.value
    }

    mutating func integer(_ node: YAMLNode, what: String, in range: ClosedRange<Int>? = nil) -> Int? {
        guard let scalar = node.scalar, scalar.style == .plain, let value = Int(scalar.value) else {
            error("\(what) must be a whole number, not \(describe(node))", at: node.location)
            return nil
        }
        if let range, !range.contains(value) {
            error(
                "\(what) must be between \(range.lowerBound) and \(range.upperBound), not \(value)", at: node.location)
            return nil
        }
        return value
    }

    mutating func number(_ node: YAMLNode, what: String) -> Double? {
        guard let scalar = node.scalar, scalar.style == .plain, let value = Double(scalar.value), value.isFinite else {
            error("\(what) must be a number, not \(describe(node))", at: node.location)
            return nil
        }
        return value
    }

    mutating func duration(_ node: YAMLNode, what: String) -> Duration? {
        guard let scalar = node.scalar, !scalar.isNull, let value = SpecUnits.duration(scalar.value) else {
            error("\(what) must be a duration such as 250ms, 10s, 5m or 1h, not \(describe(node))", at: node.location)
            return nil
        }
        return value
    }

    mutating func positiveDuration(_ node: YAMLNode, what: String) -> Duration? {
        guard let value = duration(node, what: what) else { return nil }
        guard value > .zero else {
            error("\(what) must be longer than zero", at: node.location)
            return nil
        }
        return value
    }

    mutating func percentage(_ node: YAMLNode, what: String) -> Double? {
        guard let scalar = node.scalar, let value = SpecUnits.percentage(scalar.value) else {
            error("\(what) must be a percentage such as 50%, not \(describe(node))", at: node.location)
            return nil
        }
        guard value > 0, value <= 1 else {
            error("\(what) must be above 0% and at most 100%", at: node.location)
            return nil
        }
        return value
    }

    /// Whether the node is the word `none`, which switches a policy off.
    func isNone(_ node: YAMLNode) -> Bool {
        node.scalar?.style == .plain && node.scalarValue == "none"
    }

    /// `deprecated: true`, `deprecated: false` or `deprecated: "use X instead"`.
    mutating func deprecation(_ node: YAMLNode) -> Deprecation? {
        guard let scalar = node.scalar, !scalar.isNull else {
            error(
                "'deprecated' is true, false or a message saying what to use instead, not \(node.kindDescription)",
                at: node.location)
            return nil
        }
        if scalar.style == .plain, scalar.value == "true" { return Deprecation() }
        if scalar.style == .plain, scalar.value == "false" { return nil }
        return Deprecation(message: scalar.value)
    }

    /// A type expression, with a syntax error reported at its exact column.
    mutating func typeReference(_ node: YAMLNode) -> TypeReference? {
        guard let scalar = node.scalar, !scalar.isNull else {
            error(
                "expected a type such as 'string', 'list<Payment>' or 'int32?', found \(node.kindDescription)",
                at: node.location)
            return nil
        }
        if let expression = parsedTypes[scalar.value] { return TypeReference(expression, at: node.location) }
        switch TypeExpression.parse(scalar.value) {
        case .success(let expression):
            parsedTypes[scalar.value] = expression
            return TypeReference(expression, at: node.location)
        case .failure(let problem):
            var at = node.location
            if scalar.style == .plain || scalar.style == .singleQuoted || scalar.style == .doubleQuoted {
                at.column += problem.offset + (scalar.style == .plain ? 0 : 1)
            }
            error(problem.message, at: at)
            return nil
        }
    }

    /// A default value as written; its fit with the type is checked by the validator.
    mutating func defaultValue(_ node: YAMLNode) -> DefaultValue? {
        switch node.content {
        case .scalar(let scalar):
            if scalar.isNull {
                error("a default cannot be null; make the type optional instead", at: node.location)
                return nil
            }
            guard scalar.style == .plain else { return .string(scalar.value) }
            if scalar.value == "true" { return .bool(true) }
            if scalar.value == "false" { return .bool(false) }
            if let integer = Int64(scalar.value) { return .integer(integer) }
            if let number = Self.canonicalNumber(scalar.value) { return .number(number) }
            return .string(scalar.value)
        case .sequence(let items):
            var values: [DefaultValue] = []
            for item in items {
                guard let value = defaultValue(item) else { return nil }
                values.append(value)
            }
            return .list(values)
        case .mapping(let entries):
            var values: [String: DefaultValue] = [:]
            var order: [String] = []
            for entry in entries {
                guard let key = entry.key.scalarValue, let value = defaultValue(entry.value) else { return nil }
                values[key] = value
                order.append(key)
            }
            return .map(values, order: order)
        }
    }

    /// A decimal number as YAML's core schema writes one (`1.5`, `-.5`, `2e-3`, `+7.`), in the
    /// one spelling that is also a Swift and JSON literal (`1.5`, `-0.5`, `2e-3`, `7.0`); `nil`
    /// for anything else, hexadecimal and `inf` included.
    static func canonicalNumber(_ text: String) -> String? {
        var bytes = Substring(text).utf8[...]
        var sign = ""
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            if first == UInt8(ascii: "-") { sign = "-" }
            bytes = bytes.dropFirst()
        }
        func digits(_ from: inout Substring.UTF8View.SubSequence) -> String {
            let run = from.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            from = from.dropFirst(run.count)
            return String(decoding: run, as: UTF8.self)
        }
        var whole = digits(&bytes)
        var fraction = ""
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            fraction = digits(&bytes)
        } else if whole.isEmpty {
            return nil
        }
        guard !(whole.isEmpty && fraction.isEmpty) else { return nil }
        var exponent = ""
        if let marker = bytes.first, marker == UInt8(ascii: "e") || marker == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            var exponentSign = ""
            if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
                if first == UInt8(ascii: "-") { exponentSign = "-" }
                bytes = bytes.dropFirst()
            }
            let exponentDigits = digits(&bytes)
            guard !exponentDigits.isEmpty else { return nil }
            exponent = "e" + exponentSign + exponentDigits
        }
        guard bytes.isEmpty else { return nil }
        if whole.isEmpty { whole = "0" }
        if fraction.isEmpty { fraction = "0" }
        return sign + whole + "." + fraction + exponent
    }

    /// How a node reads in a message: `'abc'` for a scalar, else its kind.
    func describe(_ node: YAMLNode) -> String {
        guard let scalar = node.scalar, !scalar.isNull else { return node.kindDescription }
        return scalar.style == .plain ? "'\(scalar.value)'" : "the string '\(scalar.value)'"
    }

    /// Whether `name` is an HTTP field name (an RFC 9110 token).
    func isHeaderName(_ name: String) -> Bool {
        !name.isEmpty
            && name.unicodeScalars.allSatisfy { scalar in
                scalar.isASCII
                    && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                        || "!#$%&'*+-.^_`|~".unicodeScalars.contains(scalar))
            }
    }
}

/// `'a', 'b' or 'c'`.
func quotedList(_ words: [String]) -> String { Suggestions.quotedList(words) }
