import Foundation

/// A request body sent in chunks as it is read, so a large file never sits in memory whole:
/// pieces of bytes in memory and of files on disk, one after the other.
///
/// A multipart body with a file from disk is one. It can be read any number of times, once per
/// attempt or redirect, and its length is known up front, so it goes with a `Content-Length`.
/// A transport that says ``HTTPTransport/streamsRequestBodies`` sends it chunk by chunk; for any
/// other, the runtime reads it into ``TransportRequest/body`` first.
public struct StreamedBody: Sendable, Hashable {
    /// One piece of the body.
    public enum Segment: Sendable, Hashable {
        /// Bytes in memory.
        case data(Data)
        /// The first `length` bytes of the file at a URL.
        case file(URL, length: Int)
    }

    /// The pieces, in order.
    public let segments: [Segment]
    /// The body's length in bytes.
    public let length: Int

    /// A body of these pieces.
    public init(segments: [Segment]) {
        self.segments = segments
        self.length = segments.reduce(0) { total, segment in
            switch segment {
            case .data(let data): total + data.count
            case .file(_, let length): total + length
            }
        }
    }

    /// How many bytes a chunk holds at most.
    public static let chunkSize = 64 * 1024

    /// A new reader from the first byte.
    public func makeReader() -> Reader {
        Reader(segments: segments)
    }

    /// The whole body in memory, for transports that cannot stream.
    public func collected() throws(TransportError) -> Data {
        var data = Data(capacity: length)
        let reader = makeReader()
        while let chunk = try reader.next() { data.append(chunk) }
        return data
    }

    /// Reads a ``StreamedBody`` chunk by chunk, opening each file as it is reached and closing it
    /// at its end. A file that has become shorter than it was when the request was built fails
    /// the read, since the `Content-Length` already sent would be a lie.
    ///
    /// A transport reads a body from one place at a time (URLSession from its queue,
    /// AsyncHTTPClient from NIO's blocking-I/O pool), and each attempt makes a reader of its own;
    /// the lock around the position makes handing a reader between threads safe, and is never
    /// contended.
    public final class Reader: Sendable {
        private struct Position: Sendable {
            var index = 0
            var data: Data?
            var offset = 0
            var handle: FileHandle?
            var remaining = 0
        }

        private let segments: [Segment]
        private let position = Locked(Position())

        init(segments: [Segment]) {
            self.segments = segments
        }

        deinit {
            position.withLock { try? $0.handle?.close() }
        }

        /// The next chunk, at most ``StreamedBody/chunkSize`` bytes, or `nil` at the end.
        public func next() throws(TransportError) -> Data? {
            do {
                return try position.withLock { position in try Self.next(from: segments, at: &position) }
            } catch let error as TransportError {
                throw error
            } catch {
                throw TransportError(.invalidRequest, detail: "the body cannot be read: \(error.localizedDescription)")
            }
        }

        private static func next(from segments: [Segment], at position: inout Position) throws(TransportError) -> Data?
        {
            while true {
                if let data = position.data {
                    if position.offset < data.count {
                        let end = min(data.count, position.offset + StreamedBody.chunkSize)
                        let chunk = Data(data[data.startIndex + position.offset..<data.startIndex + end])
                        position.offset = end
                        return chunk
                    }
                    position.data = nil
                    continue
                }
                if let handle = position.handle {
                    guard position.remaining > 0 else {
                        try? handle.close()
                        position.handle = nil
                        continue
                    }
                    let chunk: Data
                    do {
                        chunk = try handle.read(upToCount: min(position.remaining, StreamedBody.chunkSize)) ?? Data()
                    } catch {
                        throw TransportError(
                            .invalidRequest, detail: "a file of the body cannot be read: \(error.localizedDescription)")
                    }
                    guard !chunk.isEmpty else {
                        throw TransportError(
                            .invalidRequest, detail: "a file of the body became shorter after the request was built")
                    }
                    position.remaining -= chunk.count
                    return chunk
                }
                guard position.index < segments.count else { return nil }
                let segment = segments[position.index]
                position.index += 1
                switch segment {
                case .data(let bytes):
                    position.data = bytes
                    position.offset = 0
                case .file(let url, let length):
                    do {
                        position.handle = try FileHandle(forReadingFrom: url)
                    } catch {
                        throw TransportError(
                            .invalidRequest,
                            detail: "the file \(url.path) of the body cannot be read: \(error.localizedDescription)")
                    }
                    position.remaining = length
                }
            }
        }
    }
}
