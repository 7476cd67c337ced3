import Foundation

/// A number bound of the spec (`minimum: 1`), kept as written so that large and decimal limits
/// lose nothing.
public struct NumberLimit: Hashable, Sendable {
    /// The number in plain decimal notation: an optional `-`, digits, and an optional fraction.
    public var text: String
    /// Where the spec writes it.
    public var location: SourceLocation

    /// A bound written as `text` at `location`.
    public init(text: String, location: SourceLocation) {
        self.text = text
        self.location = location
    }

    /// The exact value, for comparing bounds with each other and with defaults.
    public var value: Decimal { Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) ?? 0 }

    /// Whether the number has no fractional part (`2.0` has none).
    public var isWhole: Bool {
        guard let dot = text.firstIndex(of: ".") else { return true }
        return text[text.index(after: dot)...].allSatisfy { $0 == "0" }
    }

    /// The whole number, when it is one and fits 64 bits.
    public var wholeValue: Int64? {
        guard isWhole else { return nil }
        return Int64(text.split(separator: ".", maxSplits: 1).first.map(String.init) ?? text)
    }
}

/// The constraints a spec declares on a property, parameter or header: JSON Schema's validation
/// keywords, checked by generated code before a request is sent.
///
/// Number bounds apply to numbers, lengths, `pattern` and `format` to strings, item counts and
/// `uniqueItems` to lists, entry counts to maps. On a list or map of numbers or strings, the number
/// and string rules apply to every item.
public struct Constraints: Hashable, Sendable {
    /// The smallest value allowed.
    public var minimum: NumberLimit?
    /// The largest value allowed.
    public var maximum: NumberLimit?
    /// A value every number must be above.
    public var exclusiveMinimum: NumberLimit?
    /// A value every number must be below.
    public var exclusiveMaximum: NumberLimit?
    /// The fewest characters (Unicode scalars) allowed.
    public var minLength: Int?
    /// The most characters allowed.
    public var maxLength: Int?
    /// A regular expression (ICU syntax) each string must match somewhere.
    public var pattern: String?
    /// A format each string must have: `email`, `uri`, `uuid`, `hostname`, `ipv4` or `ipv6`.
    public var format: String?
    /// The fewest items allowed in a list.
    public var minItems: Int?
    /// The most items allowed in a list.
    public var maxItems: Int?
    /// Whether no item of a list may equal another.
    public var uniqueItems: Bool
    /// The fewest entries allowed in a map.
    public var minProperties: Int?
    /// The most entries allowed in a map.
    public var maxProperties: Int?
    /// Where the spec writes each keyword, for diagnostics.
    public var locations: [String: SourceLocation]

    /// No constraints.
    public init() {
        uniqueItems = false
        locations = [:]
    }

    /// The formats `format:` accepts.
    public static let formats = ["email", "uri", "uuid", "hostname", "ipv4", "ipv6"]

    /// Whether nothing is constrained.
    public var isEmpty: Bool { !hasNumberRules && !hasTextRules && !hasListRules && !hasMapRules }

    /// Whether a number bound is set.
    public var hasNumberRules: Bool {
        minimum != nil || maximum != nil || exclusiveMinimum != nil || exclusiveMaximum != nil
    }

    /// Whether a length, a pattern or a format is set.
    public var hasTextRules: Bool { minLength != nil || maxLength != nil || pattern != nil || format != nil }

    /// Whether an item count or `uniqueItems` is set.
    public var hasListRules: Bool { minItems != nil || maxItems != nil || uniqueItems }

    /// Whether an entry count is set.
    public var hasMapRules: Bool { minProperties != nil || maxProperties != nil }
}
