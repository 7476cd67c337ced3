/// Which characters of spec text may be written as they are into a terminal line, a Swift
/// comment or a Swift string literal, and how the others are shown.
///
/// Spec text is untrusted: a description, a name or a file name can hold anything YAML can
/// carry. Written raw, a line break ends a `//` comment (Swift ends a line at CR as well as LF)
/// or forges a second diagnostic line, and bidirectional controls make code read differently
/// from how it compiles. Everything that prints or generates spec text goes through here.
package enum TextSafety {
    /// Whether the scalar ends a line somewhere that matters: Swift ends comments at LF and CR;
    /// editors and terminals also break at VT, FF, NEL and the Unicode line and paragraph
    /// separators.
    package static func isLineBreak(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029: true
        default: false
        }
    }

    /// Whether the scalar must never be written raw: control characters (C0, DEL, C1), line
    /// breaks, bidirectional formatting controls, and the byte-order mark.
    package static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        case 0x2028, 0x2029, 0xFEFF: true
        default: false
        }
    }

    /// The scalar as a visible Swift-style escape: `\n`, `\r`, `\t`, `\0`, or `\u{202E}`.
    package static func escape(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\n": "\\n"
        case "\r": "\\r"
        case "\t": "\\t"
        case "\0": "\\0"
        default: "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        }
    }

    /// The text on one line: every unsafe scalar (line breaks included) shown as its escape.
    package static func singleLine(_ text: String) -> String {
        guard !isPrintableASCII(text), text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar) {
                result += escape(scalar)
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Whether the text is printable ASCII only (space to `~`), which needs no splitting or
    /// escaping: nearly every spec text, checked a byte at a time.
    package static func isPrintableASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    /// The text split at every line break (CRLF counts once), each line with its other unsafe
    /// scalars shown as escapes and tabs as four spaces.
    package static func lines(_ text: String) -> [String] {
        if isPrintableASCII(text) { return [text] }
        var lines: [String] = []
        var current = ""
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            if scalar == "\n", previousWasCR { continue }
            if isLineBreak(scalar) {
                lines.append(current)
                current = ""
            } else if scalar == "\t" {
                current += "    "
            } else if isUnsafe(scalar) {
                current += escape(scalar)
            } else {
                current.unicodeScalars.append(scalar)
            }
        }
        lines.append(current)
        return lines
    }
}
