import CourierSpec
import Testing

@Suite("YAML loader", .timeLimit(.minutes(3)))
struct YAMLLoaderTests {
    func load(_ text: String) -> YAMLLoader.Result {
        YAMLLoader.load(Array(text.utf8), file: "test.yaml")
    }

    @Test("Every node keeps its 1-based line and column")
    func positions() throws {
        let root = try #require(load("a: 1\nb:\n  - x\n  - { c: d }\n").root)
        let entries = try #require(root.entries)
        #expect(entries[0].key.location == SourceLocation(file: "test.yaml", line: 1, column: 1))
        #expect(entries[0].value.location.column == 4)
        let items = try #require(entries[1].value.items)
        #expect(items[0].location == SourceLocation(file: "test.yaml", line: 3, column: 5))
        #expect(items[1].location == SourceLocation(file: "test.yaml", line: 4, column: 5))
        #expect(items[1].entries?.first?.value.location.column == 10)
    }

    @Test("Scalar styles are kept, so a quoted number stays a string")
    func scalarStyles() throws {
        let entries = try #require(load("a: 1\nb: '1'\nc: \"1\"\nd: |\n  text\ne: ~\n").root?.entries)
        #expect(entries.map { $0.value.scalar?.style } == [.plain, .singleQuoted, .doubleQuoted, .literal, .plain])
        #expect(entries[3].value.scalarValue == "text\n")
        #expect(entries[4].value.scalar?.isNull == true)
        #expect(entries[1].value.scalar?.isNull == false)
    }

    @Test("An alias becomes a copy of its anchored node")
    func aliases() throws {
        let entries = try #require(load("a: &x [1, 2]\nb: *x\n").root?.entries)
        #expect(entries[1].value.items?.map(\.scalarValue) == ["1", "2"])
    }

    @Test("Merge keys apply, and explicit keys win over merged ones")
    func mergeKeys() throws {
        let entries = try #require(load("base: &b { p: 1, q: 2 }\nderived:\n  <<: *b\n  q: 3\n").root?.entries)
        let derived = try #require(entries[1].value.entries)
        let values = Dictionary(
            uniqueKeysWithValues: derived.map { ($0.key.scalarValue ?? "", $0.value.scalarValue ?? "") })
        #expect(values == ["p": "1", "q": "3"])
    }

    @Test("A list of merged mappings gives precedence to the earlier one")
    func mergeList() throws {
        let text = "a: &a { k: from-a }\nb: &b { k: from-b, only: b }\nc:\n  <<: [*a, *b]\n"
        let c = try #require(load(text).root?.entries?[2].value.entries)
        let values = Dictionary(uniqueKeysWithValues: c.map { ($0.key.scalarValue ?? "", $0.value.scalarValue ?? "") })
        #expect(values == ["k": "from-a", "only": "b"])
    }

    @Test("A byte-order mark does not shift columns")
    func byteOrderMark() throws {
        let result = YAMLLoader.load([0xEF, 0xBB, 0xBF] + Array("a: 1\n".utf8), file: "bom.yaml")
        let root = try #require(result.root)
        #expect(root.entries?.first?.key.location.column == 1)
        #expect(result.diagnostics.isEmpty)
    }

    @Test("An empty file holds no document and no error")
    func emptyFile() {
        let result = load("")
        #expect(result.root == nil)
        #expect(result.diagnostics.isEmpty)
    }

    @Test("Alias expansion is bounded: a billion-laughs document fails fast")
    func aliasBomb() {
        var text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        var previous = "a"
        for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
            text += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
            previous = name
        }
        let result = load(text)
        #expect(result.root == nil)
        #expect(result.diagnostics.first?.message.contains("aliases add more than") == true)
    }

    @Test("A large document without aliases is within the bound, however many nodes it has")
    func largeDocumentWithinBound() {
        // 60,000 entries: 120,000 nodes, more than aliases may add. Only aliases count.
        let text = (0..<60_000).map { "k\($0): v" }.joined(separator: "\n")
        #expect(load(text).root?.entries?.count == 60_000)
    }

    @Test("Aliases are counted by the bytes they copy: a large string reused many times is refused")
    func aliasBytesAreBounded() {
        let large = String(repeating: "x", count: 100_000)
        let text = "a: &big \"\(large)\"\nb: [" + Array(repeating: "*big", count: 20).joined(separator: ", ") + "]\n"
        let result = load(text)
        #expect(result.root == nil)
        let diagnostic = result.diagnostics.first
        #expect(diagnostic?.message.contains("aliases add more than") == true)
        // The alias that crosses the bound: the eleventh, at column 5 + 6 × 10 of line 2.
        #expect(diagnostic?.location.line == 2)
        #expect(diagnostic?.location.column == 65)
        // Ten copies fit: one megabyte of aliased text is allowed.
        let fits = "a: &big \"\(large)\"\nb: [" + Array(repeating: "*big", count: 10).joined(separator: ", ") + "]\n"
        #expect(load(fits).root != nil)
    }
}
