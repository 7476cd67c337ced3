import CourierTestSupport
import Foundation
import Testing

@testable import CourierRuntime

/// ICU's answer, which ``ScalarPattern`` must give.
private func icuMatches(_ pattern: String, _ text: String) -> Bool? {
    guard let expression = try? NSRegularExpression(pattern: pattern) else { return nil }
    return expression.rangeOfFirstMatch(in: text, range: NSRange(location: 0, length: text.utf16.count)).location
        != NSNotFound
}

/// Strings that tell items apart: ASCII of every kind, line terminators, letters, digits, marks
/// and spaces of other scripts, and a scalar beyond the Basic Multilingual Plane.
private let alphabet: [String] = [
    "a", "b", "z", "A", "Z", "0", "7", "9", "_", "-", ".", "$", "^", " ", "\t", "\n", "\r", "\u{0B}", "\u{0C}",
    "\u{85}", "\u{2028}", "\u{2029}", "é", "ß", "Ж", "中", "٣", "\u{0301}", "\u{00A0}", "\u{3000}", "\u{200C}",
    "✓", "😀", "\\", "]", "&", "‿",
]

@Suite("Patterns matched without ICU", .timeLimit(.minutes(3)))
struct ScalarPatternTests {
    /// Patterns of the shape, with strings around each one's edges.
    static let cases: [(pattern: String, texts: [String])] = [
        (
            "^[A-Z]{3}$",
            [
                "EUR", "EU", "EURO", "eur", "EUR\n", "EUR\r\n", "EUR\n\n", "EUR\r", "EUR\u{2028}", "EUR\u{85}", "\nEUR",
                "",
            ]
        ),
        (
            "^ord_[A-Za-z0-9]{8,32}$",
            [
                "ord_8fJ2kQ9x", "ord_8fJ2kQ9", "ord_" + String(repeating: "a", count: 32),
                "ord_" + String(repeating: "a", count: 33), "ORD_12345678", "ord_1234567é",
            ]
        ),
        ("[0-9]", ["abc", "a1c", "", "٣"]),
        ("\\d", ["٣", "x", "7", "Ⅻ"]),
        ("^\\w+$", ["abc_12", "é", "a\u{0301}", "a-b", "a\u{200C}b", "‿", "中文", "😀", ""]),
        ("^\\s*$", ["", " ", "\t\n", "\u{00A0}", "\u{3000}", "\u{85}", "\u{200B}", "x"]),
        ("^\\S+\\W\\D$", ["ab!c", "ab c", "ab!1", "é é"]),
        ("a.c", ["abc", "a\nc", "a\rc", "a\u{2028}c", "a😀c", "aéc"]),
        ("^$", ["", "\n", "\r\n", "\n\n", "x", "\r"]),
        ("^", ["", "x"]),
        ("$", ["", "x\n"]),
        ("colou?r", ["color", "colour", "colouur", "my colour!"]),
        ("^a*b+c?$", ["b", "aab", "abbc", "ac", "abcc", ""]),
        ("^x{0}y$", ["y", "xy"]),
        ("^x{2,}$", ["x", "xx", "xxxxx"]),
        ("^a{1,3}?b$", ["ab", "aaab", "aaaab"]),
        ("^[^a-c]+$", ["def", "dae", "\n", "é"]),
        ("^[-a]$", ["-", "a", "b"]),
        ("^[a-]$", ["-", "a", "b"]),
        ("^[a b]$", [" ", "a", "ab"]),
        ("^[\\w.%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$", ["ada@example.com", "ada@example", "a.b+c@x.io", "é@x.io"]),
        ("^[\\d\\s]+$", ["1 2", "1_2", "٣ ٣"]),
        ("^[^\\d]$", ["a", "1", "٣"]),
        ("^[\\]\\\\]$", ["]", "\\", "a"]),
        ("\\$\\.\\^", ["$.^", "$x^"]),
        ("^price: \\$[0-9]+\\.[0-9]{2}$", ["price: $10.00", "price: 10.00", "price: $1.5"]),
        ("^[✓é中]+$", ["✓", "é中", "e"]),
        ("^é$", ["é", "e\u{0301}"]),
        ("^😀{2}$", ["😀😀", "😀"]),
        ("^\\t\\n\\r\\f$", ["\t\n\r\u{0C}", "\t\n\r"]),
        ("^[a-z]+(_[A-Za-z0-9]+)*$", ["snake_Case", "snake__case"]),
        ("^\\p{L}+$", ["abc", "a1"]),
        ("ab|cd", ["ab", "cd", "ef"]),
    ]

