import Foundation

/// A value that can stand in a path segment, query item or header field: the spec's scalar types
/// and generated string enums.
public protocol ParameterValue: Sendable {
    /// The value as text, before any percent-encoding.
    var parameterText: String { get }
}

extension String: ParameterValue {
    /// The string itself.
    public var parameterText: String { self }
}

extension Bool: ParameterValue {
    /// `true` or `false`.
    public var parameterText: String { self ? "true" : "false" }
}

extension Int: ParameterValue {
    /// Decimal digits.
    public var parameterText: String { String(self) }
}

extension Int32: ParameterValue {
    /// Decimal digits.
    public var parameterText: String { String(self) }
}

extension Int64: ParameterValue {
    /// Decimal digits.
    public var parameterText: String { String(self) }
}

extension Double: ParameterValue {
    /// The shortest text that reads back as the same number.
    public var parameterText: String { description }
}

extension Float: ParameterValue {
    /// The shortest text that reads back as the same number.
    public var parameterText: String { description }
}

extension Decimal: ParameterValue {
    /// Plain decimal notation.
    public var parameterText: String { description }
}

extension UUID: ParameterValue {
    /// Lower-case hexadecimal with dashes, as most servers print UUIDs.
    public var parameterText: String { uuidString.lowercased() }
}

extension URL: ParameterValue {
    /// The absolute URL.
    public var parameterText: String { absoluteString }
}

extension Date: ParameterValue {
    /// ISO 8601 in UTC, with fractional seconds only when there are any.
    public var parameterText: String { ISO8601.string(from: self) }
}

extension CalendarDate: ParameterValue {
    /// `YYYY-MM-DD`.
    public var parameterText: String { description }
}

extension ParameterValue where Self: RawRepresentable, RawValue == String {
    /// The raw value.
    public var parameterText: String { rawValue }
}
