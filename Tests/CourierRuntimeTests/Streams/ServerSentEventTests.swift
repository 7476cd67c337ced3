import Foundation
import Testing

@_spi(Generated) @testable import CourierRuntime

/// Everything a parser makes of `chunks`, fed in order, then finished.
private func parse(_ chunks: [String], lastEventID: String = "") throws -> [ServerSentEventItem] {
    var parser = ServerSentEventParser(lastEventID: lastEventID)
    var items: [ServerSentEventItem] = []
    for chunk in chunks { items += try parser.parse(Array(chunk.utf8)) }
    parser.finish()
    return items
}

private func parse(_ text: String, lastEventID: String = "") throws -> [ServerSentEventItem] {
    try parse([text], lastEventID: lastEventID)
}

private func event(_ data: String, type: String = "message", id: String = "") -> ServerSentEventItem {
    .event(ServerSentEvent(type: type, data: data, id: id))
}

/// The WHATWG HTML standard's event-stream interpretation, case by case.
@Suite("Server-sent events: the event-stream algorithm", .timeLimit(.minutes(3)))
struct ServerSentEventTests {
    @Test("a blank line dispatches the data; data lines join with line feeds")
    func dataLines() throws {
        #expect(try parse("data: hello\n\n") == [event("hello")])
        #expect(try parse("data: a\ndata: b\ndata:\n\n") == [event("a\nb\n")])
        #expect(try parse("data\n\n") == [event("")], "a field without a colon has an empty value")
    }

    @Test("CR, LF and CRLF all end lines, and a CRLF split across chunks ends one")
    func lineEnds() throws {
        #expect(try parse("data: a\r\rdata: b\r\n\r\ndata: c\n\n") == [event("a"), event("b"), event("c")])
        #expect(try parse(["data: a\r", "\n", "\r\n"]) == [event("a")])
        #expect(try parse(["data: a\r", "\r"]) == [event("a")], "CR then CR is a blank line")
        #expect(try parse(["data: a\n", "\r\n"]) == [event("a")])
    }

    @Test("one space after the colon is dropped, and only one")
    func spaceAfterColon() throws {
        #expect(try parse("data:a\n\n") == [event("a")])
        #expect(try parse("data:  a\n\n") == [event(" a")])
        #expect(try parse("data: a: b\n\n") == [event("a: b")], "only the first colon separates")
    }

    @Test("comments and unknown fields are ignored; an event without data is not dispatched")
    func commentsAndUnknownFields() throws {
        #expect(try parse(": heartbeat\n\n: another\n\n") == [])
        #expect(try parse("foo: bar\nData: no\ndata: x\n\n") == [event("x")], "field names are case-sensitive")
        #expect(try parse("event: ping\n\n") == [], "a type alone dispatches nothing")
    }

    @Test("the event type names the event and resets after each dispatch")
    func eventType() throws {
        #expect(try parse("event: price\ndata: 1\n\ndata: 2\n\n") == [event("1", type: "price"), event("2")])
        #expect(try parse("event:\ndata: 1\n\n") == [event("1")], "an empty type is a message")
    }

    @Test("the last event ID persists across events; an id with NUL is ignored; an id alone updates it")
    func lastEventID() throws {
        #expect(try parse("id: 7\ndata: x\n\ndata: y\n\n") == [event("x", id: "7"), event("y", id: "7")])
        #expect(try parse("id: 1\ndata: a\n\nid: 2\u{0}\ndata: b\n\n") == [event("a", id: "1"), event("b", id: "1")])
        #expect(try parse("id: 9\n\ndata: z\n\n") == [.lastEventID("9"), event("z", id: "9")])
        #expect(try parse("id\ndata: reset\n\n", lastEventID: "4") == [event("reset", id: "")], "an empty id clears it")
        #expect(try parse("data: resumed\n\n", lastEventID: "3") == [event("resumed", id: "3")])
    }

    @Test("retry counts only when it is all ASCII digits")
    func retry() throws {
        #expect(try parse("retry: 1500\n") == [.retry(milliseconds: 1500)])
        #expect(try parse("retry: 15x\nretry:\nretry: -1\nretry: 1.5\n") == [])
        #expect(try parse("retry: 99999999999999999999999\n") == [.retry(milliseconds: Int.max)])
    }

    @Test("a leading byte-order mark is skipped once, even split across chunks")
    func byteOrderMark() throws {
        #expect(try parse("\u{FEFF}data: x\n\n") == [event("x")])
        var parser = ServerSentEventParser()
        var items = try parser.parse([0xEF, 0xBB])
        items += try parser.parse([0xBF] + Array("data: y\n\n".utf8))
        #expect(items == [event("y")])
        #expect(try parse("\u{FEFF}\u{FEFF}data: x\n\n") == [], "a second mark is part of the field name")
    }

