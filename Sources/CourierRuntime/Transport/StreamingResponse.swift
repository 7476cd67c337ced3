import Foundation
import HTTPTypes

/// A response whose body is read as it arrives, for server-sent events and other streams.
public struct StreamingTransportResponse: Sendable {
    /// Status and header fields.
    public var head: HTTPResponse
    /// The body's bytes, chunk by chunk as they arrive. Reading it to its end, or dropping it
    /// (leaving the loop, cancelling the reading task), ends the exchange.
    public var body: TransportBodyStream

    /// Creates a streaming response.
    public init(head: HTTPResponse, body: TransportBodyStream) {
        self.head = head
        self.body = body
    }
}

/// The bytes of a response body as they arrive, in chunks as the transport receives them.
public struct TransportBodyStream: AsyncSequence, Sendable {
    /// A chunk of bytes.
    public typealias Element = [UInt8]
    /// Why reading stopped early: a ``TransportError``, or `CancellationError`.
    public typealias Failure = any Error

    private let base: any AsyncSequence<[UInt8], any Error> & Sendable

    /// A stream reading `base`.
    public init<Base: AsyncSequence & Sendable>(_ base: Base) where Base.Element == [UInt8], Base.Failure == any Error {
        self.base = base
    }

    /// A body that has arrived whole: one chunk, or none when it is empty.
    public static func complete(_ body: Data) -> TransportBodyStream {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: [UInt8].self)
        if !body.isEmpty { continuation.yield(Array(body)) }
        continuation.finish()
        return TransportBodyStream(stream)
    }

    /// Reads the chunks in order.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: any AsyncIteratorProtocol<[UInt8], any Error>

        /// The next chunk, or `nil` at the end of the body.
        public mutating func next() async throws -> [UInt8]? {
            try await base.next()
        }
    }

    /// Starts reading.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator())
    }
}

extension HTTPTransport {
    /// Sends `request` with ``send(_:)`` and hands its whole body over as one chunk: streams work
    /// over any transport, and arrive as they are read over one that ``streamsResponseBodies``.
    public func stream(_ request: TransportRequest) async throws -> StreamingTransportResponse {
        let response = try await send(request)
        return StreamingTransportResponse(head: response.head, body: .complete(response.body))
    }

    /// `false`: ``stream(_:)`` waits for the whole body.
    public var streamsResponseBodies: Bool { false }
}

/// How many bytes a pushing transport (URLSession's delegate) has handed a stream that its reader
/// has not taken yet, so a reader that stops reading cannot make memory grow without bound.
final class BufferedByteCount: Sendable {
    private let count = Locked(0)

    /// Adds `bytes` handed over; `false` when that makes more than `limit` waiting.
    func add(_ bytes: Int, limit: Int) -> Bool {
        count.withLock { count in
            count += bytes
            return count <= limit
        }
    }

    /// Takes away `bytes` the reader took.
    func remove(_ bytes: Int) {
        count.withLock { $0 -= bytes }
    }
}
