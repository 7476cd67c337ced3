import Testing

@testable import CourierGenerator

/// A hand-made render object with any keys, for testing the renderer apart from the render model.
private struct Bag: RenderObject {
    var values: [String: RenderValue]

    init(_ values: [String: RenderValue]) { self.values = values }

    static let keys = RenderKeys<Bag>(.file, "A test object.", [])

    func value(of key: RenderKeyName) -> RenderValue? { values[key.text] }
}

/// Renders `template` over `values`, with `partials` available by name.
private func render(_ template: String, _ values: [String: RenderValue] = [:], partials: [String: String] = [:]) throws
    -> String
{
    var templates = try partials.mapValues { source in try MustacheTemplate(parsing: source) }
    templates["main"] = try MustacheTemplate(parsing: template)
    let bytes = try #require(try MustacheRenderer(templates: templates).render("main", root: Bag(values)))
    return String(decoding: bytes, as: UTF8.self)
}

/// The parse error of `template`, as `line:column: message`.
private func parseError(_ template: String) -> String? {
    do {
        _ = try MustacheTemplate(parsing: template)
        return nil
    } catch {
        return "\(error.line):\(error.column): \(error.message)"
    }
}

private func node(_ values: [String: RenderValue]) -> RenderValue { .object(Bag(values)) }

@Suite("Mustache templates", .timeLimit(.minutes(3)))
struct MustacheTests {
    @Test("variables are text, never escaped; flags print as true and false; missing names print nothing")
    func variables() throws {
        let values: [String: RenderValue] = ["name": .text("A<B> & \"C\""), "flag": .flag(true)]
        #expect(
            try render("{{name}}|{{{name}}}|{{& name }}|{{flag}}|{{missing}}", values)
                == "A<B> & \"C\"|A<B> & \"C\"|A<B> & \"C\"|true|")
    }

    @Test("sections over flags, objects, lists and lines; inverted sections over what is false or empty")
    func sections() throws {
        let values: [String: RenderValue] = [
            "yes": .flag(true), "no": .flag(false), "empty": .list([]), "outer": .text("O"),
            "object": node(["inner": .text("I")]),
            "items": .list([Bag(["inner": .text("1")]), Bag(["inner": .text("2")])]),
            "lines": .lines(["a", "b"]),
        ]
        #expect(try render("{{#yes}}Y{{/yes}}{{#no}}N{{/no}}{{^no}}n{{/no}}{{^yes}}y{{/yes}}", values) == "Yn")
        #expect(try render("{{#object}}{{inner}}{{outer}}{{/object}}", values) == "IO", "names resolve outward")
        #expect(
            try render("{{#items}}[{{inner}}]{{/items}}{{^empty}}none{{/empty}}{{#empty}}x{{/empty}}", values)
                == "[1][2]none")
        #expect(try render("{{#lines}}<{{.}}>{{/lines}}", values) == "<a><b>")
        #expect(
            try render(
                "{{object.inner}}|{{#object.inner}}{{.}}{{/object.inner}}|{{object.nothing}}|{{missing.inner}}", values)
                == "I|I||")
        #expect(try render("{{^missing}}absent{{/missing}}", values) == "absent")
    }

    @Test("a tag alone on its line takes the whole line away; a tag sharing its line keeps it")
    func standaloneLines() throws {
        let values: [String: RenderValue] = ["yes": .flag(true), "name": .text("x")]
        #expect(try render("a\n  {{#yes}}\nb\n  {{/yes}}  \nc\n", values) == "a\nb\nc\n")
        #expect(try render("a\r\n{{#yes}}\r\nb\r\n{{/yes}}\r\n", values) == "a\r\nb\r\n")
        #expect(try render("a {{#yes}}\nb\n{{/yes}} c\n", values) == "a \nb\n c\n")
        #expect(try render("{{#yes}}{{name}}\n{{/yes}}", values) == "x\n")
        #expect(try render("  {{! a comment }}\nb\n{{!\nlong\n}}\nc", values) == "b\nc")
        #expect(try render("{{name}} {{! comment }}\n", values) == "x \n", "not alone: another tag is on the line")
        #expect(try render("{{#yes}}\nend{{/yes}}", values) == "end", "the last line needs no newline")
    }

    @Test("standalone partials indent every line they render; inline ones do not")
    func partials() throws {
        let values: [String: RenderValue] = ["value": .text("<\n->"), "items": .list([Bag([:])])]
        let partials = ["p": "|\n{{{value}}}\n|\n", "inline": "[\n]"]
        #expect(try render("\\\n  {{>p}}\n/\n", values, partials: partials) == "\\\n  |\n  <\n->\n  |\n/\n")
        #expect(try render("a {{>inline}} b", values, partials: partials) == "a [\n] b")
        #expect(try render("{{#items}}\n{{>p}}\n{{/items}}", values, partials: partials) == "|\n<\n->\n|\n")
    }

    @Test("set-delimiter tags change the delimiters for the rest of the template")
    func delimiters() throws {
        let values: [String: RenderValue] = ["name": .text("x"), "yes": .flag(true)]
        #expect(
            try render("{{=<% %>=}}\n<% name %> {{name}}\n<%#yes%>y<%/yes%><%={{ }}=%>{{name}}", values)
                == "x {{name}}\nyx")
    }

    @Test("malformed templates fail at the tag's line and column")
    func errors() {
        #expect(parseError("ok\n  {{#a}}\nnever closed") == "2:3: the section 'a' is never closed")
        #expect(parseError("{{#a}}{{/b}}") == "1:7: '{{/b}}' does not close the section 'a' opened at 1:1")
        #expect(parseError("x{{/a}}") == "1:2: '{{/a}}' closes no open section")
        #expect(parseError("é {{name") == "1:3: the tag is never closed with '}}'")
        #expect(parseError("{{}}") == "1:1: the tag names nothing")
        #expect(parseError("{{a..b}}") == "1:1: 'a..b' is not a name")
        #expect(
            parseError("{{=<%%>=}}")
                == "1:1: a set-delimiter tag needs two delimiters without '=' or spaces, as in '{{=<% %>=}}'")
        #expect(parseError("{{<parent}}{{/parent}}") == "1:1: template inheritance ('{{<parent}}') is not supported")
        #expect(
            parseError("{{% CONTENT_TYPE: TEXT }}")
                == "1:1: pragmas ('{{% CONTENT_TYPE: TEXT }}') are not supported; templates always render as text")
        #expect(parseError("{{>}}") == "1:1: the partial tag names no template")
    }

    @Test("partials that include each other endlessly fail with the chain instead of crashing")
    func endlessPartials() throws {
        let templates = try ["main": "{{>a}}", "a": "{{>b}}", "b": "x{{>a}}"].mapValues {
            try MustacheTemplate(parsing: $0)
        }
        #expect {
            _ = try MustacheRenderer(templates: templates).render("main", root: Bag([:]))
        } throws: { error in
            (error as? MustacheRenderer.RenderError)?.message.contains(
                "partials nest deeper than 64 levels (… → b → a → b → a → b)") == true
        }
    }

    @Test("a template's names and partials are what its tags use")
    func namesAndPartials() throws {
        let template = try MustacheTemplate(parsing: "{{a}}{{#b.c}}{{.}}{{>p}}{{/b.c}}{{^d}}{{/d}}{{! e }}")
        #expect(Set(template.names.map(\.spelling)) == ["a", "b.c", ".", "d"])
        #expect(template.partials == ["p"])
    }
}
