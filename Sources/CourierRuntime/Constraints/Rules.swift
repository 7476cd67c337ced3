import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A value whose numbers or strings a rule checks one by one: a number or string itself, or an
/// optional, list or map of them (`string?`, `list<string>`, `map<int32>`).
///
/// A rule on a list of strings checks every item; the path of a violation ends with the item's
/// index or key.
public protocol ConstrainedValues {
    /// The number or string type a rule checks.
    associatedtype Leaf
    /// Calls `body` with every number or string, adding the position to the path of a violation.
    func forEachLeaf(_ body: (Leaf) throws(ConstraintViolation) -> Void) throws(ConstraintViolation)
}

extension ConstrainedValues {
    /// Calls `check` with every number or string, with `key` in front of the path of a violation.
    @inlinable
    func forEachLeaf(
        under key: String, _ check: (Leaf) throws(ConstraintViolation) -> Void
    ) throws(ConstraintViolation) {
        do {
            try forEachLeaf(check)
        } catch {
            throw error.inside(key)
        }
    }
}

/// A number or string: what rules check, itself its only leaf.
public protocol ConstraintLeaf: ConstrainedValues where Leaf == Self {}

extension ConstraintLeaf {
    /// Calls `body` with the value itself.
    @inlinable
    public func forEachLeaf(_ body: (Self) throws(ConstraintViolation) -> Void) throws(ConstraintViolation) {
        try body(self)
    }
}

extension String: ConstraintLeaf {}
extension Int: ConstraintLeaf {}
extension Int32: ConstraintLeaf {}
extension Int64: ConstraintLeaf {}
extension Double: ConstraintLeaf {}
extension Float: ConstraintLeaf {}
extension Decimal: ConstraintLeaf {}

extension Optional: ConstrainedValues where Wrapped: ConstrainedValues {
    /// Calls `body` with the wrapped value's numbers or strings; `nil` has none.
    @inlinable
    public func forEachLeaf(
        _ body: (Wrapped.Leaf) throws(ConstraintViolation) -> Void
    ) throws(ConstraintViolation) {
        if let value = self { try value.forEachLeaf(body) }
    }
}

extension Array: ConstrainedValues where Element: ConstrainedValues {
    /// Calls `body` with every item's numbers or strings.
    @inlinable
    public func forEachLeaf(
        _ body: (Element.Leaf) throws(ConstraintViolation) -> Void
    ) throws(ConstraintViolation) {
        for index in indices {
            do {
                try self[index].forEachLeaf(body)
            } catch {
                throw error.inside(index: index)
            }
        }
    }
}

extension Dictionary: ConstrainedValues where Key == String, Value: ConstrainedValues {
    /// Calls `body` with every value's numbers or strings; of several violations, the one under
    /// the smallest key is reported.
    @inlinable
    public func forEachLeaf(
        _ body: (Value.Leaf) throws(ConstraintViolation) -> Void
    ) throws(ConstraintViolation) {
        var first: (key: String, violation: ConstraintViolation)?
        for (key, value) in self {
            if let first, first.key < key { continue }
            do {
                try value.forEachLeaf(body)
            } catch {
                first = (key, error)
            }
        }
        if let first { throw first.violation.inside(first.key) }
    }
}

/// The bounds of a number: `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`.
public struct NumberRules<Number: Comparable & Sendable>: Sendable {
    /// The smallest value allowed.
    public let minimum: Number?
    /// The largest value allowed.
    public let maximum: Number?
    /// A value every number must be above.
    public let exclusiveMinimum: Number?
    /// A value every number must be below.
    public let exclusiveMaximum: Number?

    /// Bounds; `nil` leaves a side open.
    public init(
        minimum: Number? = nil, maximum: Number? = nil, exclusiveMinimum: Number? = nil,
        exclusiveMaximum: Number? = nil
    ) {
        self.minimum = minimum
        self.maximum = maximum
        self.exclusiveMinimum = exclusiveMinimum
        self.exclusiveMaximum = exclusiveMaximum
    }

