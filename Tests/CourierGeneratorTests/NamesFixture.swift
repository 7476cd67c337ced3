import CourierSpec

/// Writes the names fixture: specs that use every Swift keyword, common standard-library type
/// name and name the templates declare, in every position a spec name takes (server, auth
/// scheme, header, error, model, property, enum value, union variant, endpoint, path, query and
/// header parameter). Its generated code is compiled with warnings as errors by the
/// `HardenedClientTests` target; a test checks the committed fixture is what this writes.
///
/// Names whose lowercase forms meet go to a second spec, since `self` and `Self` (say) become
/// one Swift name and are rightly reported as a collision. Names the validator refuses in a
/// position by design (``ReservedNames``) are left out of that position; the hostile-input
/// tests check those refusals.
enum NamesFixture {
    /// Keywords Swift reserves only in some places, which escaping must still get right.
    static let contextualKeywords = [
        "get", "set", "willSet", "didSet", "mutating", "nonmutating", "override", "convenience", "dynamic", "final",
        "indirect", "lazy", "optional", "required", "unowned", "weak", "actor", "macro", "consume", "copy", "discard",
        "then", "sending", "isolated", "borrowing", "consuming", "nonisolated", "unsafe",
    ]

    /// Standard types a name could shadow.
    static let standardTypes = [
        // Not `Void`: swift-testing's macros name it unqualified, so the fixture's test target
        // could not hold tests beside a model of that name (generated code itself is fine).
        "Int", "String", "Bool", "Double", "Float", "Array", "Dictionary", "Optional", "Result", "Error", "Never",
        "Data", "Date", "UUID", "URL", "Decimal", "Codable", "Hashable", "Sendable", "Equatable", "Decoder", "Encoder",
        "CodingKey",
    ]

    /// Identifiers the templates declare or use in the scopes where spec names land.
    static let templateIdentifiers = [
        "request", "headers", "runtime", "recorder", "handler", "page", "cursor", "configuration", "fromEnvironment",
        "calls", "url", "custom", "credentials", "environment", "apply", "name", "rawValue", "hashValue", "hash",
        "encode",
        "decoder", "encoder", "container", "codingKeys", "value", "key", "token", "username", "password", "reader",
        "server", "auth", "timeout", "transport", "description", "debugDescription", "send", "mock", "error",
        "declared",
        "items", "next", "isLast", "Indirect", "JSONValue",
    ]

    /// Every name the fixture uses, in a fixed order.
    static var allNames: [String] {
        var names: [String] = []
        let sources: [[String]] = [
            SwiftNaming.keywords.sorted(), contextualKeywords, standardTypes, templateIdentifiers,
            ReservedNames.clientMembers.sorted(), ReservedNames.endpointLocals.sorted(),
            ReservedNames.serverMembers.sorted(),
            ReservedNames.authMembers.sorted(), ReservedNames.modelMembers.sorted(), ReservedNames.modules.sorted(),
            ReservedNames.nestedTypes.sorted(), ReservedNames.fileScopeTypes.sorted(),
        ]
        for name in sources.joined() where !names.contains(name) { names.append(name) }
        return names
    }

    /// Whether the validator refuses `name` in `position` by design.
    static func isRefused(_ name: String, in position: String) -> Bool {
        let lower = SwiftNaming.lowerCamelCase(name)
        let upper = SwiftNaming.upperCamelCase(name)
        switch position {
        case "model":
            let types = ReservedNames.modules.union(ReservedNames.nestedTypes).union(ReservedNames.fileScopeTypes)
            return name.first?.isLetter != true || types.contains(upper)
        case "endpoint": return name.first?.isLetter != true || ReservedNames.clientMembers.contains(lower)
        case "server": return ReservedNames.serverMembers.contains(lower)
        case "auth": return ReservedNames.authMembers.contains(lower)
        case "property": return ReservedNames.modelMembers.contains(lower)
        case "enum", "variant": return lower == ReservedNames.unknownCase
        case "query", "path": return ["options"].contains(lower)
        default: return false
        }
    }

