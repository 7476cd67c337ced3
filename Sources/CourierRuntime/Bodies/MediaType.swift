import Foundation

/// A media type such as `application/json`: what an endpoint that accepts several body types
/// lets the caller choose with its `contentType:` argument.
public struct MediaType: Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The media type as written, parameters included.
    public let rawValue: String

    /// A media type from its text, such as `text/csv; charset=utf-8`.
    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    /// A media type from a literal.
    public init(stringLiteral value: String) {
        self.init(value)
    }

    /// The type and subtype in lower case, without parameters: what two spellings of one media
    /// type share.
    public var essence: String {
        let type = rawValue.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return type.trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// Whether the body is JSON: `application/json` or a `+json` type.
    public var isJSON: Bool { essence == "application/json" || essence.hasSuffix("+json") }

    /// `application/json`.
    public static let json: MediaType = "application/json"
    /// `application/x-www-form-urlencoded`.
    public static let formURLEncoded: MediaType = "application/x-www-form-urlencoded"
    /// `multipart/form-data`.
    public static let multipartFormData: MediaType = "multipart/form-data"

    /// The media type as written.
    public var description: String { rawValue }
}
