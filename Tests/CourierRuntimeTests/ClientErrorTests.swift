import Foundation
import HTTPTypes
import Testing

@_spi(Generated) @testable import CourierRuntime

@Suite("Failures", .timeLimit(.minutes(3)))
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

@Suite("Error descriptions", .timeLimit(.minutes(3)))
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
