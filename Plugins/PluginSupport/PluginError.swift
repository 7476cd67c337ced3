// Shared by both plugins (Plugins/*/PluginSupport links here).

/// A failure that stops the plugin: a message and, where one exists, the file it is about.
///
/// SwiftPM prints a plugin's error as `error: <description>`, so the description is the message,
/// after the file's path when there is one.
struct PluginError: Error, CustomStringConvertible {
    /// What went wrong.
    let message: String
    /// The file the problem is in, if it is in one.
    let file: String?

    /// Creates an error about `file`, or about no file in particular.
    init(_ message: String, file: String? = nil) {
        self.message = message
        self.file = file
    }

    var description: String {
        (file.map { "\($0): " } ?? "") + message
    }
}
