/// Splits a newline-delimited JSON stream (`application/x-ndjson`, JSON Lines) into its values'
/// bytes as they arrive.
///
/// A value ends at LF (a CR before it is dropped); blank lines are skipped; a value still open
/// when the stream ends is returned by ``finish()``, since the last line need not end with a
/// newline. A line longer than `maxLineSize` bytes fails the stream instead of growing memory.
public struct JSONLinesFramer: Sendable {
    /// The longest line accepted, in bytes.
    public let maxLineSize: Int
    private var line: [UInt8] = []

    /// A framer accepting lines up to `maxLineSize` bytes.
    public init(maxLineSize: Int = 1 << 20) {
        self.maxLineSize = maxLineSize
    }

    /// Reads the next bytes and returns the lines they complete, each one JSON value's bytes.
    ///
    /// Inlined into the caller, so that bytes in contiguous storage are read through a pointer
    /// rather than a generic iterator.
    @inlinable
    public mutating func parse(_ bytes: some Sequence<UInt8>) throws(JSONLinesError) -> [[UInt8]] {
        let parsed =
            bytes.withContiguousStorageIfAvailable { buffer in parseContiguous(buffer) }
            ?? Array(bytes).withUnsafeBufferPointer { buffer in parseContiguous(buffer) }
        return try parsed.get()
    }

    /// ``parse(_:)`` over bytes in memory.
    @usableFromInline
    mutating func parseContiguous(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<[[UInt8]], JSONLinesError> {
        Result { () throws(JSONLinesError) in try parseBytes(bytes) }
    }

    private mutating func parseBytes(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONLinesError) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if let complete = takeLine() { lines.append(complete) }
                continue
            }
            guard line.count < maxLineSize else { throw JSONLinesError(limit: maxLineSize) }
            line.append(byte)
        }
        return lines
    }

    /// Ends the stream: the last line, if it holds a value without a newline after it.
    public mutating func finish() -> [UInt8]? {
        takeLine()
    }

    private mutating func takeLine() -> [UInt8]? {
        defer { line.removeAll(keepingCapacity: true) }
        var end = line.endIndex
        if end > line.startIndex, line[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        let content = line[..<end]
        let isBlank = content.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        return isBlank ? nil : Array(content)
    }
}

/// A newline-delimited JSON stream with a line longer than the framer accepts.
public struct JSONLinesError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The longest line accepted, in bytes.
    public var limit: Int

    /// Creates the error for `limit`.
    public init(limit: Int) {
        self.limit = limit
    }

    /// One line naming the limit.
    public var description: String {
        "the stream sent a line longer than \(limit) bytes"
    }
}
