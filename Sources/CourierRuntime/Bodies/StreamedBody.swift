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
    /// A reader is used by one sender at a time, which is how transports read bodies.
    public final class Reader: @unchecked Sendable {
        // Safe to send between threads but not to share: a transport reads a body from one place
        // at a time (URLSession from its delegate queue, AsyncHTTPClient from one task), and each
        // attempt makes a reader of its own.
        private let segments: [Segment]
        private var index = 0
        private var data: Data?
        private var offset = 0
        private var handle: FileHandle?
        private var remaining = 0

        init(segments: [Segment]) {
            self.segments = segments
        }

        deinit {
            try? handle?.close()
        }

        /// The next chunk, at most ``StreamedBody/chunkSize`` bytes, or `nil` at the end.
        public func next() throws(TransportError) -> Data? {
            while true {
                if let data {
                    if offset < data.count {
                        let end = min(data.count, offset + StreamedBody.chunkSize)
                        let chunk = Data(data[data.startIndex + offset..<data.startIndex + end])
                        offset = end
                        return chunk
                    }
                    self.data = nil
                    continue
                }
                if let handle {
                    guard remaining > 0 else {
                        try? handle.close()
                        self.handle = nil
                        continue
                    }
                    let chunk: Data
                    do {
                        chunk = try handle.read(upToCount: min(remaining, StreamedBody.chunkSize)) ?? Data()
                    } catch {
                        throw TransportError(.invalidRequest, detail: "a file of the body cannot be read: \(error.localizedDescription)")
                    }
                    guard !chunk.isEmpty else {
                        throw TransportError(.invalidRequest, detail: "a file of the body became shorter after the request was built")
                    }
                    remaining -= chunk.count
                    return chunk
                }
                guard index < segments.count else { return nil }
                let segment = segments[index]
                index += 1
                switch segment {
                case .data(let bytes):
                    data = bytes
                    offset = 0
                case .file(let url, let length):
                    do {
                        handle = try FileHandle(forReadingFrom: url)
                    } catch {
                        throw TransportError(.invalidRequest, detail: "the file \(url.path) of the body cannot be read: \(error.localizedDescription)")
                    }
                    remaining = length
                }
            }
        }
    }
}
