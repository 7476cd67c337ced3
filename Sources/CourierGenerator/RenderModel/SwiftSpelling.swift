import CourierSpec
import Foundation

/// How spec names, types and values are spelled in Swift.
///
/// Standard-library and Foundation types are fully qualified (`Swift.String`), so a model named
/// `String` or `URL` cannot change what generated code means.
struct SwiftSpelling {
    /// The models visible to the spec being rendered, by spec name.
    let models: [String: Model]

    /// What each alias stands for once every alias it names at the top level is followed.
    let aliasTargets: [String: TypeExpression]

    init(spec: Spec) {
        var models: [String: Model] = [:]
        for model in spec.allModels { models[model.name] = model }
        self.models = models
        self.aliasTargets = Self.resolveAliases(models)
    }

    /// Follows each chain of aliases once, so looking through an alias costs the same however
    /// long the chain behind it is.
    static func resolveAliases(_ models: [String: Model]) -> [String: TypeExpression] {
        var resolved: [String: TypeExpression] = [:]
        for (name, model) in models {
            guard case .alias = model.kind, resolved[name] == nil else { continue }
            var chain: [String] = []
            var seen = Set<String>()
            var current = TypeExpression.model(name)
            while case .model(let next) = current, seen.insert(next).inserted {
                if let known = resolved[next] {
                    current = known
                    break
                }
                guard case .alias(let target)? = models[next]?.kind else { break }
                chain.append(next)
                current = target.expression
            }
            for alias in chain { resolved[alias] = current }
        }
        return resolved
    }

    // MARK: - Names

    /// A model's Swift type name.
    static func typeName(_ specName: String) -> String {
        SwiftNaming.escaped(SwiftNaming.upperCamelCase(specName))
    }

    /// A property, parameter, method or case name.
    static func memberName(_ specName: String) -> String {
        SwiftNaming.escaped(SwiftNaming.lowerCamelCase(specName))
    }

    /// An identifier as an argument label in a call: backticks only where a label needs them
    /// (`inout`; Swift warns about needless ones such as `let` and `var`).
    static func label(_ identifier: String) -> String {
        let bare = identifier.replacingOccurrences(of: "`", with: "")
        return bare == "inout" ? "`inout`" : bare
    }

    /// `memberName` without backticks, for building longer names such as `getPaymentHandler`.
    static func bareMemberName(_ specName: String) -> String {
        SwiftNaming.lowerCamelCase(specName)
    }

