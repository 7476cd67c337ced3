import Foundation
import HTTPTypes
import Testing

@_spi(Generated) @testable import CourierRuntime

/// A transport that never answers until cancelled.
struct HangingTransport: HTTPTransport {
    func send(_ request: TransportRequest) async throws -> TransportResponse {
        try await Task.sleep(for: .seconds(3600))
        throw TransportError(.other, detail: "unreachable")
    }
}

/// A transport that fails with a given error.
struct FailingTransport: HTTPTransport {
    let error: any Error & Sendable
    func send(_ request: TransportRequest) async throws -> TransportResponse { throw error }
}

enum NoErrors: DeclaredError, Hashable {
    var name: String { switch self {} }
}

let ping = Operation<Void, NoErrors>(name: "ping", authSchemes: [], output: .empty, errors: [])

func call(
    _ runtime: ServiceRuntime, _ request: RequestBuilder = RequestBuilder(.get, path: "/ping"),
    options: RequestOptions = .init()
) async -> ClientError<NoErrors>? {
    do throws(ClientError<NoErrors>) {
        _ = try await runtime.send(ping, request, options: options)
        return nil
    } catch {
        return error
    }
}

@Suite("Request building")
struct RequestBuildingTests {
    @Test(arguments: [
        ("plain", "plain"), ("a/b", "a%2Fb"), ("..", "%2E%2E"), (".", "%2E"), ("a b?c#d", "a%20b%3Fc%23d"),
        ("100%", "100%25"), ("é", "%C3%A9"), ("a.b-c_d~e", "a.b-c_d~e"), ("../x", "..%2Fx"),
    ])
    func pathSegments(value: String, encoded: String) {
        #expect(PercentEncoding.pathSegment(value) == encoded)
        let path: PathTemplate = "/files/\(value)/raw"
        #expect(path.encoded == "/files/\(encoded)/raw")
        #expect(path.problem == nil)
    }

    @Test func emptyPathSegmentIsRefused() {
        let path: PathTemplate = "/files/\("")"
        #expect(path.problem == "a path parameter is empty")
    }

    @Test func queryItemsSkipNilAndRepeatLists() {
        var request = RequestBuilder(.get, path: "/search")
        request.query("q", "a+b c&d=e")
        request.query("page", Int32?.none)
        request.query("tag", ["x", "y"])
        request.query("on", true)
        #expect(request.queryItems == ["q=a%2Bb%20c%26d%3De", "tag=x", "tag=y", "on=true"])
    }

    @Test(arguments: ["a\rb", "a\nb", "a\u{0}b"])
    func headerLineBreaksAreRefused(value: String) {
        var request = RequestBuilder(.get, path: "/")
        request.header("X-Value", value)
        #expect(request.problem == "the value of header 'X-Value' contains a line break or NUL")
    }

    @Test func invalidRequestsAreNotSent() async {
        var request = RequestBuilder(.get, path: "/")
        request.header("Bad Name", "x")
        let runtime = ServiceRuntime(
            configuration: ClientConfiguration(server: "http://127.0.0.1:1", transport: HangingTransport()))
        #expect(await call(runtime, request) == .invalidRequest("'Bad Name' is not a valid header field name"))

        let badServer = ServiceRuntime(
            configuration: ClientConfiguration(server: "ftp://example.com", transport: HangingTransport()))
        guard case .invalidRequest(let reason)? = await call(badServer) else {
            Issue.record("a bad base URL must be refused")
            return
        }
        #expect(reason.contains("'ftp://example.com' is not an absolute http or https URL"))
    }

    @Test("a credential with a line break is refused, not sent with the break turned into a space")
    func credentialLineBreaksAreRefused() async {
        let cases: [(Credential, String)] = [
            (.bearer("tok\nen"), "the bearer credential contains a line break or NUL"),
            (.basic(username: "me", password: "pa\rss"), "the basic credential contains a line break or NUL"),
            (
                .basic(username: "m\u{0}e", password: "pass"),
                "the basic credential's username contains a line break or NUL"
            ),
            (
                .apiKeyHeader(name: "X-Key", key: "k\ney"),
                "the apiKey header X-Key credential contains a line break or NUL"
            ),
        ]
        for (credential, message) in cases {
            var credentials = Credentials()
            credentials[scheme: "auth"] = credential
            let runtime = ServiceRuntime(
                configuration: ClientConfiguration(
                    server: "http://127.0.0.1:1", transport: HangingTransport(), credentials: credentials))
            let operation = Operation<Void, NoErrors>(name: "ping", authSchemes: ["auth"], output: .empty, errors: [])
            do throws(ClientError<NoErrors>) {
                _ = try await runtime.send(operation, RequestBuilder(.get, path: "/ping"), options: RequestOptions())
                Issue.record("\(credential) was sent")
            } catch {
                #expect(error == .invalidRequest(message))
            }
        }
    }
}

@Suite("Failures")
struct FailureTests {
    @Test func aTimeoutIsReportedAsTimeout() async {
        let runtime = ServiceRuntime(
            configuration: ClientConfiguration(server: "http://127.0.0.1:1", transport: HangingTransport()))
        #expect(await call(runtime, options: RequestOptions(timeout: .milliseconds(20))) == .timeout(.milliseconds(20)))

        let timedOut = ServiceRuntime(
            configuration: ClientConfiguration(
                server: "http://127.0.0.1:1",
                transport: FailingTransport(error: TransportError(.timedOut, detail: "slow"))))
        #expect(await call(timedOut, options: RequestOptions(timeout: .seconds(7))) == .timeout(.seconds(7)))
    }

