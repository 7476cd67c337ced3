/// One event of a `text/event-stream`, as the WHATWG event-stream algorithm dispatches it.
public struct ServerSentEvent: Sendable, Hashable {
    /// The `event:` field, or `message` when the event names none.
    public var type: String
    /// The `data:` lines, joined with line feeds.
    public var data: String
    /// The last event ID when the event was dispatched: set by this event's `id:` field or an
    /// earlier one, and empty when none was ever sent. A reconnection sends it as `Last-Event-ID`.
    public var id: String

    /// Creates an event.
    public init(type: String = "message", data: String, id: String = "") {
        self.type = type
        self.data = data
        self.id = id
    }
}

/// What the event-stream parser found in a chunk of bytes, in order.
public enum ServerSentEventItem: Sendable, Hashable {
    /// An event, dispatched by a blank line.
    case event(ServerSentEvent)
    /// A `retry:` field: how long to wait before reconnecting, in milliseconds.
    case retry(milliseconds: Int)
    /// An event without data whose `id:` field changed the last event ID: nothing to deliver,
    /// but a reconnection must resume after it.
    case lastEventID(String)
}

/// A `text/event-stream` that cannot be read.
public struct ServerSentEventError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The longest line or event the parser accepts, in bytes.
    public var limit: Int

    /// Creates the error for `limit`.
    public init(limit: Int) {
        self.limit = limit
    }

    /// One line naming the limit.
    public var description: String {
        "the event stream sent a line or event longer than \(limit) bytes"
    }
}

/// Parses a `text/event-stream` as its bytes arrive, following the WHATWG HTML standard's
/// event-stream interpretation exactly: CR, LF and CRLF end lines (a CRLF split across chunks
/// too), a leading byte-order mark is skipped, `:` lines are comments, one space after the colon
/// is dropped, `data` lines join with line feeds, an `id` holding NUL is ignored, `retry` counts
/// only when it is all ASCII digits, unknown fields are ignored, a blank line dispatches, an
/// event without data is not dispatched, and an unfinished event at the end is dropped.
///
/// Text is decoded as UTF-8, with invalid bytes replaced, as the standard decodes the stream.
/// Memory is bounded: a line or an event's data longer than `maxEventSize` bytes fails the
/// stream instead of growing without end.
public struct ServerSentEventParser: Sendable {
    /// The last event ID so far; what a reconnection sends as `Last-Event-ID`.
    public private(set) var lastEventID: String
    /// The longest line or event data accepted, in bytes.
    public let maxEventSize: Int

    private var line: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false
    private var eventType = ""
    private var idBuffer: String
    /// Whether the previous chunk ended with CR, so a LF opening this one ends no second line.
    private var afterCarriageReturn = false
    /// How many bytes of a leading byte-order mark have been skipped; 3 once past the start.
    private var byteOrderMarkSeen = 0

    /// A parser resuming after `lastEventID` (empty for a new stream).
    public init(lastEventID: String = "", maxEventSize: Int = 1 << 20) {
        self.lastEventID = lastEventID
        self.idBuffer = lastEventID
        self.maxEventSize = maxEventSize
    }

    /// Reads the next bytes of the stream and returns what they complete.
    ///
    /// Inlined into the caller, so that bytes in contiguous storage (an array, `Data`, a buffer)
    /// are read through a pointer rather than a generic iterator.
    @inlinable
    public mutating func parse(_ bytes: some Sequence<UInt8>) throws(ServerSentEventError) -> [ServerSentEventItem] {
        let parsed =
            bytes.withContiguousStorageIfAvailable { buffer in parseContiguous(buffer) }
            ?? Array(bytes).withUnsafeBufferPointer { buffer in parseContiguous(buffer) }
        return try parsed.get()
    }