    /// The contents of a Swift string literal (without the quotes) that reads back as `text`.
    ///
    /// Quotes and backslashes are escaped, so nothing in the text can end the literal or start
    /// an interpolation, and every scalar ``TextSafety`` calls unsafe (line breaks, controls,
    /// bidirectional controls) is written as an escape, so the source line reads as it compiles.
    static func literal(_ text: String) -> String {
        if TextSafety.isPrintableASCII(text),
            !text.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") })
        {
            return text
        }
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            default:
                if TextSafety.isUnsafe(scalar) {
                    result += TextSafety.escape(scalar)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    /// Text for the inside of a one-line comment: line breaks and other unsafe scalars shown as
    /// escapes, so the comment cannot end early.
    static func commentText(_ text: String) -> String {
        TextSafety.singleLine(text)
    }

    /// Text as doc-comment lines (`/// text`, or `///` for a blank line).
    static func docLines(_ text: String?) -> [String] {
        commented(plainLines(text).flatMap(wrappedProse))
    }

    /// A line of prose longer than 100 characters, such as a folded YAML paragraph, broken
    /// between words; a line that starts indented (code, a nested list) is kept as written.
    private static func wrappedProse(_ line: String) -> [String] {
        guard line.count > 100, let first = line.first, !first.isWhitespace else { return [line] }
        return wrapped(line, firstWidth: 100, width: 100)
    }

    /// Lines prefixed with `///`, without trailing spaces.
    ///
    /// A line that holds a line break of any kind (CR, LS, …) becomes several comment lines, so
    /// no text given here can end up outside a comment.
    static func commented(_ lines: [String]) -> [String] {
        var result: [String] = []
        result.reserveCapacity(lines.count)
        for line in lines {
            for part in TextSafety.lines(line) {
                let trimmed = part.trimmingTrailingWhitespace()
                result.append(trimmed.isEmpty ? "///" : "/// " + trimmed)
            }
        }
        return result
    }

    /// `text` on lines at most `width` characters long (the first at most `firstWidth`), broken
    /// between words; a word longer than a line stays whole.
    static func wrapped(_ text: String, firstWidth: Int, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            let limit = lines.isEmpty ? firstWidth : width
            if !line.isEmpty, line.count + 1 + word.count > limit {
                lines.append(line)
                line = ""
            }
            line += line.isEmpty ? String(word) : " " + word
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }

    /// Text split into lines at every line break Swift or an editor knows, without leading or
    /// trailing blank lines or trailing spaces; tabs become four spaces and other control
    /// characters visible escapes.
    static func plainLines(_ text: String?) -> [String] {
        guard let text else { return [] }
        var lines = TextSafety.lines(text).map { $0.trimmingTrailingWhitespace() }
        while lines.last?.isEmpty == true { lines.removeLast() }
        while lines.first?.isEmpty == true { lines.removeFirst() }
        return lines
    }

    // MARK: - Types

    /// The Swift spelling of a spec type.
    func type(_ expression: TypeExpression) -> String {
        switch expression {
        case .primitive(let primitive): Self.primitive(primitive)
        case .model(let name): Self.typeName(name)
        case .list(let element): "[\(type(element))]"
        case .map(let value): "[Swift.String: \(type(value))]"
        case .optional(let wrapped): "\(type(wrapped))?"
        }
    }

    static func primitive(_ primitive: PrimitiveType) -> String {
        switch primitive {
        case .string: "Swift.String"
        case .bool: "Swift.Bool"
        case .int: "Swift.Int"
        case .int32: "Swift.Int32"
        case .int64: "Swift.Int64"
        case .float: "Swift.Float"
        case .double: "Swift.Double"
        case .decimal: "Foundation.Decimal"
        case .date: "CourierRuntime.CalendarDate"
        case .datetime: "Foundation.Date"
        case .uuid: "Foundation.UUID"
        case .url: "Foundation.URL"
        case .bytes: "Foundation.Data"
        case .json: "CourierRuntime.JSONValue"
        case .file: "CourierRuntime.FilePart"
        }
    }

    /// The type with aliases replaced by what they stand for, at the top level.
    func unaliased(_ expression: TypeExpression) -> TypeExpression {
        if case .model(let name) = expression, let target = aliasTargets[name] { return target }
        return expression
    }

    /// Whether the type, looking through aliases, is optional.
    func isOptional(_ expression: TypeExpression) -> Bool {
        unaliased(expression).isOptional
    }

    // MARK: - Default values

    /// A Swift expression for a spec default of the given type.
    func defaultValue(_ value: DefaultValue, of expression: TypeExpression) -> String {
        let type = unaliased(unaliased(expression).nonOptional)
        switch (type, value) {
        case (.primitive(.json), _):
            return jsonLiteral(value)
        case (.primitive(.decimal), .integer(let number)):
            return "Foundation.Decimal(\(number))"
        case (.primitive(.decimal), .number(let text)):
            return Self.decimal(text)
        case (.primitive(.uuid), .string(let text)):
            return Self.uuid(text)
        case (.primitive(.url), .string(let text)):
            return "CourierRuntime.SpecLiteral.url(\"\(Self.literal(text))\")"
        case (.primitive(.date), .string(let text)):
            let parts = text.split(separator: "-").compactMap { Int($0) }
            guard parts.count == 3 else { return "CourierRuntime.CalendarDate(year: 1970, month: 1, day: 1)" }
            return "CourierRuntime.CalendarDate(year: \(parts[0]), month: \(parts[1]), day: \(parts[2]))"
        case (.primitive(.datetime), .string(let text)):
            return "CourierRuntime.SpecLiteral.dateTime(\"\(Self.literal(text))\")"
        case (.model, .string(let text)):
            return "." + Self.memberName(text)
        case (.list(let element), .list(let items)):
            return "[" + items.map { defaultValue($0, of: element) }.joined(separator: ", ") + "]"
        case (.map(let element), .map(let values, let order)):
            if order.isEmpty { return "[:]" }
            return "["
                + order.compactMap { key in
                    values[key].map { "\"\(Self.literal(key))\": \(defaultValue($0, of: element))" }
                }.joined(separator: ", ") + "]"
        case (_, .string(let text)):
            return "\"\(Self.literal(text))\""
        case (_, .integer(let number)):
            return String(number)
        case (_, .number(let text)):
            return text
        case (_, .bool(let flag)):
            return flag ? "true" : "false"
        case (_, .list), (_, .map):
            return jsonLiteral(value)
        }
    }

    /// A `JSONValue` literal.
    private func jsonLiteral(_ value: DefaultValue) -> String {
        switch value {
        case .string(let text): "\"\(Self.literal(text))\""
        case .integer(let number): String(number)
        case .number(let text): text
        case .bool(let flag): flag ? "true" : "false"
        case .list(let items): "[" + items.map(jsonLiteral).joined(separator: ", ") + "] as CourierRuntime.JSONValue"
        case .map(let values, let order):
            order.isEmpty
                ? "[:] as CourierRuntime.JSONValue"
                : "["
                    + order.compactMap { key in values[key].map { "\"\(Self.literal(key))\": \(jsonLiteral($0))" } }
                    .joined(separator: ", ") + "] as CourierRuntime.JSONValue"
        }
    }

    /// An exact `Decimal` for a number written in the spec, such as `12.50` or `1e-3`.
    static func decimal(_ text: String) -> String {
        var mantissa = text.lowercased()
        var exponent = 0
        if let e = mantissa.firstIndex(of: "e") {
            exponent = Int(mantissa[mantissa.index(after: e)...]) ?? 0
            mantissa = String(mantissa[..<e])
        }
        var negative = false
        if mantissa.hasPrefix("-") {
            negative = true
            mantissa.removeFirst()
        } else if mantissa.hasPrefix("+") {
            mantissa.removeFirst()
        }
        if let dot = mantissa.firstIndex(of: ".") {
            exponent -= mantissa.distance(from: dot, to: mantissa.endIndex) - 1
            mantissa.remove(at: dot)
        }
        let digits = mantissa.drop { $0 == "0" }
        let significand = digits.isEmpty ? "0" : String(digits)
        // An integer literal holds at most 18 digits safely; longer significands are read at run time.
        guard significand.count <= 18 else { return "CourierRuntime.SpecLiteral.decimal(\"\(literal(text))\")" }
        return
            "Foundation.Decimal(sign: .\(negative ? "minus" : "plus"), exponent: \(exponent), significand: \(significand))"
    }

    /// A `UUID` built from its bytes, which needs no force unwrap.
    static func uuid(_ text: String) -> String {
        guard let uuid = UUID(uuidString: text) else { return "Foundation.UUID()" }
        return "CourierRuntime.SpecLiteral.uuid(\"\(uuid.uuidString)\")"
    }
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        guard utf8.last == UInt8(ascii: " ") else { return self }
        var result = self
        while let last = result.last, last == " " { result.removeLast() }
        return result
    }
}
