import Foundation
import HTTPTypes
import Hummingbird
import MultipartKit
import NIOCore

/// The Users spec's form endpoints: multipart and URL-encoded bodies read with parsers that are
/// not Courier's (MultipartKit, Foundation's `URLComponents`), and a response whose body depends
/// on the status.
enum FormRoutes {
    static func add(to router: Router<BasicRequestContext>) {
        router.post("/api/users/:userId/documents") { request, _ -> Response in
            let parts = try await multipartParts(request)
            let title = parts.first { $0.name == "title" }.map { String(buffer: $0.body) } ?? ""
            return ExampleRoutes.json(
                ["title": title, "parts": parts.map(\.summary), "field_count": parts.count], status: .created)
        }
        router.post("/api/sessions") { request, _ -> Response in
            let fields = try await urlEncodedFields(request)
            guard request.headers[.contentType] == "application/x-www-form-urlencoded",
                let username = fields.first(where: { $0.name == "username" })?.value,
                fields.first(where: { $0.name == "password" })?.value == "pa ss&word=+%"
            else {
                return ExampleRoutes.json(ExampleRoutes.problem(400, "bad form"), status: .badRequest)
            }
            let scopes = fields.filter { $0.name == "scopes" }.compactMap(\.value)
            let remember = fields.first { $0.name == "remember" }?.value ?? "absent"
            return ExampleRoutes.json(["token": "\(username):\(remember)", "scopes": scopes])
        }
        router.post("/api/users/:userId/notes") { request, _ -> Response in
            let contentType = request.headers[.contentType] ?? ""
            var values: [String: String] = [:]
            let receivedAs: String
            if contentType.hasPrefix("multipart/form-data") {
                for part in try await multipartParts(request) { values[part.name ?? ""] = String(buffer: part.body) }
                receivedAs = "multipart"
            } else if contentType == "application/x-www-form-urlencoded" {
                for field in try await urlEncodedFields(request) { values[field.name] = field.value }
                receivedAs = "form"
            } else {
                let object = try await ExampleRoutes.jsonObject(request)
                values["text"] = object["text"] as? String
                values["pinned"] = (object["pinned"] as? Bool).map { $0 ? "true" : "false" }
                receivedAs = "json"
            }
            return ExampleRoutes.json(
                ["text": values["text"] ?? "", "pinned": values["pinned"] == "true", "received_as": receivedAs],
                status: .created)
        }
        router.get("/api/exports/:name") { _, context -> Response in
            switch context.parameters.get("name") {
            case "ready": ExampleRoutes.json([ExampleRoutes.user(id: "77777777-7777-7777-7777-777777777777")])
            case "running": ExampleRoutes.json(["id": "job-1", "retry_after_seconds": 5], status: .accepted)
            case "mirror":
                ExampleRoutes.text(
                    "id,email\n7,a@example.com\n", status: .nonAuthoritativeInformation, contentType: "text/csv")
            case "empty": Response(status: .noContent)
            default: ExampleRoutes.text("partial", status: .partialContent)
            }
        }
    }

    /// The parts of a `multipart/form-data` body, as MultipartKit reads them.
    static func multipartParts(_ request: Request) async throws -> [MultipartPart] {
        var request = request
        let contentType = request.headers[.contentType] ?? ""
        guard let range = contentType.range(of: "boundary=") else {
            throw HTTPError(.badRequest, message: "no boundary")
        }
        let boundary = String(contentType[range.upperBound...])
        let body = try await request.collectBody(upTo: 16 << 20)
        let parser = MultipartParser(boundary: boundary)
        var parts: [MultipartPart] = []
        var headers = HTTPHeaders()
        var partBody = ByteBuffer()
        parser.onHeader = { name, value in headers.add(name: name, value: value) }
        parser.onBody = { chunk in partBody.writeBuffer(&chunk) }
        parser.onPartComplete = {
            parts.append(MultipartPart(headers: headers, body: partBody))
            headers = HTTPHeaders()
            partBody = ByteBuffer()
        }
        try parser.execute(body)
        return parts
    }

    /// The fields of an `application/x-www-form-urlencoded` body, in order, as `URLComponents` reads them.
    static func urlEncodedFields(_ request: Request) async throws -> [URLQueryItem] {
        var request = request
        let body = try await request.collectBody(upTo: 1 << 20)
        var components = URLComponents()
        components.percentEncodedQuery = String(buffer: body)
        return components.queryItems ?? []
    }
}

extension MultipartPart {
    /// `name|filename|content type|contents`, the contents as text when they are UTF-8 and as
    /// `<N bytes, sum S>` otherwise (S: the bytes' sum, a checksum cheap to compute both sides).
    var summary: String {
        let disposition = headers.first(name: "Content-Disposition") ?? ""
        let fileName =
            disposition.components(separatedBy: "filename=\"").dropFirst().first?.components(separatedBy: "\"").first
            ?? "-"
        let contentType = headers.first(name: "Content-Type") ?? "-"
        let bytes = Array(body.readableBytesView)
        let sum = bytes.reduce(0) { $0 + Int($1) }
        let contents = String(validating: bytes, as: UTF8.self) ?? "<\(bytes.count) bytes, sum \(sum)>"
        return "\(name ?? "-")|\(fileName)|\(contentType)|\(contents)"
    }
}