    /// The two specs, by file name.
    static var specs: [(name: String, text: String)] {
        var groups: [[String]] = [[], []]
        var lowered = Set<String>()
        for name in allNames {
            groups[lowered.insert(name.lowercased()).inserted ? 0 : 1].append(name)
        }
        return [
            ("names-a.courier.yaml", spec(groups[0], suffix: "A", withModels: true)),
            ("names-b.courier.yaml", spec(groups[1], suffix: "B", withModels: false)),
        ]
    }

    static func quoted(_ name: String) -> String { "\"" + name + "\"" }

    static func spec(_ all: [String], suffix: String, withModels: Bool) -> String {
        func names(_ position: String) -> [String] { all.filter { !isRefused($0, in: position) } }
        var lines = [
            "# Generated by NamesFixture.swift (COURIER_UPDATE_FIXTURES=1 rewrites it): every keyword and",
            "# generated name in every naming position.", "courier: 1", "service: Names\(suffix)", "servers:",
        ]
        for (index, name) in names("server").enumerated() {
            lines.append("  \(quoted(name)): http://127.0.0.1:\(index + 1)")
        }
        lines.append("auth:")
        for name in names("auth") { lines.append("  \(quoted(name)): { type: bearer }") }
        lines.append("headers:")
        for name in names("header") { lines.append("  \(quoted("X-" + name)): string?") }
        let errors = names("error")
        lines.append("errors:")
        for (index, name) in errors.enumerated() { lines.append("  \(quoted(name)): { status: \(400 + index) }") }
        lines.append("models:")
        lines.append("  Optionals\(suffix):\n    properties:")
        for name in names("property") { lines.append("      \(quoted(name)): string?") }
        lines.append("  Required\(suffix):\n    properties:")
        for name in names("property") { lines.append("      \(quoted(name)): string") }
        lines.append("  Page\(suffix):\n    properties:\n      next: string?\n      items: list<string>")
        lines.append("  Values\(suffix):\n    enum: [" + names("enum").map(quoted).joined(separator: ", ") + "]")
        lines.append("  Variant\(suffix):\n    properties:\n      kind: string")
        lines.append("  Union\(suffix):\n    oneOf:\n      discriminator: kind\n      variants:")
        for name in names("variant") { lines.append("        \(quoted(name)): Variant\(suffix)") }
        if withModels {
            for name in names("model") { lines.append("  \(quoted(name)): { properties: { x: string? } }") }
        }
        lines.append("endpoints:")
        for (index, name) in names("endpoint").enumerated() {
            lines.append(
                "  \(quoted(name)):\n    method: GET\n    path: /e\(index)/{\(name)}\n    params: { \(quoted(name)): string }\n    response: Values\(suffix)"
            )
        }
        lines.append("  everyQuery:\n    method: GET\n    path: /query\n    query:")
        for name in names("query") { lines.append("      \(quoted(name)): string?") }
        lines.append("      cursorValue: string?")
        lines.append(
            "    response: Page\(suffix)\n    pagination: { cursor: query.cursorValue, next: response.next, items: response.items }"
        )
        lines.append("  everyHeader:\n    method: POST\n    path: /header\n    body: Optionals\(suffix)\n    headers:")
        for name in names("header") { lines.append("      \(quoted("Y-" + name)): string?") }
        lines.append("    errors: [" + errors.prefix(5).map(quoted).joined(separator: ", ") + "]")
        let path = names("path")
        lines.append("  everyPath:\n    method: GET\n    path: /path/" + path.map { "{\($0)}" }.joined(separator: "/"))
        lines.append("    params: { " + path.map { quoted($0) + ": string" }.joined(separator: ", ") + " }")
        return lines.joined(separator: "\n") + "\n"
    }
}