    @Test func cancellationIsReportedAsCancellationNotTimeout() async {
        let runtime = ServiceRuntime(
            configuration: ClientConfiguration(server: "http://127.0.0.1:1", transport: HangingTransport()))
        let task = Task { await call(runtime) }
        task.cancel()
        #expect(await task.value == .cancelled)
    }

    @Test func transportErrorsKeepTheirKind() async {
        let runtime = ServiceRuntime(
            configuration: ClientConfiguration(
                server: "http://127.0.0.1:1",
                transport: FailingTransport(error: TransportError(.connectionFailed, detail: "refused"))))
        let error = await call(runtime)
        #expect(error == .transport(TransportError(.connectionFailed, detail: "refused")))
        #expect(error?.description == "transport failure (connectionFailed): refused")
        #expect(error?.kind == "transport")
    }

    @Test func decodingFailuresKeepABoundedExcerpt() {
        let body = Data(String(repeating: "x", count: 2_000).utf8)
        let failure = DecodingFailure(
            DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "bad")), status: .ok, body: body)
        #expect(failure.bodyExcerpt.count == DecodingFailure.excerptLimit + 1)
        #expect(failure.bodyExcerpt.hasSuffix("…"))
    }
}

@Suite("Values")
struct ValueTests {
    @Test func dateTimesWithAndWithoutFractionsAndOffsets() {
        #expect(ISO8601.date(from: "2026-11-21T09:30:00Z") == Date(timeIntervalSince1970: 1_795_253_400))
        #expect(ISO8601.date(from: "2026-11-21T09:30:00.125Z") == Date(timeIntervalSince1970: 1_795_253_400.125))
        #expect(ISO8601.date(from: "2026-11-21T10:30:00+01:00") == Date(timeIntervalSince1970: 1_795_253_400))
        #expect(ISO8601.date(from: "yesterday") == nil)
        #expect(ISO8601.string(from: Date(timeIntervalSince1970: 1_795_253_400)) == "2026-11-21T09:30:00Z")
        #expect(ISO8601.string(from: Date(timeIntervalSince1970: 1_795_253_400.5)) == "2026-11-21T09:30:00.500Z")
    }

    @Test func calendarDates() {
        #expect(CalendarDate("2024-02-29") == CalendarDate(year: 2024, month: 2, day: 29))
        #expect(CalendarDate("2024-13-01") == nil)
        #expect(CalendarDate("24-1-1") == nil)
        #expect(CalendarDate(year: 7, month: 3, day: 4).description == "0007-03-04")
    }

    @Test(arguments: [
        ("250ms", Duration.milliseconds(250)), ("5s", .seconds(5)), ("2m", .seconds(120)), ("1h", .seconds(3600)),
        ("1.5", .milliseconds(1500)),
    ])
    func durations(text: String, duration: Duration) {
        #expect(EnvironmentReader.parseDuration(text) == duration)
    }

    @Test(arguments: ["", "5x", "-1s", "ms", "inf"])
    func badDurations(text: String) {
        #expect(EnvironmentReader.parseDuration(text) == nil)
    }

    @Test func serverURLs() {
        let server = ServerURL("HTTPS://api.example.com:8443/base/")
        #expect(server.scheme == "https")
        #expect(server.authority == "api.example.com:8443")
        #expect(server.pathPrefix == "/base")
        #expect(ServerURL("https://example.com?x=1").problem != nil)
        #expect(ServerURL("not a url").problem != nil)
    }

    @Test func secretsAreRedacted() {
        let secret = Secret("hunter2")
        var dumped = ""
        dump(secret, to: &dumped)
        for text in [
            "\(secret)", String(reflecting: secret), dumped, "\(Credential.basic(username: "u", password: secret))",
        ] {
            #expect(!text.contains("hunter2"))
        }
    }

    @Test func pagesStopAtTheLastPageOrARepeatedCursor() async throws {
        let pages = PageSequence<Int, Int> { cursor in
            switch cursor {
            case nil: ([1, 2], 1)
            case 1: ([], 2)
            case 2: ([3], 2)
            default: ([99], nil)
            }
        }
        var items: [Int] = []
        for try await item in pages { items.append(item) }
        #expect(items == [1, 2, 3])
    }
}

@Suite("Error descriptions")
struct ErrorDescriptionTests {
    @Test("a transport failure names its cause in one bounded line")
    func transportCause() {
        let error = ClientError<NoErrors>.transport(
            TransportError(.other, detail: "HTTPClientError.redirectLimitReached"))
        #expect(error.description == "transport failure (other): HTTPClientError.redirectLimitReached")
        let long = ClientError<NoErrors>.transport(
            TransportError(.connectionLost, detail: String(repeating: "x\n", count: 500)))
        #expect(!long.description.contains("\n"))
        #expect(long.description.count < 260)
        #expect(long.description.hasSuffix("…"))
    }

    @Test("a decoding failure names where, why, the status and the body's beginning")
    func decodingCause() {
        let failure = DecodingFailure(
            codingPath: "", message: "The given data was not valid JSON.", status: .ok,
            bodyExcerpt: "<html>\r\n<body>Gateway\u{202E}</body>")
        #expect(
            ClientError<NoErrors>.decoding(failure).description
                == #"decoding failed at the top level (status 200): The given data was not valid JSON.; body begins: <html>\r\n<body>Gateway\u{202E}</body>"#
        )
        let empty = DecodingFailure(codingPath: "data[0]", message: "missing key 'id'", status: .ok, bodyExcerpt: "")
        #expect(
            ClientError<NoErrors>.decoding(empty).description
                == "decoding failed at data[0] (status 200): missing key 'id'; the body is empty")
    }
}
