// Shared with the plugins (Plugins/*/PluginShared links here): Foundation only.

import Foundation

/// What the build plugin must know about a target's files before the generator runs: which files
/// a spec imports and which template folder a configuration names, so that each build command
/// declares every file it reads as an input.
///
/// Plugins cannot link libyaml, so this reads only the two top-level keys it needs, with
/// ``TopLevelYAMLKeys``. Where that reader is unsure it says so, and the plugin falls back to
/// declaring more inputs, never fewer; the generator itself always parses files in full.
enum PluginInputs {
    /// The name of the per-target configuration file, looked for among a target's files.
    static let configurationFileName = "courier-config.yaml"

    /// The files the spec at `path` imports, directly or through other imports, as resolved paths
    /// in the order they are found, without repeats.
    ///
    /// `complete` is `false` when some import list could not be read here (an alias, a flow mapping,
    /// an unreadable file): the list then holds what could be read, and a caller that needs every
    /// dependency must assume more.
    static func importedFiles(
        ofSpecAt path: String,
        readFile: (String) -> String? = PluginInputs.readText
    ) -> (paths: [String], complete: Bool) {
        var found: [String] = []
        var seen: Set<String> = [path]
        var pending = [path]
        var complete = true
        while !pending.isEmpty {
            let file = pending.removeFirst()
            guard let text = readFile(file) else {
                complete = false
                continue
            }
            switch TopLevelYAMLKeys.list("imports", in: text) {
            case .absent:
                continue
            case .unreadable:
                complete = false
            case .value(let imports):
                for entry in imports where SpecPaths.isImportPath(entry) {
                    let resolved = SpecPaths.resolve(entry, relativeTo: file)
                    if seen.insert(resolved).inserted {
                        found.append(resolved)
                        pending.append(resolved)
                    }
                }
            }
        }
        return (found, complete)
    }

    /// The template folder the configuration file at `path` names under `templates:`, resolved
    /// against the configuration's folder.
    static func templatesFolder(
        ofConfigurationAt path: String,
        readFile: (String) -> String? = PluginInputs.readText
    ) -> TopLevelYAMLKeys.Found<String> {
        guard let text = readFile(path) else { return .unreadable }
        switch TopLevelYAMLKeys.scalar("templates", in: text) {
        case .absent: return .absent
        case .unreadable: return .unreadable
        case .value(let folder): return .value(SpecPaths.resolve(folder, relativeTo: path))
        }
    }

    /// Reads a UTF-8 text file, or returns `nil` when it cannot.
    static func readText(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }
}

/// A deliberately small reader of top-level keys in YAML text: a scalar, or a list of scalars in
/// flow (`[a, "b"]`) or block (`- a`) form, plain or quoted.
///
/// Anything else (aliases, tags, block scalars, flow mappings, nested collections) is reported as
/// ``Found/unreadable`` instead of being guessed at.
enum TopLevelYAMLKeys {
    /// What a lookup found.
    enum Found<Value: Equatable>: Equatable {
        /// The key is not there, or its value is null.
        case absent
        /// The key's value.
        case value(Value)
        /// The key is there, but its value has a shape this reader does not handle.
        case unreadable
    }

    /// The list of scalars under the top-level `key`.
    static func list(_ key: String, in text: String) -> Found<[String]> {
        guard let (rest, following) = locate(key, in: text) else { return .absent }
        if rest.isEmpty { return blockList(following) }
        guard rest.hasPrefix("[") else { return isNull(rest) ? .absent : .unreadable }
        var flow = String(rest.dropFirst())
        var remaining = following[...]
        while !flow.contains("]") {
            guard let next = remaining.first else { return .unreadable }
            flow += " " + stripComment(next)
            remaining = remaining.dropFirst()
        }
        guard let close = flow.lastIndex(of: "]"),
            flow[flow.index(after: close)...].trimmingCharacters(in: .whitespaces).isEmpty
        else { return .unreadable }
        var items: [String] = []
        for piece in splitOutsideQuotes(String(flow[..<close])) {
            let trimmed = piece.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let item = scalar(trimmed) else { return .unreadable }
            items.append(item)
        }
        return .value(items)
    }

