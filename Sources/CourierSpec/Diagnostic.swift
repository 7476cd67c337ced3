/// A position in a spec file: the path as the user gave it, and a 1-based line and column.
///
/// Columns count characters (Unicode scalars), as libyaml reports them. A problem of a whole
/// file (one that cannot be read) has line and column 0 (``file(_:)``), and one of no file at all
/// (a command-line setting) an empty path as well (``none``).
public struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The file path exactly as the user wrote it on the command line (or as an import spelled it).
    public var file: String
    /// The 1-based line.
    public var line: Int
    /// The 1-based column.
    public var column: Int

    /// Creates a location.
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// The whole file at `path`, with no line.
    public static func file(_ path: String) -> SourceLocation { SourceLocation(file: path, line: 0, column: 0) }

    /// No file: a problem of the command line or of the generator's own settings.
    public static let none = SourceLocation(file: "", line: 0, column: 0)

    /// `path:line:column`, the prefix compilers and editors understand; `path` alone without a
    /// line, and empty without a file.
    public var description: String {
        if file.isEmpty { return "" }
        return line > 0 ? "\(file):\(line):\(column)" : file
    }

    /// ``description`` with control characters in the path shown as escapes.
    var printed: String { SourceLocation(file: TextSafety.singleLine(file), line: line, column: column).description }

    /// Orders by file, then line, then column.
    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }
}

/// A problem found in a spec, printed in the compiler format `path:line:column: error: message`.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    /// How bad a diagnostic is.
    public enum Severity: String, Hashable, Sendable, Comparable {
        /// The spec cannot be used; generation fails.
        case error
        /// The spec can be used, but probably does not do what its author meant.
        case warning
        /// Extra information attached to an error or a warning.
        case note

        private var rank: Int {
            switch self {
            case .error: 0
            case .warning: 1
            case .note: 2
            }
        }

        /// Errors sort before warnings, warnings before notes.
        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    /// A related location that helps explain the diagnostic, such as the first definition of a duplicate.
    public struct Note: Hashable, Sendable {
        /// Where the note points.
        public var location: SourceLocation
        /// What the note says.
        public var message: String

        /// Creates a note.
        public init(_ message: String, at location: SourceLocation) {
            self.message = message
            self.location = location
        }
    }

    /// Error, warning or note.
    public var severity: Severity
    /// The human-readable message, one line, no trailing period.
    public var message: String
    /// Where the problem is.
    public var location: SourceLocation
    /// Related locations, printed as `note:` lines after the diagnostic.
    public var notes: [Note]

    /// Creates a diagnostic.
    public init(_ severity: Severity, _ message: String, at location: SourceLocation, notes: [Note] = []) {
        self.severity = severity
        self.message = message
        self.location = location
        self.notes = notes
    }

    /// Creates an error.
    public static func error(_ message: String, at location: SourceLocation, notes: [Note] = []) -> Diagnostic {
        Diagnostic(.error, message, at: location, notes: notes)
    }

    /// Creates a warning.
    public static func warning(_ message: String, at location: SourceLocation, notes: [Note] = []) -> Diagnostic {
        Diagnostic(.warning, message, at: location, notes: notes)
    }

    /// The diagnostic and its notes in the compiler format, one line each.
    ///
    /// Messages quote spec text, and paths come from the file system; control characters and
    /// line breaks in either are shown as escapes (`\n`, `\u{202E}`), so a diagnostic is always
    /// exactly one line and a note another, whatever the spec holds.
    public var description: String {
        func prefix(_ location: SourceLocation) -> String {
            let printed = location.printed
            return printed.isEmpty ? "" : printed + ": "
        }
        var lines = ["\(prefix(location))\(severity.rawValue): \(TextSafety.singleLine(message))"]
        for note in notes {
            lines.append("\(prefix(note.location))note: \(TextSafety.singleLine(note.message))")
        }
        return lines.joined(separator: "\n")
    }
}

extension Array where Element == Diagnostic {
    /// Whether any diagnostic is an error.
    public var containsErrors: Bool { contains { $0.severity == .error } }

    /// The diagnostics without repeats, ordered by file, position, severity and message.
    ///
    /// A shared model file imported by several specs is checked once per importer; sorting
    /// through this keeps each of its problems to one report.
    public func sortedUnique() -> [Diagnostic] {
        var seen = Set<Diagnostic>()
        let unique = filter { seen.insert($0).inserted }
        return unique.sorted {
            if $0.location != $1.location { return $0.location < $1.location }
            if $0.severity != $1.severity { return $0.severity < $1.severity }
            return $0.message < $1.message
        }
    }
}
