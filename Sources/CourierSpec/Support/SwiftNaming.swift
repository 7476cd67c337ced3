import Foundation

/// Turns spec names into Swift identifiers.
///
/// The validator and the generator both use these functions, so a collision the validator
/// reports is exactly a collision the generated code would have had.
public enum SwiftNaming {
    /// Words Swift reserves; an identifier spelled like one is written in backticks.
    public static let keywords: Set<String> = [
        "associatedtype", "borrowing", "class", "consuming", "deinit", "enum", "extension", "fileprivate", "func",
        "import",
        "init", "inout", "internal", "let", "nonisolated", "open", "operator", "private", "precedencegroup", "protocol",
        "public", "rethrows", "static", "struct", "subscript", "typealias", "var", "break", "case", "catch", "continue",
        "default", "defer", "do", "else", "fallthrough", "for", "guard", "if", "in", "repeat", "return", "throw",
        "switch",
        "where", "while", "Any", "as", "await", "false", "is", "nil", "self", "Self", "super", "throws", "true", "try",
        "_", "Protocol", "Type", "async", "package", "some", "any", "each", "repeat",
    ]

    /// Names that cannot be used even in backticks in the places Courier puts identifiers;
    /// they get a trailing underscore instead.
    public static let unusable: Set<String> = [
        "self", "Self", "init", "deinit", "subscript", "super", "Type", "Protocol", "_",
    ]

    /// `user_id`, `user-id`, `User ID` → `userId`; `URLPath` → `urlPath`; `3ds` → `_3ds`.
    public static func lowerCamelCase(_ name: String) -> String {
        // Most spec names are lowerCamelCase already (`getPayment`, `limit`); they keep their spelling.
        if isPlainASCIIWord(name, startingWith: UInt8(ascii: "a")...UInt8(ascii: "z")) { return finish(name) }
        let words = self.words(name)
        guard let first = words.first else { return fallback(name) }
        var result = lowercasedLeadingRun(first)
        for word in words.dropFirst() { result += capitalizedFirst(word) }
        return finish(result)
    }

    /// `payment_method` → `PaymentMethod`; `usd` → `Usd`; `2fa` → `_2fa`.
    public static func upperCamelCase(_ name: String) -> String {
        if isPlainASCIIWord(name, startingWith: UInt8(ascii: "A")...UInt8(ascii: "Z")) { return finish(name) }
        let words = self.words(name)
        guard !words.isEmpty else { return fallback(name) }
        return finish(words.map(capitalizedFirst).joined())
    }

