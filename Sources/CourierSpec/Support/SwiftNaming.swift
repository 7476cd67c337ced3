/// Turns spec names into Swift identifiers.
///
/// The validator and the generator both use these functions, so a collision the validator
/// reports is exactly a collision the generated code would have had.
public enum SwiftNaming {
    /// Words Swift reserves; an identifier spelled like one is written in backticks.
    public static let keywords: Set<String> = [
        "associatedtype", "borrowing", "class", "consuming", "deinit", "enum", "extension", "fileprivate", "func", "import",
        "init", "inout", "internal", "let", "nonisolated", "open", "operator", "private", "precedencegroup", "protocol",
        "public", "rethrows", "static", "struct", "subscript", "typealias", "var", "break", "case", "catch", "continue",
        "default", "defer", "do", "else", "fallthrough", "for", "guard", "if", "in", "repeat", "return", "throw", "switch",
        "where", "while", "Any", "as", "await", "false", "is", "nil", "self", "Self", "super", "throws", "true", "try",
        "_", "Protocol", "Type", "async", "package", "some", "any", "each", "repeat",
    ]

    /// Names that cannot be used even in backticks in the places Courier puts identifiers;
    /// they get a trailing underscore instead.
    public static let unusable: Set<String> = ["self", "Self", "init", "deinit", "subscript", "super", "Type", "Protocol", "_"]

    /// `user_id`, `user-id`, `User ID` → `userId`; `URLPath` → `urlPath`; `3ds` → `_3ds`.
    public static func lowerCamelCase(_ name: String) -> String {
        let words = self.words(name)
        guard let first = words.first else { return fallback(name) }
        var result = lowercasedLeadingRun(first)
        for word in words.dropFirst() { result += capitalizedFirst(word) }
        return finish(result)
    }

    /// `payment_method` → `PaymentMethod`; `usd` → `Usd`; `2fa` → `_2fa`.
    public static func upperCamelCase(_ name: String) -> String {
        let words = self.words(name)
        guard !words.isEmpty else { return fallback(name) }
        return finish(words.map(capitalizedFirst).joined())
    }

    /// The identifier as it must appear in source: keywords in backticks.
    public static func escaped(_ identifier: String) -> String {
        keywords.contains(identifier) ? "`\(identifier)`" : identifier
    }

    /// Splits on anything that is not a letter or digit; letters and digits are kept as written.
    static func words(_ name: String) -> [String] {
        // Spec names are nearly always ASCII, where bytes answer what `Character` properties
        // would, at a fraction of the cost: naming runs for every name of every spec.
        if name.utf8.allSatisfy({ $0 < 0x80 }) {
            return name.utf8.split(whereSeparator: { !isASCIILetterOrDigit($0) }).map { String(decoding: $0, as: UTF8.self) }
        }
        var words: [String] = []
        var current = ""
        for character in name {
            if character.isLetter || character.isNumber {
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
            let lowerCount = (upperRun > 1 && upperRun < bytes.count && isASCIILetter(bytes[upperRun])) ? upperRun - 1 : upperRun
            var lowered = bytes
            for index in 0..<lowerCount { lowered[index] += 0x20 }
            return String(decoding: lowered, as: UTF8.self)
        }
        let characters = Array(word)
        var upperRun = 0
        while upperRun < characters.count, characters[upperRun].isUppercase { upperRun += 1 }
        if upperRun == 0 { return word }
        // In "URLPath" the run is "URLP"; the last capital starts the next word, so keep it.
        let lowerCount = (upperRun > 1 && upperRun < characters.count && characters[upperRun].isLetter) ? upperRun - 1 : upperRun
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
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    private static func isASCIILetterOrDigit(_ byte: UInt8) -> Bool {
        isASCIILetter(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }

    /// Prefixes identifiers that start with a digit; suffixes ones Swift cannot use at all.
    static func finish(_ identifier: String) -> String {
        var result = identifier
        if let first = result.first, first.isNumber { result = "_" + result }
        if unusable.contains(result) { result += "_" }
        return result
    }

    /// A name with no letters or digits (`+`, `-`) becomes `_` and its code points: `_2B`.
    static func fallback(_ name: String) -> String {
        if name.isEmpty { return "_empty" }
        return "_" + name.unicodeScalars.map { String($0.value, radix: 16, uppercase: true) }.joined(separator: "_")
    }
}
