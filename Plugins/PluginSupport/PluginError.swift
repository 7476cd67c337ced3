// Shared by both plugins (Plugins/*/PluginSupport links here).

/// A failure that stops the plugin, with a message in the compiler's format.
struct PluginError: Error, CustomStringConvertible {
    /// The message.
    let description: String

    /// Creates an error with its message.
    init(_ description: String) { self.description = description }
}
