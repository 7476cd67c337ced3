import Foundation
import HTTPTypes

/// Reads `Retry-After` (RFC 9110 §10.2.3): a number of seconds, or an HTTP date.
public enum RetryAfter {
    /// The wait a response asks for, or `nil` when it has no usable `Retry-After`.
    ///
    /// A date is measured from the response's `Date` field when it has one (so clock skew between
    /// client and server does not matter), else from `now`; a date in the past means no wait.
    public static func wait(in response: HTTPResponse, now: Date) -> Duration? {
        guard let value = response.headerFields[.retryAfter] else { return nil }
        let reference = response.headerFields[.date].flatMap(parseDate) ?? now
        return parse(value, now: reference)
    }

    /// Parses a `Retry-After` value against `now`.
    public static func parse(_ value: String, now: Date) -> Duration? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if !trimmed.isEmpty, trimmed.allSatisfy(\.isASCII), trimmed.allSatisfy(\.isNumber) {
            guard let seconds = Int64(trimmed) else { return .seconds(Int64.max / 1_000_000_000) }
            return .seconds(seconds)
        }
        guard let date = parseDate(trimmed) else { return nil }
        let interval = date.timeIntervalSince(now)
        return interval <= 0 ? .zero : .milliseconds(Int64((interval * 1000).rounded()))
    }

    /// Parses the three HTTP date forms (RFC 9110 §5.6.7): IMF-fixdate
    /// (`Sun, 06 Nov 1994 08:49:37 GMT`), RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime
    /// (`Sun Nov  6 08:49:37 1994`).
    static func parseDate(_ text: String) -> Date? {
        let tokens = text.split { $0 == " " || $0 == "," || $0 == "-" || $0 == ":" }.map(String.init)
        let day: Int?
        let month: Int?
        let year: Int?
        let clock: ArraySlice<String>
        switch tokens.count {
        case 8 where tokens[7] == "GMT":
            (day, month, year, clock) = (
                Int(tokens[1]), months.firstIndex(of: tokens[2]), Int(tokens[3]), tokens[4...6]
            )
        case 7:
            (day, month, year, clock) = (
                Int(tokens[2]), months.firstIndex(of: tokens[1]), Int(tokens[6]), tokens[3...5]
            )
        default:
            return nil
        }
        let time = clock.compactMap { Int($0) }
        guard let day, let month, var year, time.count == 3 else { return nil }
        if year < 100 { year += year < 50 ? 2000 : 1900 }
        var components = DateComponents()
        (components.year, components.month, components.day) = (year, month + 1, day)
        (components.hour, components.minute, components.second) = (time[0], time[1], time[2])
        guard let gmt = TimeZone(identifier: "GMT") else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = gmt
        guard components.isValidDate(in: calendar) else { return nil }
        return calendar.date(from: components)
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}
