import CourierRuntimeTesting
import Foundation
import Testing

@_spi(Generated) @testable import CourierRuntime

@Suite("Form and multipart bodies", .timeLimit(.minutes(3)))
struct BodyEncodingTests {
    enum Color: String, Codable {
        case red
        case deepBlue = "deep blue"
    }

    struct Everything: Encodable {
        var text = "a b&c=d/é"
        var count: Int64 = -7
        var ratio = 0.5
        var flag = true
        var missing: String? = nil
        var present: String? = "here"
        var colors: [Color] = [.red, .deepBlue]
        var moment = Date(timeIntervalSince1970: 1_795_249_800)
        var day = CalendarDate(year: 2026, month: 2, day: 3)
        var id = UUID(uuidString: "00000000-0000-0000-0000-0000000000AB")!
        var amount = Decimal(string: "12.50")!
        var link = URL(string: "https://example.com/a?b=c")!
        var raw = Data([0xFF, 0x00])
    }

    @Test("URL-encoded: every single-value type, lists repeated, nil left out, bytes in base64, in declaration order")
    func urlEncoded() throws {
        let body = try FormFields(Everything()).urlEncoded()
        #expect(
            String(decoding: body, as: UTF8.self)
                == [
                    "text=a%20b%26c%3Dd%2F%C3%A9", "count=-7", "ratio=0.5", "flag=true", "present=here",
                    "colors=red", "colors=deep%20blue", "moment=2026-11-21T08%3A30%3A00Z", "day=2026-02-03",
                    "id=00000000-0000-0000-0000-0000000000ab", "amount=12.5",
                    "link=https%3A%2F%2Fexample.com%2Fa%3Fb%3Dc",
                    "raw=%2FwA%3D",
                ].joined(separator: "&"))
    }

    struct Nested: Encodable {
        struct Inner: Encodable { var city = "Oslo" }
        var name = "n"
        var inner = Inner()
    }

    struct WithFile: Encodable {
        var file = FilePart(data: Data("x".utf8), fileName: "x.txt")
    }

    @Test("shapes a form cannot hold fail the request with a reason, and nothing is sent")
    func refusedShapes() {
        var request = RequestBuilder(.post, path: "/")
        request.formBody(Nested())
        #expect(request.problem?.contains("the form field 'inner' is an object") == true)
        #expect(request.body == nil)

        var list = RequestBuilder(.post, path: "/")
        list.formBody(["a", "b"])
        #expect(list.problem?.contains("not a list") == true)

        var file = RequestBuilder(.post, path: "/")
        file.formBody(WithFile())
        #expect(file.problem?.contains("only multipart/form-data can send") == true)
    }

    struct Upload: Encodable {
        var title = "T\r\n\"q\""
        var tags = ["a", "b"]
        var document = FilePart(
            data: Data([0x00, 0x0D, 0x0A]), fileName: "evil\"\r\nname.bin",
            contentType: "application/pdf\r\nX-Injected: 1")
        var checksum: Data? = Data([1])
        var none: String? = nil
    }

    @Test("multipart: a part per field, names and file names quoted as browsers do, header values on one line")
    func multipart() throws {
        let writer = MultipartWriter(boundary: "B")
        let body = try writer.body(FormFields(Upload())).collected()
        let expected =
            "--B\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nT\r\n\"q\"\r\n"
            + "--B\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\na\r\n"
            + "--B\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\nb\r\n"
            + "--B\r\nContent-Disposition: form-data; name=\"document\"; filename=\"evil%22%0D%0Aname.bin\"\r\n"
            + "Content-Type: application/pdfX-Injected: 1\r\n\r\n\u{0}\r\n\r\n"
            + "--B\r\nContent-Disposition: form-data; name=\"checksum\"\r\nContent-Type: application/octet-stream\r\n\r\n\u{1}\r\n"
            + "--B--\r\n"
        #expect(String(decoding: body, as: UTF8.self) == expected)
        #expect(writer.contentType == "multipart/form-data; boundary=B")
    }

    @Test("a file part reads its file when the body is built; its description never shows the contents")
    func fileParts() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("courier-part-\(UUID().uuidString).txt")
        try Data("on disk".utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let part = try FilePart(contentsOf: url, contentType: "text/plain")
        #expect(part.fileName == url.lastPathComponent)
        #expect(try part.bytes() == Data("on disk".utf8))
        #expect(!part.description.contains("on disk"))
        #expect(
            FilePart(data: Data("secret".utf8)).description == "file without a name (application/octet-stream, 6 bytes)"
        )

        let encoded = try JSONCoding.makeEncoder().encode(
            FilePart(data: Data([1, 2]), fileName: "a", contentType: "b/c"))
        let decoded = try JSONCoding.makeDecoder().decode(FilePart.self, from: encoded)
        #expect(
            decoded == FilePart(data: Data([1, 2]), fileName: "a", contentType: "b/c"),
            "JSON round trip, bytes in base64")
    }

    struct FromDisk: Encodable {
        var note = "n"
        var document: FilePart
    }

    @Test("a multipart body with a file on disk is streamed in bounded chunks; a file that shrinks fails the read")
    func streamedMultipart() throws {
        let size = 2 * StreamedBody.chunkSize + 10
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "courier-stream-\(UUID().uuidString).bin")
        try Data(repeating: 7, count: size).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }

        var request = RequestBuilder(.post, path: "/")
        request.multipartBody(FromDisk(document: try FilePart(contentsOf: url)))
        #expect(request.body == nil)
        let streamed = try #require(request.streamedBody)
        let reader = streamed.makeReader()
        var total = 0
        var chunks = 0
        while let chunk = try reader.next() {
            #expect(chunk.count <= StreamedBody.chunkSize)
            total += chunk.count
            chunks += 1
        }
        #expect(total == streamed.length)
        #expect(chunks >= 4, "head, three file chunks, tail")
        #expect(try streamed.collected().count == streamed.length, "read again from the start")

        try Data(repeating: 7, count: 10).write(to: url)
        #expect(throws: TransportError.self) { try streamed.collected() }

        var small = RequestBuilder(.post, path: "/")
        small.multipartBody(FromDisk(document: FilePart(data: Data([1]), fileName: "a")))
        #expect(small.streamedBody == nil, "without a file on disk the body is in memory")
        #expect(small.body != nil)
    }

    @Test("a transport that does not stream gets a streamed body in memory; one that does gets the stream")
    func transportsThatDoNotStream() async throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "courier-collect-\(UUID().uuidString).bin")
        try Data("file".utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        var request = RequestBuilder(.post, path: "/")
        request.multipartBody(FromDisk(document: try FilePart(contentsOf: url)))
        let streamed = try #require(request.streamedBody)
        let operation = Operation<Void, NoErrors>(name: "upload", authSchemes: [], output: .empty, errors: [])

        let plain = ScriptedTransport(clock: ManualClock(), status: 204)
        _ = try await ServiceRuntime(configuration: ClientConfiguration(server: "http://h", transport: plain))
            .send(operation, request, options: RequestOptions())
        #expect(plain.requests.first?.streamedBody == nil)
        #expect(plain.requests.first?.body == (try streamed.collected()))

        let streaming = StreamingTransport(base: ScriptedTransport(clock: ManualClock(), status: 204))
        _ = try await ServiceRuntime(configuration: ClientConfiguration(server: "http://h", transport: streaming))
            .send(operation, request, options: RequestOptions())
        #expect(streaming.base.requests.first?.streamedBody == streamed)
        #expect(streaming.base.requests.first?.body == nil)
    }

    /// A transport that says it streams bodies.
    struct StreamingTransport: HTTPTransport {
        let base: ScriptedTransport
        var streamsRequestBodies: Bool { true }
        func send(_ request: TransportRequest) async throws -> TransportResponse { try await base.send(request) }
    }

    @Test("media types compare by type and subtype, whatever the case and parameters")
    func mediaTypes() {
        #expect(MediaType("Application/JSON; charset=utf-8").essence == "application/json")
        #expect(MediaType("application/problem+json").isJSON)
        #expect(!MediaType.formURLEncoded.isJSON)

        var request = RequestBuilder(.post, path: "/")
        request.body("a,b", as: "TEXT/CSV", allowed: ["text/csv", "application/json"])
        #expect(request.problem == nil)
        #expect(request.headerFields[.contentType] == "TEXT/CSV")
        #expect(request.body == Data("a,b".utf8))

        var refused = RequestBuilder(.post, path: "/")
        refused.body("a", as: "text/plain", allowed: ["text/csv"])
        #expect(refused.problem == "the body's content type 'text/plain' is not one the endpoint accepts: text/csv")
    }
}