    /// Checks every number of `value`, named `key` in the path of a violation.
    @inlinable
    public func check<Value: ConstrainedValues>(
        _ value: Value, at key: String
    ) throws(ConstraintViolation) where Value.Leaf == Number {
        try value.forEachLeaf(under: key) { (number: Number) throws(ConstraintViolation) in try check(number) }
    }

    /// Inlinable, so that the comparisons are specialized for the number type where the
    /// generated checks call them; a violation is described out of line.
    @inlinable
    func check(_ number: Number) throws(ConstraintViolation) {
        let breaks: Bool
        if number != number {
            // Only not-a-number differs from itself; it lies within no bounds.
            breaks = minimum != nil || maximum != nil || exclusiveMinimum != nil || exclusiveMaximum != nil
        } else {
            breaks =
                minimum.map { number < $0 } == true || maximum.map { number > $0 } == true
                || exclusiveMinimum.map { number <= $0 } == true || exclusiveMaximum.map { number >= $0 } == true
        }
        if breaks { throw violation(by: number) }
    }

    /// The first bound `number` breaks, given that it breaks one (not-a-number breaks the first).
    @usableFromInline
    func violation(by number: Number) -> ConstraintViolation {
        let isNaN = number != number
        if let minimum, isNaN || number < minimum { return ConstraintViolation(.minimum("\(minimum)"), at: []) }
        if let maximum, isNaN || number > maximum { return ConstraintViolation(.maximum("\(maximum)"), at: []) }
        if let exclusiveMinimum, isNaN || number <= exclusiveMinimum {
            return ConstraintViolation(.exclusiveMinimum("\(exclusiveMinimum)"), at: [])
        }
        // The only bound left: `number` is at or above it.
        return ConstraintViolation(.exclusiveMaximum("\(exclusiveMaximum ?? number)"), at: [])
    }
}

/// The rules of a string: its length in characters, a pattern, a format.
///
/// Lengths count Unicode scalars, as JSON Schema does (an emoji with a skin tone counts as two).
public struct TextRules: Sendable {
    /// The fewest characters allowed.
    public let minLength: Int?
    /// The most characters allowed.
    public let maxLength: Int?
    /// A regular expression every string must match somewhere.
    public let pattern: Pattern?
    /// A format every string must have.
    public let format: TextFormat?

    /// Rules; `nil` leaves one out.
    public init(minLength: Int? = nil, maxLength: Int? = nil, pattern: Pattern? = nil, format: TextFormat? = nil) {
        self.minLength = minLength
        self.maxLength = maxLength
        self.pattern = pattern
        self.format = format
    }

    /// Checks every string of `value`, named `key` in the path of a violation.
    @inlinable
    public func check<Value: ConstrainedValues>(
        _ value: Value, at key: String
    ) throws(ConstraintViolation) where Value.Leaf == String {
        try value.forEachLeaf(under: key) { (text: String) throws(ConstraintViolation) in try check(text) }
    }

    @usableFromInline
    func check(_ text: String) throws(ConstraintViolation) {
        if minLength != nil || maxLength != nil {
            // Counting stops one past the largest limit that matters.
            let stop = (maxLength ?? minLength ?? 0) + 1
            var count = 0
            for _ in text.unicodeScalars {
                count += 1
                if count >= stop { break }
            }
            if let minLength, count < minLength { throw ConstraintViolation(.minLength(minLength), at: []) }
            if let maxLength, count > maxLength { throw ConstraintViolation(.maxLength(maxLength), at: []) }
        }
        if let pattern, !pattern.matches(text) { throw ConstraintViolation(.pattern(pattern.source), at: []) }
        if let format, !format.accepts(text) { throw ConstraintViolation(.format(format), at: []) }
    }
}

/// The rules of a list: how many items, and whether they may repeat.
public struct ListRules: Sendable {
    /// The fewest items allowed.
    public let minItems: Int?
    /// The most items allowed.
    public let maxItems: Int?
    /// Whether no item may equal another.
    public let uniqueItems: Bool

