import Foundation
import HTTPTypes

/// A request path whose interpolated values are each percent-encoded as exactly one path segment.
///
/// Generated code writes paths as interpolations, `"/v1/payments/\(id)/capture"`. A value
/// containing `/`, `?`, `#`, `%`, spaces, or being `.` or `..`, stays inside its segment and can
/// never change the route. An empty value is refused, since it would merge two segments.
@_spi(Generated)
public struct PathTemplate: Sendable, ExpressibleByStringInterpolation {
    /// The encoded path.
    public let encoded: String
    /// Why the path cannot be used, or `nil`.
    public let problem: String?

    /// A path without parameters, already percent-encoded.
    public init(stringLiteral value: String) {
        encoded = value
        problem = nil
    }

    /// A path with parameters.
    public init(stringInterpolation: Interpolation) {
        encoded = stringInterpolation.encoded
        problem = stringInterpolation.problem
    }

    /// Builds a ``PathTemplate`` from literal parts and encoded values.
    public struct Interpolation: StringInterpolationProtocol {
        var encoded = ""
        var problem: String?

        /// Reserves room for the path.
        public init(literalCapacity: Int, interpolationCount: Int) {
            encoded.reserveCapacity(literalCapacity + interpolationCount * 16)
        }

        /// Appends a literal part, which the generator has already percent-encoded.
        public mutating func appendLiteral(_ literal: String) {
            encoded += literal
        }

        /// Appends a parameter value as one percent-encoded path segment.
        public mutating func appendInterpolation(_ value: some ParameterValue) {
            let text = value.parameterText
            if text.isEmpty, problem == nil {
                problem = "a path parameter is empty"
            }
            encoded += PercentEncoding.pathSegment(text)
        }
    }
}

/// Percent-encoding as request building needs it.
public enum PercentEncoding {
    /// Encodes `text` as one path segment: everything but unreserved characters is escaped, and
    /// the dot segments `.` and `..` are escaped too.
    public static func pathSegment(_ text: String) -> String {
        if text == "." { return "%2E" }
        if text == ".." { return "%2E%2E" }
        return escapingAllButUnreserved(text)
    }

    /// Encodes a query item name or value: everything but unreserved characters is escaped
    /// (a space becomes `%20`, `+` becomes `%2B`).
    public static func queryComponent(_ text: String) -> String {
        escapingAllButUnreserved(text)
    }

    private static func escapingAllButUnreserved(_ text: String) -> String {
        var needsEscaping = false
        for byte in text.utf8 where !isUnreserved(byte) {
            needsEscaping = true
            break
        }
        guard needsEscaping else { return text }
        let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count * 3)
        for byte in text.utf8 {
            if isUnreserved(byte) {
                bytes.append(byte)
            } else {
                bytes.append(UInt8(ascii: "%"))
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }
}

/// One request under construction: the path, query items, header fields and body of a call.
///
/// Generated methods fill it in and hand it to ``ServiceRuntime/send(_:_:options:)``. Problems
/// (a header value with a line break, a body that cannot be encoded) are recorded, not thrown, and
/// the call fails with ``ClientError/invalidRequest(_:violation:)`` before anything is sent.
@_spi(Generated)
public struct RequestBuilder: Sendable {
    /// The method.
    public var method: HTTPRequest.Method
    /// The path below the server's prefix, percent-encoded.
    public var path: String
    /// Query items, each already `name=value` percent-encoded.
    public var queryItems: [String] = []
    /// Header fields.
    public var headerFields = HTTPFields()
    /// The body, with its content type among the header fields.
    public var body: Data?
    /// A body read as it is sent, instead of ``body``: a multipart body with files on disk.
    public var streamedBody: StreamedBody?
    /// The first problem found while building, or `nil`.
    public private(set) var problem: String?
    /// The constraint a parameter or the body breaks, when that is the ``problem``.
    public private(set) var violation: ConstraintViolation?

    /// Starts a request.
    public init(_ method: HTTPRequest.Method, path: PathTemplate) {
        self.method = method
        self.path = path.encoded
        self.problem = path.problem
    }

    /// Runs the constraint checks of one part of the request (`path`, `query`, `header` or
    /// `body`, the first component of a violation's path); a violation becomes the ``problem``.
    public mutating func validate(_ part: String, _ checks: () throws(ConstraintViolation) -> Void) {
        guard problem == nil else { return }
        do {
            try checks()
        } catch {
            let violation = error.inside(part)
            self.violation = violation
            problem = violation.description
        }
    }