    /// Whether `name` is ASCII letters and digits only, starting with a byte in `first`: one word
    /// that the camel-case functions leave as it is.
    private static func isPlainASCIIWord(_ name: String, startingWith first: ClosedRange<UInt8>) -> Bool {
        var bytes = name.utf8.makeIterator()
        guard let head = bytes.next(), first.contains(head) else { return false }
        while let byte = bytes.next() {
            let isLetter = (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
            let isDigit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
            guard isLetter || isDigit else { return false }
        }
        return true
    }

    /// The identifier as it must appear in source: keywords in backticks.
    public static func escaped(_ identifier: String) -> String {
        keywords.contains(identifier) ? "`\(identifier)`" : identifier
    }

    /// Words for the symbols that lead names in real APIs: GitHub's `+1` and `-1`, JSON-LD's
    /// `@type`, JSON Schema's `$ref`. A leading symbol becomes a word instead of vanishing, so
    /// `+1`, `-1` and `1` stay three names (`plus1`, `minus1`, `_1`).
    public static let leadingSymbolWords: [Unicode.Scalar: String] = [
        "+": "plus", "-": "minus", "@": "at", "$": "dollar", "#": "hash", "*": "star", "!": "not", "~": "tilde",
        "%": "percent", "&": "and", "=": "equals", "<": "lessThan", ">": "greaterThan", "^": "caret", "?": "question",
        ".": "dot", "/": "slash", "|": "or",
    ]

    /// Splits on anything that is not a letter or digit; letters and digits are kept as written.
    /// Symbols before the first letter or digit become words (``leadingSymbolWords``).
    static func words(_ name: String) -> [String] {
        var symbolWords: [String] = []
        var rest = Substring(name)
        while let scalar = rest.unicodeScalars.first, !isWordScalar(scalar) {
            if let word = leadingSymbolWords[scalar] { symbolWords.append(word) }
            rest = Substring(rest.unicodeScalars.dropFirst())
        }
        return symbolWords + textWords(rest)
    }

    /// Whether a scalar can be part of a word: an ASCII letter or digit, or a non-ASCII letter
    /// or number.
    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return isASCIILetterOrDigit(UInt8(scalar.value)) }
        return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    private static func textWords(_ name: Substring) -> [String] {
        // Spec names are nearly always ASCII, where bytes answer what `Character` properties
        // would, at a fraction of the cost: naming runs for every name of every spec.
        if name.utf8.allSatisfy({ $0 < 0x80 }) {
            return name.utf8.split(whereSeparator: { !isASCIILetterOrDigit($0) }).map {
                String(decoding: $0, as: UTF8.self)
            }
        }
        var words: [String] = []
        var current = ""
        for character in name {
            if (character.isLetter || character.isNumber)
                && character.unicodeScalars.allSatisfy(SwiftIdentifier.isContinuation)
            {
                current.append(character)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// `URLPath` → `urlPath`, `ID` → `id`, `Name` → `name`, `userID` → `userID`.
    static func lowercasedLeadingRun(_ word: String) -> String {
        if word.utf8.allSatisfy({ $0 < 0x80 }) {
            let bytes = Array(word.utf8)
            let isUpper = { (byte: UInt8) in byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") }
            var upperRun = 0
            while upperRun < bytes.count, isUpper(bytes[upperRun]) { upperRun += 1 }
            if upperRun == 0 { return word }
            let lowerCount =
                (upperRun > 1 && upperRun < bytes.count && isASCIILetter(bytes[upperRun])) ? upperRun - 1 : upperRun
            var lowered = bytes
            for index in 0..<lowerCount { lowered[index] += 0x20 }
            return String(decoding: lowered, as: UTF8.self)
        }
        let characters = Array(word)
        var upperRun = 0
        while upperRun < characters.count, characters[upperRun].isUppercase { upperRun += 1 }
        if upperRun == 0 { return word }
        // In "URLPath" the run is "URLP"; the last capital starts the next word, so keep it.
        let lowerCount =
            (upperRun > 1 && upperRun < characters.count && characters[upperRun].isLetter) ? upperRun - 1 : upperRun
        return characters[..<lowerCount].map { $0.lowercased() }.joined() + String(characters[lowerCount...])
    }

    static func capitalizedFirst(_ word: String) -> String {
        if let first = word.utf8.first, first < 0x80 {
            guard first >= UInt8(ascii: "a"), first <= UInt8(ascii: "z") else { return word }
            var bytes = Array(word.utf8)
            bytes[0] -= 0x20
            return String(decoding: bytes, as: UTF8.self)
        }
        guard let first = word.first else { return word }
        return first.uppercased() + word.dropFirst()
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    private static func isASCIILetterOrDigit(_ byte: UInt8) -> Bool {
        isASCIILetter(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }

    /// Prefixes identifiers that cannot start a Swift identifier (a digit, a combining mark);
    /// suffixes ones Swift cannot use at all. Identifiers are in Unicode's composed form (NFC),
    /// so the spellings of a name that compare equal in the spec also compare equal in Swift.
    static func finish(_ identifier: String) -> String {
        var result =
            identifier.utf8.allSatisfy({ $0 < 0x80 }) ? identifier : identifier.precomposedStringWithCanonicalMapping
        if let first = result.unicodeScalars.first, !SwiftIdentifier.isHead(first) { result = "_" + result }
        if unusable.contains(result) { result += "_" }
        return result
    }

    /// A name with no letters, digits or known symbols (`_`, `,`) becomes `_` and its code
    /// points: `_5F`.
    static func fallback(_ name: String) -> String {
        if name.isEmpty { return "_empty" }
        return "_" + name.unicodeScalars.map { String($0.value, radix: 16, uppercase: true) }.joined(separator: "_")
    }
}

/// Which scalars Swift accepts in identifiers, by the ranges of the language reference's
/// identifier grammar, less the invisible formatting controls (bidirectional controls, word
/// joiners) the grammar allows: names built of those would read differently from how they
/// compile.
enum SwiftIdentifier {
    /// Whether the scalar can start an identifier.
    static func isHead(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 {
            return (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value) || value == 0x5F
        }
        if (0x200B...0x200F).contains(value) || (0x202A...0x202E).contains(value) || (0x2060...0x206F).contains(value) {
            return false
        }
        return headRanges.contains { $0.contains(value) }
    }

    /// Whether the scalar can continue an identifier.
    static func isContinuation(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if (0x30...0x39).contains(value) { return true }
        if continuationRanges.contains(where: { $0.contains(value) }) { return true }
        return isHead(scalar)
    }

    private static let headRanges: [ClosedRange<UInt32>] = [
        0xA8...0xA8, 0xAA...0xAA, 0xAD...0xAD, 0xAF...0xAF, 0xB2...0xB5, 0xB7...0xBA, 0xBC...0xBE, 0xC0...0xD6,
        0xD8...0xF6, 0xF8...0xFF, 0x100...0x2FF, 0x370...0x167F, 0x1681...0x180D, 0x180F...0x1DBF, 0x1E00...0x1FFF,
        0x200B...0x200D, 0x202A...0x202E, 0x203F...0x2040, 0x2054...0x2054, 0x2060...0x206F, 0x2070...0x20CF,
        0x2100...0x218F, 0x2460...0x24FF, 0x2776...0x2793, 0x2C00...0x2DFF, 0x2E80...0x2FFF, 0x3004...0x3007,
        0x3021...0x302F, 0x3031...0x303F, 0x3040...0xD7FF, 0xF900...0xFD3D, 0xFD40...0xFDCF, 0xFDF0...0xFE1F,
        0xFE30...0xFE44, 0xFE47...0xFFFD, 0x10000...0x1FFFD, 0x20000...0x2FFFD, 0x30000...0x3FFFD, 0x40000...0x4FFFD,
        0x50000...0x5FFFD, 0x60000...0x6FFFD, 0x70000...0x7FFFD, 0x80000...0x8FFFD, 0x90000...0x9FFFD,
        0xA0000...0xAFFFD, 0xB0000...0xBFFFD, 0xC0000...0xCFFFD, 0xD0000...0xDFFFD, 0xE0000...0xEFFFD,
    ]

    private static let continuationRanges: [ClosedRange<UInt32>] = [
        0x300...0x36F, 0x1DC0...0x1DFF, 0x20D0...0x20FF, 0xFE20...0xFE2F,
    ]
}
