import CourierRuntime
import Foundation
import Testing

/// The hardened fixtures' generated code compiles (warnings are errors in this target); these
/// cases check that the hostile spec text arrives in values exactly as the spec wrote it.
@Suite("Hardened generated code", .timeLimit(.minutes(3)))
struct HardenedClientTests {
    /// The payload the hostile fixture writes in every text position.
    static let payload: Swift.String =
        "Text.\rpublic func INJECTED() -> Swift.String { \"x\" }\r\n// \n*/ /* \"\"\" \\(x) #\" \u{202E} rtl \u{2028} sep \u{85} nel \0 nul \t tab \u{1B} esc \u{2066} isolate end"

    @Test("literals hold the spec text exactly")
    func literalsRoundTrip() throws {
        let thing = Thing()
        #expect(thing.textPublicFuncINJECTEDSwiftStringXXRtlSepNelNulTabEscIsolateEnd == Self.payload)
        #expect(thing.list == [Self.payload, "b"])
        #expect(thing.map == [Self.payload: Self.payload])
        let encoded = try JSONEncoder().encode(thing)
        let object = try #require(try JSONSerialization.jsonObject(with: encoded) as? [Swift.String: Any])
        #expect(object[Self.payload] as? Swift.String == Self.payload)
    }

    @Test("an enum value with control characters decodes to its case and encodes back")
    func enumValue() throws {
        let kinds = try JSONDecoder().decode(
            [Kinds].self, from: JSONEncoder().encode([Self.payload, "plain", "other"]))
        #expect(kinds.count == 3)
        #expect(kinds[1] == .plain)
        #expect(kinds[0].rawValue == Self.payload)
        #expect(kinds[2] == .unknown("other"))
    }

    @Test("names that meet generated members still call through the mock")
    func mockCallsWithLocalNames() async throws {
        let mock = NamesAMock()
        mock.requestHandler = { value in
            #expect(value == "r")
            return .unknown("ok")
        }
        let result = try await mock.request(request: "r")
        #expect(result == .unknown("ok"))
        #expect(mock.calls == [.request(request: "r")])
    }
}