    /// Rules; `nil` leaves a count open.
    public init(minItems: Int? = nil, maxItems: Int? = nil, uniqueItems: Bool = false) {
        self.minItems = minItems
        self.maxItems = maxItems
        self.uniqueItems = uniqueItems
    }

    /// Checks `list`, named `key` in the path of a violation; `nil` breaks nothing. A repeated
    /// item is reported at its second position.
    @inlinable
    public func check<Element: Hashable>(_ list: [Element]?, at key: String) throws(ConstraintViolation) {
        guard let list else { return }
        if let minItems, list.count < minItems { throw ConstraintViolation(.minItems(minItems), at: [.key(key)]) }
        if let maxItems, list.count > maxItems { throw ConstraintViolation(.maxItems(maxItems), at: [.key(key)]) }
        guard uniqueItems, list.count > 1 else { return }
        if let repeated = Self.firstRepeat(in: list) {
            throw ConstraintViolation(.uniqueItems, at: [.key(key), .index(repeated)])
        }
    }

    /// The position of the first item equal to an earlier one; short lists are compared pairwise,
    /// which allocates nothing.
    @inlinable
    static func firstRepeat<Element: Hashable>(in list: [Element]) -> Int? {
        if list.count <= 16 {
            for later in 1..<list.count {
                for earlier in 0..<later where list[earlier] == list[later] { return later }
            }
            return nil
        }
        var seen = Set<Element>(minimumCapacity: list.count)
        for (index, item) in list.enumerated() where !seen.insert(item).inserted { return index }
        return nil
    }
}

/// The rules of a map: how many entries.
public struct MapRules: Sendable {
    /// The fewest entries allowed.
    public let minProperties: Int?
    /// The most entries allowed.
    public let maxProperties: Int?

    /// Rules; `nil` leaves a count open.
    public init(minProperties: Int? = nil, maxProperties: Int? = nil) {
        self.minProperties = minProperties
        self.maxProperties = maxProperties
    }

    /// Checks `map`, named `key` in the path of a violation; `nil` breaks nothing.
    @inlinable
    public func check<Value>(_ map: [String: Value]?, at key: String) throws(ConstraintViolation) {
        guard let map else { return }
        if let minProperties, map.count < minProperties {
            throw ConstraintViolation(.minProperties(minProperties), at: [.key(key)])
        }
        if let maxProperties, map.count > maxProperties {
            throw ConstraintViolation(.maxProperties(maxProperties), at: [.key(key)])
        }
    }
}

/// A regular expression of the spec, compiled once when first used.
///
/// The syntax is ICU's, as `NSRegularExpression` reads it; a value matches when the expression
/// matches anywhere in it, as in JSON Schema, so anchor it with `^…$` to match the whole value.
/// Expressions of single-character items with repetition and anchors, the usual shape, are
/// matched without ICU, with ICU's answers and no allocation.
public final class Pattern: Sendable {
    /// The expression as the spec writes it.
    public let source: String
    private let matcher: Matcher

    private enum Matcher: Sendable {
        case scalars(ScalarPattern)
        case icu(NSRegularExpression)
        /// The expression does not compile.
        case nothing
    }

    /// Compiles `source`. An expression that does not compile (the generator refuses those)
    /// matches nothing, so values fail their check instead of passing unchecked.
    public init(_ source: String) {
        self.source = source
        if let scalars = ScalarPattern(source) {
            matcher = .scalars(scalars)
        } else if let expression = try? NSRegularExpression(pattern: source) {
            matcher = .icu(expression)
        } else {
            matcher = .nothing
        }
    }

    private static let compiled = Locked<[String: Pattern]>([:])

    /// The pattern of `source`, compiled on first use and shared by every later check in the
    /// process; generated checks get their patterns here.
    public static func cached(_ source: String) -> Pattern {
        compiled.withLock { patterns in
            if let pattern = patterns[source] { return pattern }
            let pattern = Pattern(source)
            patterns[source] = pattern
            return pattern
        }
    }

