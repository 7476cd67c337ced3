import Foundation
import HTTPTypes
import Testing

@_spi(Generated) @testable import CourierRuntime

@Suite("Values", .timeLimit(.minutes(3)))
struct ValueTests {
    @Test func dateTimesWithAndWithoutFractionsAndOffsets() {
        #expect(ISO8601.date(from: "2026-11-21T09:30:00Z") == Date(timeIntervalSince1970: 1_795_253_400))
        #expect(ISO8601.date(from: "2026-11-21T09:30:00.125Z") == Date(timeIntervalSince1970: 1_795_253_400.125))
        #expect(ISO8601.date(from: "2026-11-21T10:30:00+01:00") == Date(timeIntervalSince1970: 1_795_253_400))
        #expect(ISO8601.date(from: "yesterday") == nil)
        #expect(ISO8601.string(from: Date(timeIntervalSince1970: 1_795_253_400)) == "2026-11-21T09:30:00Z")
        #expect(ISO8601.string(from: Date(timeIntervalSince1970: 1_795_253_400.5)) == "2026-11-21T09:30:00.500Z")
    }

    @Test func calendarDates() {
        #expect(CalendarDate("2024-02-29") == CalendarDate(year: 2024, month: 2, day: 29))
        #expect(CalendarDate("2024-13-01") == nil)
        #expect(CalendarDate("24-1-1") == nil)
        #expect(CalendarDate(year: 7, month: 3, day: 4).description == "0007-03-04")
    }

    @Test(arguments: [
        ("250ms", Duration.milliseconds(250)), ("5s", .seconds(5)), ("2m", .seconds(120)), ("1h", .seconds(3600)),
        ("1.5", .milliseconds(1500)),
    ])
    func durations(text: String, duration: Duration) {
        #expect(EnvironmentReader.parseDuration(text) == duration)
    }

    @Test(arguments: ["", "5x", "-1s", "ms", "inf"])
    func badDurations(text: String) {
        #expect(EnvironmentReader.parseDuration(text) == nil)
    }

    @Test func serverURLs() {
        let server = ServerURL("HTTPS://api.example.com:8443/base/")
        #expect(server.scheme == "https")
        #expect(server.authority == "api.example.com:8443")
        #expect(server.pathPrefix == "/base")
        #expect(ServerURL("https://example.com?x=1").problem != nil)
        #expect(ServerURL("not a url").problem != nil)
    }

    @Test func secretsAreRedacted() {
        let secret = Secret("hunter2")
        var dumped = ""
        dump(secret, to: &dumped)
        for text in [
            "\(secret)", String(reflecting: secret), dumped, "\(Credential.basic(username: "u", password: secret))",
        ] {
            #expect(!text.contains("hunter2"))
        }
    }

    @Test func pagesStopAtTheLastPageOrARepeatedCursor() async throws {
        let pages = PageSequence<Int, Int> { cursor in
            switch cursor {
            case nil: ([1, 2], 1)
            case 1: ([], 2)
            case 2: ([3], 2)
            default: ([99], nil)
            }
        }
        var items: [Int] = []
        for try await item in pages { items.append(item) }
        #expect(items == [1, 2, 3])
    }
}
