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