    /// Whether the expression matches somewhere in `text`.
    public func matches(_ text: String) -> Bool {
        switch matcher {
        case .scalars(let pattern):
            return pattern.matches(text)
        case .icu(let expression):
            // The range alone: no match object is made.
            let found = expression.rangeOfFirstMatch(in: text, range: NSRange(location: 0, length: text.utf16.count))
            return found.location != NSNotFound
        case .nothing:
            return false
        }
    }
}

/// A format a string can be required to have.
public enum TextFormat: String, Hashable, Sendable, CaseIterable {
    /// An email address: a dot-atom local part (ASCII), `@`, and a host name or a bracketed IP
    /// address.
    case email
    /// An absolute URI: a scheme, `:`, and the rest without spaces (RFC 3986).
    case uri
    /// A UUID in its textual form.
    case uuid
    /// A host name (RFC 1123): dot-separated labels of letters, digits and hyphens.
    case hostname
    /// An IPv4 address in dotted-quad form.
    case ipv4
    /// An IPv6 address in its textual forms (RFC 4291).
    case ipv6

    /// The format named in a sentence: `an email address`.
    public var phrase: String {
        switch self {
        case .email: "an email address"
        case .uri: "an absolute URI"
        case .uuid: "a UUID"
        case .hostname: "a host name"
        case .ipv4: "an IPv4 address"
        case .ipv6: "an IPv6 address"
        }
    }

    /// Whether `text` has the format.
    public func accepts(_ text: String) -> Bool {
        switch self {
        case .email: Self.isEmail(text)
        case .uri: Self.isURI(text)
        case .uuid: UUID(uuidString: text) != nil
        case .hostname: Self.isHostName(Substring(text))
        case .ipv4: Self.isAddress(text, family: AF_INET)
        case .ipv6: Self.isAddress(text, family: AF_INET6)
        }
    }

    private static func isAddress(_ text: String, family: Int32) -> Bool {
        var buffer = (UInt64(0), UInt64(0))
        return text.withCString { inet_pton(family, $0, &buffer) } == 1
    }

    private static func isHostName(_ text: Substring) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 253 else { return false }
        var labelLength = 0
        var previous: UInt8 = UInt8(ascii: ".")
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "."):
                guard labelLength > 0, previous != UInt8(ascii: "-") else { return false }
                labelLength = 0
            case UInt8(ascii: "-"):
                guard labelLength > 0 else { return false }
                labelLength += 1
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                labelLength += 1
            default:
                return false
            }
            guard labelLength <= 63 else { return false }
            previous = byte
        }
        return labelLength > 0 && previous != UInt8(ascii: "-")
    }

    private static func isEmail(_ text: String) -> Bool {
        guard let at = text.lastIndex(of: "@") else { return false }
        let local = text[..<at].utf8
        let domain = text[text.index(after: at)...]
        guard (1...64).contains(local.count), local.first != UInt8(ascii: "."), local.last != UInt8(ascii: ".")
        else { return false }
        var previous: UInt8 = 0
        for byte in local {
            if byte == UInt8(ascii: ".") {
                if previous == byte { return false }
            } else if !isAtomText(byte) {
                return false
            }
            previous = byte
        }
        if domain.first == "[", domain.last == "]" {
            let literal = domain.dropFirst().dropLast()
            if literal.hasPrefix("IPv6:") { return isAddress(String(literal.dropFirst(5)), family: AF_INET6) }
            return isAddress(String(literal), family: AF_INET)
        }
        return isHostName(domain)
    }

    /// RFC 5322's `atext`: letters, digits and ``!#$%&'*+-/=?^_`{|}~``.
    private static func isAtomText(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-/=?^_`{|}~".utf8.contains(byte)
        }
    }

    private static func isURI(_ text: String) -> Bool {
        guard let colon = text.firstIndex(of: ":") else { return false }
        let scheme = text[..<colon].utf8
        guard let first = scheme.first, isLetter(first) else { return false }
        for byte in scheme.dropFirst() {
            guard
                isLetter(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "+")
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            else { return false }
        }
        // No spaces, controls or characters outside ASCII, and a structure URLComponents reads.
        for byte in text.utf8 where byte <= 0x20 || byte >= 0x7F { return false }
        return URLComponents(string: text) != nil
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }
}