    @Test("an event not finished by a blank line is dropped at the end, its id with it")
    func unfinishedEvent() throws {
        var parser = ServerSentEventParser()
        #expect(try parser.parse(Array("id: 5\ndata: x\n".utf8)) == [])
        parser.finish()
        #expect(parser.lastEventID == "")
        #expect(try parser.parse(Array("data: next\n\n".utf8)) == [event("next")])
    }

    @Test("invalid UTF-8 is replaced, as the standard decodes the stream")
    func invalidUTF8() throws {
        var parser = ServerSentEventParser()
        let items = try parser.parse(Array("data: ".utf8) + [0xFF, 0xC3] + Array("\n\n".utf8))
        #expect(items == [event("\u{FFFD}\u{FFFD}")])
    }

    @Test("a line or event longer than the limit fails instead of growing memory")
    func limits() {
        var parser = ServerSentEventParser(maxEventSize: 16)
        #expect(throws: ServerSentEventError(limit: 16)) {
            try parser.parse(Array(repeating: UInt8(ascii: "a"), count: 17))
        }
        var lines = ServerSentEventParser(maxEventSize: 16)
        #expect(throws: ServerSentEventError(limit: 16)) {
            try lines.parse(Array("data: 123456789\ndata: 123456789\n".utf8))
        }
    }

    @Test("any split of a stream into chunks gives the same items")
    func chunking() throws {
        let stream = "\u{FEFF}: hi\r\nevent: a\r\nid: 1\r\ndata: x\r\ndata: y\r\n\r\nretry: 20\rid: 2\r\rdata: z\n\n"
        let whole = try parse(stream)
        #expect(
            whole == [
                event("x\ny", type: "a", id: "1"), .retry(milliseconds: 20), .lastEventID("2"), event("z", id: "2"),
            ])
        let bytes = Array(stream.utf8)
        for size in 1...7 {
            var parser = ServerSentEventParser()
            var items: [ServerSentEventItem] = []
            var start = 0
            while start < bytes.count {
                items += try parser.parse(bytes[start..<min(start + size, bytes.count)])
                start += size
            }
            #expect(items == whole, "chunks of \(size)")
        }
    }
}

@Suite("Newline-delimited JSON framing", .timeLimit(.minutes(3)))
struct JSONLinesTests {
    @Test("values end at LF or CRLF; blank lines are skipped; the last needs no newline")
    func framing() throws {
        var framer = JSONLinesFramer()
        let lines =
            try framer.parse(Array("{\"a\":1}\r\n\n  \n{\"b\":2}\n{\"c\"".utf8)) + (try framer.parse(Array(":3}".utf8)))
        #expect(lines.map { String(decoding: $0, as: UTF8.self) } == ["{\"a\":1}", "{\"b\":2}"])
        #expect(framer.finish().map { String(decoding: $0, as: UTF8.self) } == "{\"c\":3}")
        #expect(framer.finish() == nil)
    }

    @Test("a line longer than the limit fails")
    func limit() {
        var framer = JSONLinesFramer(maxLineSize: 4)
        #expect(throws: JSONLinesError(limit: 4)) { try framer.parse(Array("12345".utf8)) }
    }
}

@Suite("Event names of a stream", .timeLimit(.minutes(3)))
struct EventNameTests {
    /// The decoding of a stream with `count` event names, `e0`…: each name's data is its number
    /// plus what the event carries.
    private func decoding(names count: Int) -> EventDecoding<StreamEvent<Int>> {
        var cases: [String: EventCase<Int>] = [:]
        for index in 0..<count {
            cases["e\(index)"] = .json(Int.self, { $0 + index * 1000 })
        }
        return .serverSentEvents(cases)
    }

    @Test(
        "each listed name decodes with its own case and any other name is unknown, with few names and with many",
        arguments: [1, 3, 8, 9, 20])
    func names(count: Int) throws {
        let decoding = decoding(names: count)
        let decoder = JSONDecoder()
        for index in 0..<count {
            #expect(try decoding.decode("e\(index)", Data("7".utf8), decoder) == .value(7 + index * 1000))
        }
        #expect(try decoding.decode("e\(count)", Data("7".utf8), decoder) == .unknown(name: "e\(count)", data: "7"))
        #expect(try decoding.decode("", Data("x".utf8), decoder) == .unknown(name: "", data: "x"))
    }
}