    /// ``parse(_:)`` over bytes in memory.
    @usableFromInline
    mutating func parseContiguous(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<
        [ServerSentEventItem], ServerSentEventError
    > {
        Result { () throws(ServerSentEventError) in try parseBytes(bytes) }
    }

    private mutating func parseBytes(_ bytes: UnsafeBufferPointer<UInt8>) throws(ServerSentEventError)
        -> [ServerSentEventItem]
    {
        var items: [ServerSentEventItem] = []
        for byte in bytes {
            if byteOrderMarkSeen < 3 {
                let mark: [UInt8] = [0xEF, 0xBB, 0xBF]
                if byte == mark[byteOrderMarkSeen] {
                    byteOrderMarkSeen += 1
                    continue
                }
                // Not a byte-order mark after all: the bytes taken for one are text.
                line.append(contentsOf: mark.prefix(byteOrderMarkSeen))
                byteOrderMarkSeen = 3
            }
            switch byte {
            case UInt8(ascii: "\n"):
                if afterCarriageReturn {
                    afterCarriageReturn = false
                    continue
                }
                try endLine(into: &items)
            case UInt8(ascii: "\r"):
                afterCarriageReturn = true
                try endLine(into: &items)
            default:
                afterCarriageReturn = false
                guard line.count < maxEventSize else { throw ServerSentEventError(limit: maxEventSize) }
                line.append(byte)
            }
        }
        return items
    }

    /// Ends the stream: an event not yet dispatched by a blank line is dropped, as the standard
    /// says, and the parser is ready for a new connection that resumes after ``lastEventID``.
    public mutating func finish() {
        line.removeAll(keepingCapacity: true)
        data.removeAll(keepingCapacity: true)
        hasData = false
        eventType = ""
        idBuffer = lastEventID
        afterCarriageReturn = false
        byteOrderMarkSeen = 0
    }

    private mutating func endLine(into items: inout [ServerSentEventItem]) throws(ServerSentEventError) {
        defer { line.removeAll(keepingCapacity: true) }
        guard !line.isEmpty else {
            dispatch(into: &items)
            return
        }
        if line[0] == UInt8(ascii: ":") { return }
        let colon = line.firstIndex(of: UInt8(ascii: ":"))
        let field = line[..<(colon ?? line.endIndex)]
        var valueStart = colon.map { line.index(after: $0) } ?? line.endIndex
        if valueStart < line.endIndex, line[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
        let value = line[valueStart...]
        if field.elementsEqual("data".utf8) {
            guard data.count + value.count < maxEventSize else { throw ServerSentEventError(limit: maxEventSize) }
            data.append(contentsOf: value)
            data.append(UInt8(ascii: "\n"))
            hasData = true
        } else if field.elementsEqual("event".utf8) {
            eventType = String(decoding: value, as: UTF8.self)
        } else if field.elementsEqual("id".utf8) {
            if !value.contains(0) { idBuffer = String(decoding: value, as: UTF8.self) }
        } else if field.elementsEqual("retry".utf8) {
            if !value.isEmpty, value.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
                var milliseconds = 0
                for digit in value {
                    let (times, overflowTimes) = milliseconds.multipliedReportingOverflow(by: 10)
                    let (sum, overflowSum) = times.addingReportingOverflow(Int(digit - UInt8(ascii: "0")))
                    milliseconds = overflowTimes || overflowSum ? Int.max : sum
                }
                items.append(.retry(milliseconds: milliseconds))
            }
        }
    }

    private mutating func dispatch(into items: inout [ServerSentEventItem]) {
        let idChanged = idBuffer != lastEventID
        lastEventID = idBuffer
        defer {
            data.removeAll(keepingCapacity: true)
            hasData = false
            eventType = ""
        }
        guard hasData else {
            if idChanged { items.append(.lastEventID(lastEventID)) }
            return
        }
        if data.last == UInt8(ascii: "\n") { data.removeLast() }
        let type = eventType.isEmpty ? "message" : eventType
        items.append(.event(ServerSentEvent(type: type, data: String(decoding: data, as: UTF8.self), id: lastEventID)))
    }
}