    @Test("gives ICU's answer for patterns of its shape and their edge cases; Pattern does for the others too")
    func edgeCases() {
        for (pattern, texts) in Self.cases {
            let compact = ScalarPattern(pattern)
            let shared = Pattern(pattern)
            for text in texts {
                guard let expected = icuMatches(pattern, text) else {
                    Issue.record("ICU does not compile \(pattern)")
                    continue
                }
                if let compact {
                    #expect(compact.matches(text) == expected, "\(pattern) on \(text.debugDescription)")
                }
                #expect(shared.matches(text) == expected, "Pattern(\(pattern)) on \(text.debugDescription)")
            }
        }
    }

    @Test("takes the common shapes and leaves the rest to ICU")
    func shapes() {
        for pattern in [
            "^[A-Z]{3}$", "^ord_[A-Za-z0-9]{8,32}$", "\\d", "^[\\w.%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$", "^$", "^", "$",
        ] {
            #expect(ScalarPattern(pattern) != nil, "\(pattern)")
        }
        for pattern in [
            "^[a-z]+(_[A-Za-z0-9]+)*$", "ab|cd", "\\p{L}", "[[a-z]&&[^aeiou]]", "[:alpha:]", "(?i)abc", "a*+",
            "a**", "\\bword\\b", "(a)\\1", "a{2,1}", "a{", "[]a]", "[a-\\d]", "[z-a]", "a{64}", "\\Qa.b\\E",
            "\\x41", "\\u0041", "a$b", "a^b", "[a", "\\", "",
        ] {
            #expect(ScalarPattern(pattern) == nil, "\(pattern)")
        }
    }

    @Test("gives ICU's answer for thousands of random patterns of its shape on random strings")
    func randomAgreement() {
        var random = SeededGenerator(state: 0x5EED)
        let atoms = [
            "a", "b", "é", "中", ".", "\\d", "\\D", "\\w", "\\W", "\\s", "\\S", "\\.", "\\$", "\\n", " ", "😀",
            "[ab]", "[^ab]", "[a-z]", "[^a-z0-9]", "[\\d_]", "[\\s.]", "[-é]", "[é-中]", "[^\\w]", "[a b]", "[\\]\\\\]",
            "\\t",
        ]
        let quantifiers = ["", "", "", "?", "*", "+", "{2}", "{1,3}", "{0,2}", "{2,}", "*?", "+?", "{1,2}?"]
        var compared = 0
        for _ in 0..<600 {
            var pattern = Bool.random(using: &random) ? "^" : ""
            for _ in 0..<Int.random(in: 0...4, using: &random) {
                pattern += atoms.randomElement(using: &random)! + quantifiers.randomElement(using: &random)!
            }
            if Bool.random(using: &random) { pattern += "$" }
            if pattern.isEmpty { pattern = "^" }
            guard let compact = ScalarPattern(pattern) else {
                Issue.record("\(pattern) is of the shape but was not taken")
                continue
            }
            for _ in 0..<12 {
                var text = ""
                for _ in 0..<Int.random(in: 0...6, using: &random) { text += alphabet.randomElement(using: &random)! }
                let expected = icuMatches(pattern, text)
                #expect(compact.matches(text) == expected, "\(pattern.debugDescription) on \(text.debugDescription)")
                compared += 1
            }
        }
        #expect(compared == 600 * 12)
    }
}
