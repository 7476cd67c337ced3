import CourierGenerator
import CourierSpec

/// What Courier promises for any input, checked on one spec file: loading, validation and
/// generation never crash; a rejection always says why, at a position; every diagnostic is one
/// line (notes on their own lines) with no control characters; generated code writes no
/// control, line-breaking or bidirectional character raw.
///
/// Shared, as source, by the fuzz harness (`Fuzz/`, which links this file) and the regression
/// test that replays every input the fuzzer has found (`Fixtures/FuzzFindings`).
enum PipelineInvariants {
    /// The path the input is loaded as; its imports of `shared.courier.yaml` find ``sharedFile``.
    static let path = "fuzz.courier.yaml"
    static let sharedFile =
        "courier: 1\nmodels:\n  Shared: { properties: { id: string, tags: list<string>? } }\nerrors:\n  Gone: { status: 410 }\n"

    /// Whether a scalar must not appear raw in a diagnostic or generated code: control characters,
    /// line and paragraph separators, and the bidirectional formatting controls. Written from
    /// Unicode's categories rather than with the code under test, so the check is independent.
    static func isRawUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator: return true
        case .format: return scalar.properties.isBidiControl || scalar.value == 0xFEFF
        default: return false
        }
    }

    /// The promises `bytes` breaks; empty when it keeps them all.
    static func violations(for bytes: [UInt8]) -> [String] {
        var loader = SpecLoader { requested in
            if requested == path { return bytes }
            if requested == "shared.courier.yaml" { return Array(sharedFile.utf8) }
            throw SpecLoader.ReadError(description: "no such file")
        }
        let result = loader.load(path)
        var problems: [String] = []
        for diagnostic in result.diagnostics {
            let printed = diagnostic.description
            if printed.split(separator: "\n", omittingEmptySubsequences: false).count != 1 + diagnostic.notes.count {
                problems.append("a diagnostic spans more lines than it has notes: \(printed.debugDescription)")
            }
            if printed.unicodeScalars.contains(where: { $0 != "\n" && isRawUnsafe($0) }) {
                problems.append("a diagnostic prints a control character: \(printed.debugDescription)")
            }
            if diagnostic.location.line < 1 || diagnostic.location.column < 1 {
                problems.append("a diagnostic has no position: \(printed.debugDescription)")
            }
        }
        guard let spec = result.spec else {
            if !result.diagnostics.containsErrors { problems.append("the spec was rejected without an error") }
            return problems
        }
        do {
            for file in try CourierGenerator().generate(spec) {
                if let scalar = file.contents.unicodeScalars.first(where: { $0 != "\n" && isRawUnsafe($0) }) {
                    problems.append("\(file.name) writes U+\(String(scalar.value, radix: 16, uppercase: true)) raw")
                }
            }
        } catch {
            problems.append("generating a valid spec failed: \(error)")
        }
        return problems
    }
}
