import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What running a command cost: wall time and the peak resident memory of the command and every
/// process it waited for (the compiler processes of `swift build`, say).
struct Cost {
    var seconds: Double
    var peakBytes: Int

    init(seconds: Double, peakBytes: Int) {
        self.seconds = seconds
        self.peakBytes = peakBytes
    }

    /// The median time and the median peak of `costs`.
    init(median costs: [Cost]) {
        self.init(seconds: median(costs.map(\.seconds)), peakBytes: Int(median(costs.map { Double($0.peakBytes) })))
    }
}

struct CommandFailed: Error, CustomStringConvertible {
    var command: String
    var status: Int32
    var log: String
    var description: String { "`\(command)` exited with \(status); its output is in \(log)" }
}

/// Runs `arguments` in `directory` with output to `log`, and measures it. The command must exit
/// with `expectedExit` (0 unless a rejection is what is measured).
func measure(_ arguments: [String], in directory: String, log: String, expectedExit: Int32 = 0) throws -> Cost {
    // `sh -c 'cd … && exec …'`: the shell becomes the command, so its usage is the command's.
    let shell = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\" >>\"$LOG\" 2>&1", directory] + arguments
    var environment = ProcessInfo.processInfo.environment
    environment["LOG"] = log
    let started = ContinuousClock.now
    let pid = try spawn(shell, environment: environment)
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 {
        if errno != EINTR { throw CommandFailed(command: arguments.joined(separator: " "), status: -1, log: log) }
    }
    let elapsed = ContinuousClock.now - started
    let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    guard exitCode == expectedExit else { throw CommandFailed(command: arguments.joined(separator: " "), status: exitCode, log: log) }
    #if canImport(Darwin)
    let peak = Int(usage.ru_maxrss)
    #else
    let peak = Int(usage.ru_maxrss) * 1024
    #endif
    let (whole, fraction) = elapsed.components
    return Cost(seconds: Double(whole) + Double(fraction) / 1e18, peakBytes: peak)
}

/// Runs a command and returns its standard output, trimmed.
func output(of arguments: [String], in directory: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw CommandFailed(command: arguments.joined(separator: " "), status: process.terminationStatus, log: "(standard error)")
    }
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}

private func spawn(_ arguments: [String], environment: [String: String]) throws -> pid_t {
    var pid: pid_t = 0
    let argv = arguments.map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
        for pointer in argv { free(pointer) }
        for pointer in envp { free(pointer) }
    }
    let result = posix_spawn(&pid, arguments[0], nil, nil, argv, envp)
    guard result == 0 else { throw CommandFailed(command: arguments.joined(separator: " "), status: result, log: "(not started)") }
    return pid
}
