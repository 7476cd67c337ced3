import CourierAsyncHTTPClient
import CourierRuntime
import CourierTestServer
import Foundation
import Testing

/// The transports every end-to-end test runs through.
enum TransportKind: String, CaseIterable, CustomTestStringConvertible {
    case urlSession
    case asyncHTTPClient

    func make() -> any HTTPTransport {
        switch self {
        case .urlSession: URLSessionTransport()
        case .asyncHTTPClient: AsyncHTTPClientTransport()
        }
    }

    var testDescription: String { rawValue }
}

/// Starts the example server for one test and stops it afterwards.
func withServer(_ body: (ExampleServer) async throws -> Void) async throws {
    let server = try await ExampleServer.start()
    defer { server.stop() }
    try await body(server)
}

/// The error `body` throws, or `nil` when it returns.
func failure<T, E: Error>(_ body: () async throws(E) -> T) async -> E? {
    do throws(E) {
        _ = try await body()
        return nil
    } catch {
        return error
    }
}
