// Shared with the plugins (Plugins/*/PluginShared links here): Swift standard library only.

/// Path arithmetic for imports, done on the text so diagnostics show paths as the user wrote them.
public enum SpecPaths {
    /// Whether `path` may be written in `imports:`: a non-empty path relative to the importing file.
    public static func isImportPath(_ path: String) -> Bool {
        !path.isEmpty && !path.hasPrefix("/")
    }

    /// Resolves `path` against the folder of `file`: `resolve("shared/common.yaml", relativeTo: "Specs/payments.yaml")`
    /// is `Specs/shared/common.yaml`; `.` and `..` segments are folded where they can be.
    public static func resolve(_ path: String, relativeTo file: String) -> String {
        let folder = file.split(separator: "/", omittingEmptySubsequences: false).dropLast().map(String.init)
        return normalize(
            (folder + path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)).joined(
                separator: "/"))
    }

    /// Folds `.` and `a/..` segments and repeated slashes, keeping leading `..` of a relative path.
    public static func normalize(_ path: String) -> String {
        let isAbsolute = path.hasPrefix("/")
        var parts: [String] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
            } else if part == "..", isAbsolute {
                continue
            } else {
                parts.append(String(part))
            }
        }
        let joined = parts.joined(separator: "/")
        return isAbsolute ? "/" + joined : (joined.isEmpty ? "." : joined)
    }
}