    /// The scalar under the top-level `key`.
    static func scalar(_ key: String, in text: String) -> Found<String> {
        guard let (rest, following) = locate(key, in: text) else { return .absent }
        if rest.isEmpty {
            let nested = following.contains { !$0.isEmpty && !stripComment($0).isEmpty }
            return nested ? .unreadable : .absent
        }
        if isNull(rest) { return .absent }
        return scalar(rest).map(Found.value) ?? .unreadable
    }

    // MARK: - Reading

    /// The value text after `key:` on its line (comment removed, trimmed) and the lines that follow
    /// up to the next top-level line; `nil` when the key is not at the top level.
    private static func locate(_ key: String, in text: String) -> (String, [String])? {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        let spellings = [key + ":", "\"\(key)\":", "'\(key)':"]
        for (index, line) in lines.enumerated() {
            guard let spelling = spellings.first(where: { line.hasPrefix($0) }) else { continue }
            let rest = stripComment(String(line.dropFirst(spelling.count)))
            guard rest.isEmpty || line.dropFirst(spelling.count).first?.isWhitespace == true else { continue }
            var following: [String] = []
            for next in lines[(index + 1)...] {
                let content = stripComment(next)
                if !content.isEmpty, next.first?.isWhitespace != true, !content.hasPrefix("-") { break }
                following.append(next)
            }
            return (rest, following)
        }
        return nil
    }

    /// The items of a block sequence (`- item` lines).
    private static func blockList(_ lines: [String]) -> Found<[String]> {
        var items: [String] = []
        for line in lines {
            let content = stripComment(line)
            if content.isEmpty { continue }
            guard content.hasPrefix("-") else { return .unreadable }
            let value = content.dropFirst().trimmingCharacters(in: .whitespaces)
            guard content.dropFirst().first?.isWhitespace == true, let item = scalar(value) else { return .unreadable }
            items.append(item)
        }
        return items.isEmpty ? .absent : .value(items)
    }

    /// A plain, single-quoted or double-quoted scalar; `nil` for anything else.
    private static func scalar(_ text: String) -> String? {
        guard let first = text.first else { return nil }
        switch first {
        case "\"":
            return doubleQuoted(text)
        case "'":
            guard text.count >= 2, text.hasSuffix("'") else { return nil }
            let inner = text.dropFirst().dropLast()
            return inner.replacingOccurrences(of: "''", with: "'")
        case "[", "]", "{", "}", "&", "*", "!", "|", ">", "%", "@", "`", ",":
            return nil
        default:
            return text
        }
    }

    /// A double-quoted scalar with the common escapes; `nil` for others or an unterminated one.
    private static func doubleQuoted(_ text: String) -> String? {
        var result = ""
        var escaped = false
        for (offset, character) in text.dropFirst().enumerated() {
            if escaped {
                switch character {
                case "\"", "\\", "/": result.append(character)
                case "t": result.append("\t")
                case "n": result.append("\n")
                default: return nil
                }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                return offset == text.count - 2 ? result : nil
            } else {
                result.append(character)
            }
        }
        return nil
    }

    /// Whether a value spells null.
    private static func isNull(_ value: String) -> Bool {
        ["~", "null", "Null", "NULL"].contains(value)
    }

    /// The line without a trailing `# comment` (a `#` at the start or after whitespace, outside
    /// quotes), trimmed.
    private static func stripComment(_ line: String) -> String {
        var quote: Character?
        var previous: Character = " "
        var end = line.endIndex
        for index in line.indices {
            let character = line[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "#", previous.isWhitespace {
                end = index
                break
            }
            previous = character
        }
        return line[..<end].trimmingCharacters(in: .whitespaces)
    }

    /// Splits flow-sequence content at commas outside quotes.
    private static func splitOutsideQuotes(_ text: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "," {
                pieces.append(current)
                current = ""
                continue
            }
            current.append(character)
        }
        pieces.append(current)
        return pieces
    }
}
