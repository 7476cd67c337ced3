/// Parses the spec language's durations (`250ms`, `10s`, `1.5s`, `5m`, `1h`) and percentages (`50%`).
public enum SpecUnits {
    /// Parses a duration such as `250ms`, `10s`, `1.5s`, `5m` or `1h`; `nil` if the text is not one.
    public static func duration(_ text: String) -> Duration? {
        let units: [(suffix: String, milliseconds: Double)] = [
            ("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000),
        ]
        for unit in units where text.hasSuffix(unit.suffix) {
            let number = text.dropLast(unit.suffix.count)
            // "5ms" also ends in "s"; the longer suffix is tried first, and "5m" must not be read from "5ms".
            guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
                let value = Double(number), value.isFinite
            else { continue }
            let milliseconds = value * unit.milliseconds
            guard milliseconds <= 365 * 24 * 3_600_000 else { return nil }
            return .milliseconds(Int64(milliseconds.rounded()))
        }
        return nil
    }

    /// Parses a percentage such as `50%` or `12.5%` into a fraction (0.5, 0.125); `nil` if the text is not one.
    public static func percentage(_ text: String) -> Double? {
        guard text.hasSuffix("%") else { return nil }
        let number = text.dropLast()
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
            let value = Double(number)
        else { return nil }
        return value / 100
    }

    /// Writes a duration the way a spec would: `250ms`, `10s`, `5m`, `1h`.
    public static func format(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000
        if milliseconds % 3_600_000 == 0, milliseconds > 0 { return "\(milliseconds / 3_600_000)h" }
        if milliseconds % 60_000 == 0, milliseconds > 0 { return "\(milliseconds / 60_000)m" }
        if milliseconds % 1_000 == 0 { return "\(milliseconds / 1_000)s" }
        return "\(milliseconds)ms"
    }
}
