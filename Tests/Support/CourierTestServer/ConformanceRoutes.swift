import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Routes the transport conformance suite runs against both transports: compressed bodies,
/// redirects within and across origins, and an echo of what the server received.
public enum ConformanceRoutes {
    /// The body every compressed route decodes to.
    public static let text = String(repeating: "Courier compresses well. ", count: 400)

    static func add(to router: Router<BasicRequestContext>) {
        // The request's header fields, names lower-cased, and its method.
        router.on("/conformance/echo", method: .get) { request, _ in echo(request) }
        router.on("/conformance/echo", method: .post) { request, _ in echo(request) }
        router.get("/conformance/encoded/:encoding") { _, context -> Response in
            let encoding = context.parameters.get("encoding") ?? "identity"
            var body = ByteBuffer(string: #"{"text":"\#(text)"}"#)
            let encoded: ByteBuffer
            switch encoding {
            case "gzip": encoded = try body.compress(with: .gzip())
            case "deflate": encoded = try body.compress(with: .zlib())
            case "br": encoded = ByteBuffer(bytes: [0x1B, 0x03, 0x00, 0xF8, 0x25, 0x00, 0xA2, 0xB0])  // not decodable here
            default: encoded = body
            }
            var fields: HTTPFields = [.contentType: "application/json"]
            if encoding != "identity" { fields[.contentEncoding] = encoding }
            fields[.contentLength] = String(encoded.readableBytes)
            return Response(status: .ok, headers: fields, body: ResponseBody(byteBuffer: encoded))
        }
        // 8 MB of zeros in about 8 KB of gzip, compressed once per process.
        router.get("/conformance/bomb") { _, _ -> Response in
            let encoded = try bomb.get()
            return Response(
                status: .ok,
                headers: [
                    .contentType: "application/json", .contentEncoding: "gzip",
                    .contentLength: String(encoded.readableBytes),
                ],
                body: ResponseBody(byteBuffer: encoded))
        }
        // /conformance/redirect/N redirects N times, then echoes.
        router.get("/conformance/redirect/:count") { request, context -> Response in
            let count = Int(context.parameters.get("count") ?? "0") ?? 0
            guard count > 0 else { return echo(request) }
            return Response(
                status: .found, headers: [.location: "/conformance/redirect/\(count - 1)", .contentLength: "0"])
        }
        // Redirects to the URL in `to`, with the status in `status` (302 by default).
        router.on("/conformance/redirect-to", method: .get) { request, _ in redirect(request) }
        router.on("/conformance/redirect-to", method: .post) { request, _ in redirect(request) }
    }

    static let bomb = Result { () throws -> ByteBuffer in
        var zeros = ByteBuffer(repeating: UInt8(ascii: "0"), count: 8 << 20)
        return try zeros.compress(with: .gzip())
    }

    static func redirect(_ request: Request) -> Response {
        let target = request.uri.queryParameters.get("to") ?? "/conformance/echo"
        let status = Int(request.uri.queryParameters.get("status") ?? "302") ?? 302
        return Response(status: .init(code: status), headers: [.location: target, .contentLength: "0"])
    }

    static func echo(_ request: Request) -> Response {
        var received: [String: String] = ["method": request.method.rawValue]
        for field in request.headers {
            let name = field.name.canonicalName.lowercased()
            received[name] = received[name].map { $0 + ", " + field.value } ?? field.value
        }
        let data = (try? JSONSerialization.data(withJSONObject: received, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(
            status: .ok, headers: [.contentType: "application/json", .contentLength: String(data.count)],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
