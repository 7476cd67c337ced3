import CourierSpec
import Foundation

/// How spec names, types and values are spelled in Swift.
///
/// Standard-library and Foundation types are fully qualified (`Swift.String`), so a model named
/// `String` or `URL` cannot change what generated code means.
struct SwiftSpelling {
    /// The models visible to the spec being rendered, by spec name.
    let models: [String: Model]

    init(spec: Spec) {
        var models: [String: Model] = [:]
        for model in spec.allModels { models[model.name] = model }
        self.models = models
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

    /// An identifier as an argument label in a call: backticks only where a label needs them.
    static func label(_ identifier: String) -> String {
        let bare = identifier.replacingOccurrences(of: "`", with: "")
        return ["inout", "var", "let"].contains(bare) ? "`\(bare)`" : bare
    }

    /// `memberName` without backticks, for building longer names such as `getPaymentHandler`.
    static func bareMemberName(_ specName: String) -> String {
        SwiftNaming.lowerCamelCase(specName)
    }

    /// The contents of a Swift string literal (without the quotes) that reads back as `text`.
    static func literal(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\0": result += "\\0"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    result += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    /// Text as doc-comment lines (`/// text`, or `///` for a blank line).
    static func docLines(_ text: String?) -> [String] {
        commented(plainLines(text))
    }

    /// Lines prefixed with `///`, without trailing spaces.
    static func commented(_ lines: [String]) -> [String] {
        lines.map { $0.isEmpty ? "///" : "/// " + $0 }
    }

    /// Text split into lines, without leading or trailing blank lines or trailing spaces.
    static func plainLines(_ text: String?) -> [String] {
        guard let text else { return [] }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            String($0).replacingOccurrences(of: "\t", with: "    ").trimmingTrailingWhitespace()
        }
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
        }
    }

    /// The type with aliases replaced by what they stand for, at the top level.
    func unaliased(_ expression: TypeExpression) -> TypeExpression {
        var current = expression
        var seen: Set<String> = []
        while case .model(let name) = current, case .alias(let target)? = models[name]?.kind, seen.insert(name).inserted {
            current = target.expression
        }
        return current
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
            return "[" + order.compactMap { key in
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
                : "[" + order.compactMap { key in values[key].map { "\"\(Self.literal(key))\": \(jsonLiteral($0))" } }
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
        return "Foundation.Decimal(sign: .\(negative ? "minus" : "plus"), exponent: \(exponent), significand: \(significand))"
    }

    /// A `UUID` built from its bytes, which needs no force unwrap.
    static func uuid(_ text: String) -> String {
        guard let uuid = UUID(uuidString: text) else { return "Foundation.UUID()" }
        let bytes = withUnsafeBytes(of: uuid.uuid) { Array($0) }
        let hex = bytes.map { "0x" + String($0, radix: 16, uppercase: true).leftPadded(to: 2) }
        return "Foundation.UUID(uuid: (\(hex.joined(separator: ", "))))"
    }
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var result = self
        while let last = result.last, last == " " { result.removeLast() }
        return result
    }

    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
