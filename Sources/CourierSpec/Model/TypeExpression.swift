/// A built-in type of the spec language.
public enum PrimitiveType: String, CaseIterable, Hashable, Sendable {
    /// Text.
    case string
    /// `true` or `false`.
    case bool
    /// A platform-width integer (`Swift.Int`).
    case int
    /// A 32-bit integer.
    case int32
    /// A 64-bit integer.
    case int64
    /// A 32-bit floating-point number.
    case float
    /// A 64-bit floating-point number.
    case double
    /// A base-10 number kept exactly (`Foundation.Decimal`).
    case decimal
    /// A calendar date, `2024-05-01` in JSON.
    case date
    /// A moment in time, ISO 8601 in JSON, with or without fractional seconds.
    case datetime
    /// A UUID in its textual form.
    case uuid
    /// An absolute URL.
    case url
    /// Raw bytes: base64 in JSON, the raw body as a request or response.
    case bytes
    /// Any JSON value.
    case json
    /// A file: a part of a `multipart/form-data` body with its file name and content type. Only
    /// the property of a model can be one.
    case file

    /// Whether values of this type can be written as a single path, query or header value.
    public var isSingleValue: Bool { self != .json && self != .bytes && self != .file }
}

/// A parsed type expression: `string`, `Payment`, `list<T>`, `map<T>`, and `T?` for optional.
public indirect enum TypeExpression: Hashable, Sendable, CustomStringConvertible {
    /// A built-in type.
    case primitive(PrimitiveType)
    /// A model, by name.
    case model(String)
    /// An ordered list of `T`.
    case list(TypeExpression)
    /// A JSON object with string keys and `T` values.
    case map(TypeExpression)
    /// `T` or absent/null.
    case optional(TypeExpression)

    /// The expression as a spec writes it.
    public var description: String {
        switch self {
        case .primitive(let primitive): primitive.rawValue
        case .model(let name): name
        case .list(let element): "list<\(element)>"
        case .map(let value): "map<\(value)>"
        case .optional(let wrapped): "\(wrapped)?"
        }
    }

    /// Whether the expression ends in `?`.
    public var isOptional: Bool {
        if case .optional = self { return true }
        return false
    }

    /// Whether the expression is `list<T>`.
    public var isListType: Bool {
        if case .list = self { return true }
        return false
    }

    /// Whether the expression is `map<T>`.
    public var isMapType: Bool {
        if case .map = self { return true }
        return false
    }

    /// The expression without a trailing `?`.
    public var nonOptional: TypeExpression {
        if case .optional(let wrapped) = self { return wrapped }
        return self
    }

    /// Every model name the expression mentions.
    public var referencedModels: [String] {
        switch self {
        case .primitive: []
        case .model(let name): [name]
        case .list(let inner), .map(let inner), .optional(let inner): inner.referencedModels
        }
    }

    /// The deepest `list<…>` and `map<…>` may nest in one expression. Every walk over an
    /// expression recurses once per level, so the parser refuses deeper ones.
    public static let maximumDepth = 32

    /// Parses a type expression; on failure, returns the problem and the 0-based character offset where it is.
    public static func parse(_ text: String) -> Result<TypeExpression, TypeExpressionError> {
        var parser = TypeExpressionParser(text: Array(text))
        return parser.parseWhole()
    }
}

/// Why a type expression could not be parsed.
public struct TypeExpressionError: Error, Hashable, Sendable {
    /// What is wrong, in plain words.
    public var message: String
    /// The 0-based character offset of the problem within the expression.
    public var offset: Int
}

/// A recursive-descent parser for type expressions.
private struct TypeExpressionParser {
    let text: [Character]
    var index = 0

    mutating func parseWhole() -> Result<TypeExpression, TypeExpressionError> {
        skipSpaces()
        if index == text.count {
            return .failure(.init(message: "a type is empty", offset: 0))
        }
        switch parseType() {
        case .failure(let error): return .failure(error)
        case .success(let type):
            skipSpaces()
            if index < text.count {
                return .failure(.init(message: "unexpected '\(text[index])' after type '\(type)'", offset: index))
            }
            return .success(type)
        }
    }

    mutating func skipSpaces() {
        while index < text.count, text[index] == " " { index += 1 }
    }

    mutating func parseType(depth: Int = 0) -> Result<TypeExpression, TypeExpressionError> {
        skipSpaces()
        guard depth < TypeExpression.maximumDepth else {
            return .failure(
                .init(
                    message: "a type nests 'list<…>' and 'map<…>' more than \(TypeExpression.maximumDepth) levels deep",
                    offset: index))
        }
        let start = index
        while index < text.count,
            text[index].isLetter || text[index].isNumber || text[index] == "_" || text[index] == "."
        {
            index += 1
        }
        let name = String(text[start..<index])
        if name.isEmpty {
            let found = index < text.count ? "'\(text[index])'" : "the end"
            return .failure(.init(message: "expected a type name, found \(found)", offset: index))
        }
        var type: TypeExpression
        skipSpaces()
        if name == "list" || name == "map" {
            guard index < text.count, text[index] == "<" else {
                return .failure(
                    .init(message: "'\(name)' needs an element type, as in '\(name)<string>'", offset: start))
            }
            index += 1
            let element: TypeExpression
            switch parseType(depth: depth + 1) {
            case .failure(let error): return .failure(error)
            case .success(let inner): element = inner
            }
            skipSpaces()
            if name == "map", index < text.count, text[index] == "," {
                return .failure(
                    .init(
                        message: "map keys are always strings; write 'map<V>' with the value type only", offset: index))
            }
            guard index < text.count, text[index] == ">" else {
                return .failure(.init(message: "expected '>' to close '\(name)<'", offset: index))
            }
            index += 1
            type = name == "list" ? .list(element) : .map(element)
        } else if let primitive = PrimitiveType(rawValue: name) {
            type = .primitive(primitive)
        } else {
            type = .model(name)
        }
        skipSpaces()
        if index < text.count, text[index] == "?" {
            index += 1
            type = .optional(type)
            skipSpaces()
            if index < text.count, text[index] == "?" {
                return .failure(
                    .init(message: "a type can be optional only once; remove the second '?'", offset: index))
            }
        }
        return .success(type)
    }
}
