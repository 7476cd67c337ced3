import Foundation
import HTTPTypes
import Testing

@_spi(Generated) @testable import CourierRuntime

@Suite("Request building", .timeLimit(.minutes(3)))
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
        guard case .invalidRequest(let reason, _)? = await call(badServer) else {
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
