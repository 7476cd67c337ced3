import ArgumentParser
import CourierGenerator
import Foundation

/// The `courier` command: validates specs and generates Swift clients from them.
struct Courier: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "courier",
        abstract: "Turns declarative YAML service specs into typed Swift clients.",
        discussion: """
            Spec files are named NAME.courier.yaml. Diagnostics print as path:line:column: error: message.
            Exit status: 0 success, 1 spec errors, 2 usage errors.
            """,
        version: CourierGenerator.version,
        subcommands: [Generate.self, Validate.self]
    )
}

/// Runs the command with Courier's exit statuses: ArgumentParser's usage failures exit 2, not 64.
@main
enum CourierMain {
    static func main() {
        do {
            var command = try Courier.parseAsRoot()
            try command.run()
        } catch {
            let code = Courier.exitCode(for: error)
            let message = Courier.fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                exit(0)
            }
            if !message.isEmpty { StandardError.write(message) }
            exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}

/// Writes lines to standard error.
enum StandardError {
    static func write(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
