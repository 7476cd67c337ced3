import Foundation

/// libFuzzer's driver, from the runtime `-sanitize=fuzzer` links. SwiftPM renames an executable's
/// `main`, so the harness has one of its own that hands the command line to the driver.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// One input, a spec file's bytes, through load → validate → render. A broken promise
/// (``PipelineInvariants``) stops the process, so libFuzzer keeps the input as a finding.
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let problems = PipelineInvariants.violations(for: bytes)
    if !problems.isEmpty {
        FileHandle.standardError.write(Data(("courier-fuzz: " + problems.joined(separator: "\ncourier-fuzz: ") + "\n").utf8))
        abort()
    }
    return 0
}

@main
enum CourierFuzz {
    static func main() {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(runFuzzerDriver(&argc, &argv) { data, size in fuzzOneInput(data, size) })
    }
}
