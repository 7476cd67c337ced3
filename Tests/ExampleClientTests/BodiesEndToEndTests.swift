import CourierRuntime
import CourierTestServer
import Foundation
import HTTPTypes
import Testing

/// Bodies beyond JSON against the real server, which reads them with parsers of its own
/// (MultipartKit and `URLComponents`): multipart with files from memory and disk, URL-encoded
/// forms, one body in the media type the caller picks, and a response that depends on the status.
@Suite("Form, multipart and per-status bodies against the example server", .timeLimit(.minutes(3)))
struct BodiesEndToEndTests {
    func users(_ server: ExampleServer, _ transport: TransportKind) -> UsersClient {
        UsersClient(
            server: .custom(ServerURL(server.baseURL)), auth: UsersAuth(apiKey: "key-1"), transport: transport.make())
    }

    /// A file in a fresh temporary folder, removed by the caller.
    func temporaryFile(named name: String, contents: Data) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "courier-bodies-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent(name)
        try contents.write(to: file)
        return file
    }

    @Test(
        "multipart: text fields, repeated fields, a raw bytes part and files from memory and from disk",
        arguments: TransportKind.allCases)
    func multipart(transport: TransportKind) async throws {
        let binary = Data([0x00, 0xFF, 0x0D, 0x0A, 0x2D, 0x2D, 0x89])
        let file = try temporaryFile(named: "report \"Q4\".pdf", contents: Data("%PDF-1.7 on disk".utf8))
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        try await withServer { server in
            let upload = DocumentUpload(
                title: "Année 2026 — \"final\"\r\nX-Injected: 1", kind: .viewer, tags: ["a", "b c"],
                document: try FilePart(contentsOf: file, contentType: "application/pdf"),
                attachments: [
                    FilePart(data: Data("one".utf8), fileName: "one.txt", contentType: "text/plain"),
                    FilePart(data: binary, fileName: "two.bin"),
                ],
                checksum: Data([1, 2, 3, 0xFE]))
            let stored = try await users(server, transport).uploadDocument(userId: UUID(), body: upload)
            #expect(stored.title == upload.title, "text survives as UTF-8, line breaks and quotes included")
            #expect(stored.fieldCount == 8)
            #expect(
                stored.parts == [
                    "title|-|-|Année 2026 — \"final\"\r\nX-Injected: 1",
                    "kind|-|-|viewer",
                    "tags|-|-|a",
                    "tags|-|-|b c",
                    "document|report %22Q4%22.pdf|application/pdf|%PDF-1.7 on disk",
                    "attachments|one.txt|text/plain|one",
                    "attachments|two.bin|application/octet-stream|<7 bytes, sum 505>",
                    "checksum|-|application/octet-stream|<4 bytes, sum 260>",
                ])
            let request = try #require(server.lastRequest)
            #expect(request.headers["content-type"]?.hasPrefix("multipart/form-data; boundary=courier-") == true)
            #expect(request.body.count == Int(request.headers["content-length"] ?? "") ?? -1)
        }
    }

    @Test(
        "a large file is streamed from disk, in order, with its length as Content-Length",
        arguments: TransportKind.allCases)
    func largeFile(transport: TransportKind) async throws {
        let size = 3 * StreamedBody.chunkSize + 123
        let contents = Data((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ ($0 >> 8)) })
        let file = try temporaryFile(named: "large.bin", contents: contents)
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        try await withServer { server in
            let upload = DocumentUpload(title: "big", kind: .member, tags: [], document: try FilePart(contentsOf: file))
            let stored = try await users(server, transport).uploadDocument(userId: UUID(), body: upload)
            let sum = contents.reduce(0) { $0 + Int($1) }
            #expect(stored.parts.last == "document|large.bin|application/octet-stream|<\(size) bytes, sum \(sum)>")
            let request = try #require(server.lastRequest)
            #expect(Int(request.headers["content-length"] ?? "") == request.body.count)
            #expect(request.headers["transfer-encoding"] == nil)
        }
    }

    @Test("a file that cannot be read fails the call before anything is sent")
    func unreadableFile() async throws {
        try await withServer { server in
            let missing = URL(fileURLWithPath: "/nonexistent/courier/\(UUID().uuidString).pdf")
            let upload = DocumentUpload(
                title: "t", kind: .member, tags: [], document: try FilePart(contentsOf: missing))
            let error = await failure { () async throws(UsersError) in
                try await users(server, .urlSession).uploadDocument(userId: UUID(), body: upload)
            }
            guard case .invalidRequest(let reason, _)? = error else {
                Issue.record("expected invalidRequest, got \(String(describing: error))")
                return
            }
            #expect(reason.contains("cannot be read"))
            #expect(reason.contains(missing.lastPathComponent))
            #expect(server.requests.isEmpty)
        }
        #expect(throws: FilePart.FileError.self) { try FilePart(contentsOf: URL(string: "https://example.com/a.pdf")!) }
    }

    @Test("URL-encoded form: reserved characters, defaults, repeated fields", arguments: TransportKind.allCases)
    func urlEncodedForm(transport: TransportKind) async throws {
        try await withServer { server in
            let session = try await users(server, transport).signIn(
                body: SignIn(username: "ada lovelace", password: "pa ss&word=+%", scopes: ["read", "write:all"]))
            #expect(session.token == "ada lovelace:false", "the default is sent")
            #expect(session.scopes == ["read", "write:all"])
            let request = try #require(server.lastRequest)
            #expect(
                String(decoding: request.body, as: UTF8.self)
                    == "username=ada%20lovelace&password=pa%20ss%26word%3D%2B%25&remember=false&scopes=read&scopes=write%3Aall"
            )
            #expect(request.headers["x-api-key"] == nil, "the endpoint says auth: none")
        }
    }

    @Test(
        "one body, sent in the media type the caller picks; one not declared is refused",
        arguments: TransportKind.allCases)
    func contentTypeChoice(transport: TransportKind) async throws {
        try await withServer { server in
            let client = users(server, transport)
            let note = Note(text: "café & co", pinned: true)
            let byDefault = try await client.addNote(userId: UUID(), body: note)
            #expect(byDefault.receivedAs == "json")
            #expect(server.lastRequest?.headers["content-type"] == "application/json")
            for (mediaType, name) in [
                (MediaType.formURLEncoded, "form"), (.multipartFormData, "multipart"), (.json, "json"),
            ] {
                let answer = try await client.addNote(userId: UUID(), body: note, contentType: mediaType)
                #expect(answer.receivedAs == name)
                #expect(answer.text == note.text)
                #expect(answer.pinned)
            }
            let sent = server.requests.count
            let error = await failure { () async throws(UsersError) in
                try await client.addNote(userId: UUID(), body: note, contentType: "text/plain")
            }
            guard case .invalidRequest(let reason, _)? = error else {
                Issue.record("expected invalidRequest, got \(String(describing: error))")
                return
            }
            #expect(reason.contains("'text/plain' is not one the endpoint accepts"))
            #expect(server.requests.count == sent)
        }
    }

    @Test(
        "a response that depends on the status: JSON, another JSON type, CSV text, no body; an undeclared 2xx",
        arguments: TransportKind.allCases)
    func responsesByStatus(transport: TransportKind) async throws {
        try await withServer { server in
            let client = users(server, transport)
            guard case .ok(let list) = try await client.exportUsers(name: "ready") else {
                Issue.record("expected .ok")
                return
            }
            #expect(list.count == 1)
            #expect(
                try await client.exportUsers(name: "running") == .accepted(ExportJob(id: "job-1", retryAfterSeconds: 5))
            )
            #expect(
                try await client.exportUsers(name: "mirror")
                    == .nonAuthoritativeInformation("id,email\n7,a@example.com\n"))
            let empty = try await client.exportUsersWithResponse(name: "empty")
            #expect(empty.value == .noContent)
            #expect(empty.status == .noContent)
            #expect(server.lastRequest?.headers["accept"] == "application/json, text/csv")

            let error = await failure { () async throws(UsersError) in try await client.exportUsers(name: "partial") }
            guard case .unexpectedStatus(let response)? = error else {
                Issue.record("expected unexpectedStatus, got \(String(describing: error))")
                return
            }
            #expect(response.status.code == 206)
            #expect(response.bodyText == "partial")
        }
    }

    @Test("the mock records the picked media type and answers with a status case")
    func mock() async throws {
        let mock = UsersMock()
        mock.addNoteHandler = { _, note, contentType in Note(text: note.text, receivedAs: contentType.rawValue) }
        mock.exportUsersHandler = { _ in .noContent }
        let id = UUID()
        let note = Note(text: "hi")
        #expect(
            try await mock.addNote(userId: id, body: note, contentType: .formURLEncoded).receivedAs
                == "application/x-www-form-urlencoded")
        #expect(try await mock.exportUsersWithResponse(name: "x").status == .ok, "the first declared status")
        #expect(
            mock.calls == [.addNote(userId: id, body: note, contentType: .formURLEncoded), .exportUsers(name: "x")])
    }
}
