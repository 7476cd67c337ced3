import Foundation

/// The JSON coders generated clients use: ISO 8601 dates with or without fractional seconds,
/// base64 for bytes. Use them when you encode or decode generated models yourself.
public enum JSONCoding {
    /// A new encoder with the runtime's settings. Keys keep the order models declare them in.
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(ISO8601.string(from: date))
        }
        encoder.dataEncodingStrategy = .base64
        return encoder
    }

    /// A new decoder with the runtime's settings.
    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = ISO8601.date(from: text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "'\(text)' is not an ISO 8601 date-time")
            }
            return date
        }
        decoder.dataDecodingStrategy = .base64
        return decoder
    }
}

/// ISO 8601 date-times as the runtime writes and reads them.
enum ISO8601 {
    private static let whole = Date.ISO8601FormatStyle(includingFractionalSeconds: false, timeZone: .gmt)
    private static let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

    /// `2026-11-21T09:30:00Z`, or `2026-11-21T09:30:00.250Z` when there are fractional seconds.
    static func string(from date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        return seconds == seconds.rounded(.down) ? whole.format(date) : fractional.format(date)
    }

    /// Reads a date-time with or without fractional seconds, in UTC or with an offset.
    static func date(from text: String) -> Date? {
        if let date = try? whole.parse(text) { return date }
        return try? fractional.parse(text)
    }
}

/// A calendar day without a time or time zone: the spec's `date`, written `YYYY-MM-DD`.
public struct CalendarDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The year, such as 2026.
    public var year: Int
    /// The month, 1 to 12.
    public var month: Int
    /// The day of the month, 1 to 31.
    public var day: Int

    /// Creates a day from its parts. Parts out of range are kept as given; servers judge them.
    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Reads `YYYY-MM-DD`; `nil` for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The day on which `date` falls in `timeZone`.
    public init(_ date: Date, in timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        self.init(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1)
    }

    /// Decodes `YYYY-MM-DD`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = CalendarDate(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not a YYYY-MM-DD date")
        }
        self = value
    }

    /// Encodes `YYYY-MM-DD`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// Earlier days order first.
    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }
}

/// Any JSON value: the spec's `json` type.
public enum JSONValue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number, kept as a `Double`.
    case number(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object; key order is not kept.
    case object([String: JSONValue])

    /// Decodes any JSON value.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Encodes the value.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// The value as compact JSON text.
    public var description: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(self) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    /// `null`.
    public init(nilLiteral: ()) { self = .null }
    /// A boolean.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// A number.
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    /// A number.
    public init(floatLiteral value: Double) { self = .number(value) }
    /// A string.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An array.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// An object; a repeated key keeps its last value.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

/// Stores a value out of line, so a model can contain itself through an optional.
///
/// Generated models use it for properties that lead back to their own type; the property itself
/// reads and writes the plain value.
public struct Indirect<Value: Sendable>: Sendable {
    private final class Storage: Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }

    private var storage: Storage

    /// Boxes `value`.
    public init(_ value: Value) {
        storage = Storage(value)
    }

    /// The boxed value.
    public var value: Value {
        get { storage.value }
        set { storage = Storage(newValue) }
    }
}

extension Indirect: Equatable where Value: Equatable {
    /// Compares the boxed values.
    public static func == (lhs: Indirect, rhs: Indirect) -> Bool { lhs.value == rhs.value }
}

extension Indirect: Hashable where Value: Hashable {
    /// Hashes the boxed value.
    public func hash(into hasher: inout Hasher) { hasher.combine(value) }
}

/// Values written in a spec that Swift has no literal for; the generator has already checked them.
public enum SpecLiteral {
    /// The URL the spec wrote. The generator accepted only strings `URL(string:)` reads, so the
    /// fallback, the root file URL, is never reached.
    public static func url(_ text: String) -> URL {
        URL(string: text) ?? URL(fileURLWithPath: "/")
    }

    /// The ISO 8601 date-time the spec wrote. The generator accepted only valid ones, so the
    /// fallback, the Unix epoch, is never reached.
    public static func dateTime(_ text: String) -> Date {
        ISO8601.date(from: text) ?? Date(timeIntervalSince1970: 0)
    }

    /// The UUID the spec wrote. The generator accepted only strings `UUID(uuidString:)` reads, so
    /// the fallback, the nil UUID, is never reached.
    public static func uuid(_ text: String) -> UUID {
        UUID(uuidString: text) ?? UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
    }

    /// The decimal number the spec wrote, for numbers with more significant digits than an
    /// integer literal holds. The generator accepted only numbers `Decimal` reads, so the
    /// fallback, zero, is never reached.
    public static func decimal(_ text: String) -> Decimal {
        Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) ?? 0
    }
}

/// A coding key made from any string, for discriminators and objects without fixed keys.
public struct DynamicCodingKey: CodingKey, Sendable, Hashable {
    /// The key.
    public let stringValue: String

    /// Never set: these keys name object members only.
    public var intValue: Int? { nil }

    /// A key for `stringValue`.
    public init(_ stringValue: String) {
        self.stringValue = stringValue
    }

    /// A key for `stringValue`.
    public init?(stringValue: String) {
        self.stringValue = stringValue
    }

    /// Integer keys are not used.
    public init?(intValue: Int) {
        nil
    }
}

/// Encoding and decoding of one-of unions: the discriminator field names the variant.
@_spi(Generated)
public enum Discriminator {
    /// Reads the discriminator field `key` of the object being decoded.
    public static func tag(from decoder: any Decoder, key: String) throws -> String {
        let container = try decoder.container(keyedBy: DynamicCodingKey.self)
        return try container.decode(String.self, forKey: DynamicCodingKey(key))
    }

    /// Encodes `value` and sets its discriminator field `key` to `tag`, whatever the value holds.
    public static func encode(_ value: some Encodable, tag: String, key: String, to encoder: any Encoder) throws {
        try value.encode(to: encoder)
        var container = encoder.container(keyedBy: DynamicCodingKey.self)
        try container.encode(tag, forKey: DynamicCodingKey(key))
    }
}