    /// Adds a query item, or nothing when `value` is `nil`.
    public mutating func query(_ name: String, _ value: (some ParameterValue)?) {
        guard let value else { return }
        queryItems.append(
            PercentEncoding.queryComponent(name) + "=" + PercentEncoding.queryComponent(value.parameterText))
    }

    /// Adds one query item per element (`ids=1&ids=2`), or nothing when `values` is `nil`.
    public mutating func query(_ name: String, _ values: [some ParameterValue]?) {
        guard let values else { return }
        for value in values {
            query(name, value)
        }
    }

    /// Sets a header field, or nothing when `value` is `nil`. A value with CR, LF or NUL is refused.
    public mutating func header(_ name: String, _ value: (some ParameterValue)?) {
        guard let value else { return }
        setHeader(name, value.parameterText)
    }

    /// Sets a header field to the elements joined by `, `, or nothing when `values` is `nil`.
    public mutating func header(_ name: String, _ values: [some ParameterValue]?) {
        guard let values else { return }
        setHeader(name, values.map(\.parameterText).joined(separator: ", "))
    }

    /// Encodes `value` as the JSON body.
    public mutating func jsonBody(_ value: some Encodable, contentType: String = "application/json") {
        do {
            body = try JSONCoding.makeEncoder().encode(value)
            setHeader("Content-Type", contentType)
        } catch {
            record("the body cannot be encoded as JSON: \(error)")
        }
    }

    /// Sends `text` as UTF-8.
    public mutating func textBody(_ text: String, contentType: String) {
        body = Data(text.utf8)
        setHeader("Content-Type", contentType)
    }

    /// Sends `bytes` as they are.
    public mutating func bytesBody(_ bytes: Data, contentType: String) {
        body = bytes
        setHeader("Content-Type", contentType)
    }

    /// Encodes the model `value` as an `application/x-www-form-urlencoded` body: a `name=value`
    /// pair per property, one per element of a list, `nil` properties left out.
    public mutating func formBody(_ value: some Encodable) {
        do {
            body = try FormFields(value).urlEncoded()
            setHeader("Content-Type", MediaType.formURLEncoded.rawValue)
        } catch {
            record("the body cannot be encoded as a form: \(error)")
        }
    }

    /// Encodes the model `value` as a `multipart/form-data` body: a part per property, one per
    /// element of a list, `nil` properties left out; ``FilePart`` values are sent with their file
    /// name and content type. A body with a file on disk is a ``streamedBody``, read as it is sent.
    public mutating func multipartBody(_ value: some Encodable) {
        let writer = MultipartWriter()
        do {
            let multipart = try writer.body(FormFields(value))
            if multipart.segments.count == 1, case .data(let data) = multipart.segments[0] {
                body = data
            } else {
                streamedBody = multipart
            }
            setHeader("Content-Type", writer.contentType)
        } catch {
            record("the body cannot be encoded as multipart/form-data: \(error)")
        }
    }

    /// Encodes `value` as `contentType`, which must be one of `allowed`: the media types the spec
    /// declares for the body. JSON types encode JSON; the form types encode the model's
    /// properties; any other type sends a `String` as UTF-8 and `Data` as it is.
    public mutating func body(_ value: some Encodable, as contentType: MediaType, allowed: [MediaType]) {
        guard allowed.contains(where: { $0.essence == contentType.essence }) else {
            let list = allowed.map(\.rawValue).joined(separator: ", ")
            record("the body's content type '\(contentType)' is not one the endpoint accepts: \(list)")
            return
        }
        if contentType.isJSON {
            jsonBody(value, contentType: contentType.rawValue)
        } else if contentType.essence == MediaType.formURLEncoded.essence {
            formBody(value)
        } else if contentType.essence == MediaType.multipartFormData.essence {
            multipartBody(value)
        } else if let text = value as? String {
            textBody(text, contentType: contentType.rawValue)
        } else if let bytes = value as? Data {
            bytesBody(bytes, contentType: contentType.rawValue)
        } else {
            record("a '\(contentType)' body is sent as it is, so it must be a String or Data")
        }
    }

    /// Sets `name` to `value`, recording a problem for an invalid name or a value with a line break.
    mutating func setHeader(_ name: String, _ value: String) {
        guard let fieldName = HTTPField.Name(name) else {
            record("'\(name)' is not a valid header field name")
            return
        }
        guard HeaderValidation.isSafe(value) else {
            record("the value of header '\(name)' contains a line break or NUL")
            return
        }
        headerFields[fieldName] = value
    }

    private mutating func record(_ message: String) {
        if problem == nil { problem = message }
    }
}

enum HeaderValidation {
    /// Whether `value` is free of CR, LF and NUL, which could split or end a header.
    static func isSafe(_ value: String) -> Bool {
        !value.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }
    }
}
