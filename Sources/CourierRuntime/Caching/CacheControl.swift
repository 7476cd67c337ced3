import Foundation
import HTTPTypes

/// The `Cache-Control` directives the response cache acts on (RFC 9111 §5.2, RFC 5861).
struct CacheControl: Equatable {
    var maxAge: Duration?
    var noStore = false
    var noCache = false
    var isPrivate = false
    var mustRevalidate = false
    var staleWhileRevalidate: Duration?
    var staleIfError: Duration?

    /// Reads the directives of every `Cache-Control` field in `fields`; unknown directives are ignored.
    init(_ fields: HTTPFields) {
        for value in fields[values: .cacheControl] {
            for directive in value.split(separator: ",") {
                let parts = directive.split(separator: "=", maxSplits: 1)
                guard let rawName = parts.first else { continue }
                let name = rawName.trimmingCharacters(in: .whitespaces).lowercased()
                let argument =
                    parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: ["\""]) : nil
                switch name {
                case "max-age": maxAge = Self.seconds(argument) ?? maxAge
                case "no-store": noStore = true
                case "no-cache": noCache = true
                case "private": isPrivate = true
                case "must-revalidate", "proxy-revalidate": mustRevalidate = true
                case "stale-while-revalidate": staleWhileRevalidate = Self.seconds(argument)
                case "stale-if-error": staleIfError = Self.seconds(argument)
                default: continue
                }
            }
        }
    }

    /// A delta-seconds argument; a malformed one is ignored, an enormous one is capped at a year.
    private static func seconds(_ argument: String?) -> Duration? {
        guard let argument, !argument.isEmpty, argument.allSatisfy(\.isASCIIDigit) else { return nil }
        guard let value = Int64(argument) else { return .seconds(365 * 86_400) }
        return .seconds(min(value, 365 * 86_400))
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isWholeNumber }
}
