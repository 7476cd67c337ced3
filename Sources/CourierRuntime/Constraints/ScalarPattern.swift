/// A regular expression whose items each match one character: literals, `.`, `\d` `\w` `\s` and
/// their negations, and bracketed sets of characters and ranges, each optionally repeated (`?`,
/// `*`, `+`, `{n}`, `{n,}`, `{n,m}`, greedy or lazy), with optional `^` and `$` anchors: the shape
/// of nearly every pattern a spec declares (`^[A-Z]{3}$`, `^ord_[A-Za-z0-9]{8,32}$`).
///
/// It answers exactly what ICU (`NSRegularExpression`, with no options) answers: whether the
/// expression matches somewhere in a string, character by character over Unicode scalars, with
/// ICU's meaning of each item (`.` stops at line terminators, `$` also matches before one that ends
/// the input, `\w` and `\d` are Unicode's). Once repetition is written out, the items are at most
/// 63 states of an automaton, followed over one 64-bit set of states a scalar at a time: no
/// allocation and no backtracking, in time linear in the string.
///
/// Anything else (groups, alternation, properties such as `\p{L}`, nested sets, flags, possessive
/// quantifiers, POSIX classes, more than 63 states, the empty expression) is left to ICU:
/// ``init(_:)`` returns `nil`.
struct ScalarPattern: Sendable {
    /// For each ASCII scalar, the states whose item accepts it, as bits.
    private let asciiAccepting: [UInt64]
    /// Each state's item, for scalars beyond ASCII.
    private let items: [ScalarClass]
    /// The states an item of `*` or `+` repeats in: matching their item leaves them where they are.
    private let loops: UInt64
    /// The states that can be passed over without matching: optional copies and loops.
    private let skippable: UInt64
    /// The states the match starts in: the first and whatever can be reached from it by skipping.
    private let initial: UInt64
    /// The state after the last item: reaching it is a match.
    private let accepting: UInt64
    private let anchoredAtStart: Bool
    private let anchoredAtEnd: Bool

    /// The pattern of `source`, or `nil` when it is not of the shape this type matches.
    init?(_ source: String) {
        // ICU refuses an empty expression, so a `Pattern` of one matches nothing.
        guard !source.isEmpty else { return nil }
        var parser = Parser(Array(source.unicodeScalars))
        guard let parsed = parser.parse() else { return nil }
        var items: [ScalarClass] = []
        var loops: UInt64 = 0
        var skippable: UInt64 = 0
        for repeated in parsed.items {
            for _ in 0..<repeated.minimum { items.append(repeated.item) }
            if let maximum = repeated.maximum {
                for _ in repeated.minimum..<maximum {
                    skippable |= 1 << UInt64(items.count)
                    items.append(repeated.item)
                }
            } else {
                skippable |= 1 << UInt64(items.count)
                loops |= 1 << UInt64(items.count)
                items.append(repeated.item)
            }
        }
        self.items = items
        self.loops = loops
        self.skippable = skippable
        self.asciiAccepting = (0..<128).map { value in
            var states: UInt64 = 0
            for (index, item) in items.enumerated() where item.contains(Unicode.Scalar(UInt8(value))) {
                states |= 1 << UInt64(index)
            }
            return states
        }
        self.accepting = 1 << UInt64(items.count)
        self.anchoredAtStart = parsed.anchoredAtStart
        self.anchoredAtEnd = parsed.anchoredAtEnd
        self.initial = Self.closure(of: 1, skippable: skippable)
    }

    /// Whether the expression matches somewhere in `text`.
    func matches(_ text: String) -> Bool {
        var states = initial
        if states & accepting != 0, !anchoredAtEnd { return true }
        let scalars = text.unicodeScalars
        var index = scalars.startIndex
        while index != scalars.endIndex {
            let scalar = scalars[index]
            scalars.formIndex(after: &index)
            if anchoredAtEnd, states & accepting != 0, scalar.isLineTerminator,
                Self.onlyTerminatorFollows(scalar, at: index, in: scalars)
            {
                return true
            }
            states = advance(states, over: scalar)
            if !anchoredAtStart { states |= initial }
            if states & accepting != 0, !anchoredAtEnd { return true }
            if states == 0 { return false }
        }
        return states & accepting != 0
    }

    /// The states after matching `scalar` in `states`.
    @inline(__always)
    private func advance(_ states: UInt64, over scalar: Unicode.Scalar) -> UInt64 {
        let matched =
            scalar.isASCII ? states & asciiAccepting[Int(scalar.value)] : accepting(scalar, in: states & ~accepting)
        return Self.closure(of: ((matched & ~loops) << 1) | (matched & loops), skippable: skippable)
    }

    /// Which of `states` accept `scalar`, a scalar beyond ASCII, asked item by item (kept out of
    /// the loop over ASCII, which a table answers).
    @inline(never)
    private func accepting(_ scalar: Unicode.Scalar, in states: UInt64) -> UInt64 {
        var matched: UInt64 = 0
        var candidates = states
        while candidates != 0 {
            let index = candidates.trailingZeroBitCount
            candidates &= candidates - 1
            if items[index].contains(scalar) { matched |= 1 << UInt64(index) }
        }
        return matched
    }

    /// `states` with every state reachable from them by skipping: each skippable state passes
    /// to the next. Adding the skippable states to those entered carries through each run of
    /// skippable states from where it was entered, clearing the run's bits above that point and
    /// setting the bit after the run; both are states reached.
    @inline(__always)
    private static func closure(of states: UInt64, skippable: UInt64) -> UInt64 {
        let carried = (states & skippable) &+ skippable
        return states | (skippable & ~carried) | (carried & ~skippable)
    }

    /// Whether the scalars from `index` on are nothing, or the `\n` of a `\r\n` that `scalar`
    /// began: ICU's `$` matches before a line terminator that ends the input.
    private static func onlyTerminatorFollows(
        _ scalar: Unicode.Scalar, at index: String.UnicodeScalarView.Index, in scalars: String.UnicodeScalarView
    ) -> Bool {
        if index == scalars.endIndex { return true }
        guard scalar == "\r", scalars[index] == "\n" else { return false }
        return scalars.index(after: index) == scalars.endIndex
    }
}

/// What one item of a ``ScalarPattern`` accepts.
private enum ScalarClass: Sendable {
    case scalar(Unicode.Scalar)
    /// `.`: anything but a line terminator.
    case anyButLineTerminator
    case shorthand(Shorthand, negated: Bool)
    case set(ScalarSet)

    func contains(_ scalar: Unicode.Scalar) -> Bool {
        switch self {
        case .scalar(let expected): scalar == expected
        case .anyButLineTerminator: !scalar.isLineTerminator
        case .shorthand(let shorthand, let negated): shorthand.contains(scalar) != negated
        case .set(let set): set.contains(scalar)
        }
    }
}

/// `\d`, `\w` and `\s`, with ICU's definitions.
private enum Shorthand: Sendable {
    /// A decimal digit of any script (`\p{Nd}`).
    case digit
    /// A letter, mark, decimal digit or connector punctuation, or a zero-width (non-)joiner.
    case word
    /// A character with the White_Space property.
    case space

    func contains(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        switch self {
        case .digit:
            return properties.generalCategory == .decimalNumber
        case .word:
            switch properties.generalCategory {
            case .decimalNumber, .connectorPunctuation, .nonspacingMark, .spacingMark, .enclosingMark: return true
            default: return properties.isAlphabetic || scalar.value == 0x200C || scalar.value == 0x200D
            }
        case .space:
            return properties.isWhitespace
        }
    }
}

/// A bracketed set: scalars and ranges of them, and shorthands, possibly negated.
private struct ScalarSet: Sendable {
    var ranges: [ClosedRange<UInt32>] = []
    var shorthands: [(shorthand: Shorthand, negated: Bool)] = []
    var negated = false

    func contains(_ scalar: Unicode.Scalar) -> Bool {
        let member =
            ranges.contains { $0.contains(scalar.value) }
            || shorthands.contains { $0.shorthand.contains(scalar) != $0.negated }
        return member != negated
    }
}

extension Unicode.Scalar {
    /// Whether ICU ends a line at it: LF, VT, FF, CR, NEL, LS or PS.
    fileprivate var isLineTerminator: Bool {
        switch value {
        case 0x0A...0x0D, 0x85, 0x2028, 0x2029: true
        default: false
        }
    }
}

/// Reads the shape ``ScalarPattern`` matches; any other syntax makes ``parse()`` return `nil`.
private struct Parser {
    struct Repeated {
        var item: ScalarClass
        var minimum: Int
        /// `nil` for no limit.
        var maximum: Int?
    }

    /// The most states an expression may have, one bit each beside the accepting state's.
    static let stateLimit = 63

    let scalars: [Unicode.Scalar]
    var position = 0
    /// Where the items end: before a final `$`.
    var end: Int

    init(_ scalars: [Unicode.Scalar]) {
        self.scalars = scalars
        self.end = scalars.count
    }

    mutating func parse() -> (items: [Repeated], anchoredAtStart: Bool, anchoredAtEnd: Bool)? {
        let anchoredAtStart = scalars.first == "^"
        if anchoredAtStart { position = 1 }
        var anchoredAtEnd = false
        if end > position, scalars[end - 1] == "$" {
            // A `$` after an odd number of backslashes is a literal dollar sign.
            var backslashes = 0
            while end - 2 - backslashes >= position, scalars[end - 2 - backslashes] == "\\" { backslashes += 1 }
            if backslashes.isMultiple(of: 2) {
                anchoredAtEnd = true
                end -= 1
            }
        }
        var items: [Repeated] = []
        var states = 0
        while position < end {
            guard let item = item(), let (minimum, maximum) = quantifier() else { return nil }
            states += minimum + (maximum.map { $0 - minimum } ?? 1)
            guard states <= Self.stateLimit else { return nil }
            items.append(Repeated(item: item, minimum: minimum, maximum: maximum))
        }
        return (items, anchoredAtStart, anchoredAtEnd)
    }

    private mutating func item() -> ScalarClass? {
        let scalar = scalars[position]
        switch scalar {
        case ".":
            position += 1
            return .anyButLineTerminator
        case "\\":
            return escape()
        case "[":
            return set().map(ScalarClass.set)
        case "(", ")", "|", "{", "}", "*", "+", "?", "^", "$", "]":
            return nil
        default:
            position += 1
            return .scalar(scalar)
        }
    }

    /// The repetition after an item: `(1, 1)` when there is none.
    private mutating func quantifier() -> (minimum: Int, maximum: Int?)? {
        guard position < end else { return (1, 1) }
        let bounds: (minimum: Int, maximum: Int?)
        switch scalars[position] {
        case "*": bounds = (0, nil)
        case "+": bounds = (1, nil)
        case "?": bounds = (0, 1)
        case "{":
            guard let counted = counted() else { return nil }
            bounds = counted
        default: return (1, 1)
        }
        position += 1
        // A lazy quantifier finds a match where the greedy one does; a possessive one may not,
        // and two quantifiers in a row are not this shape.
        if position < end, scalars[position] == "?" { position += 1 }
        if position < end, "*+?{".unicodeScalars.contains(scalars[position]) { return nil }
        return bounds
    }

    /// `{n}`, `{n,}` or `{n,m}`, leaving `position` at the closing brace.
    private mutating func counted() -> (minimum: Int, maximum: Int?)? {
        position += 1
        guard let minimum = number() else { return nil }
        var maximum: Int? = minimum
        if position < end, scalars[position] == "," {
            position += 1
            maximum = position < end && scalars[position] == "}" ? nil : number()
            if maximum == nil, position < end, scalars[position] != "}" { return nil }
        }
        guard position < end, scalars[position] == "}" else { return nil }
        if let maximum, maximum < minimum { return nil }
        return (minimum, maximum)
    }

    /// Up to four decimal digits.
    private mutating func number() -> Int? {
        var value = 0
        var digits = 0
        while position < end, (0x30...0x39).contains(scalars[position].value) {
            let digit = Int(scalars[position].value) - 0x30
            value = value * 10 + digit
            digits += 1
            position += 1
            if digits > 4 { return nil }
        }
        return digits == 0 ? nil : value
    }

    /// A backslash and what follows it, outside or inside a set.
    private mutating func escape() -> ScalarClass? {
        position += 1
        guard position < end else { return nil }
        let scalar = scalars[position]
        position += 1
        switch scalar {
        case "d": return .shorthand(.digit, negated: false)
        case "D": return .shorthand(.digit, negated: true)
        case "w": return .shorthand(.word, negated: false)
        case "W": return .shorthand(.word, negated: true)
        case "s": return .shorthand(.space, negated: false)
        case "S": return .shorthand(.space, negated: true)
        case "t": return .scalar("\t")
        case "n": return .scalar("\n")
        case "r": return .scalar("\r")
        case "f": return .scalar("\u{0C}")
        default:
            // Quoted ASCII punctuation stands for itself; other escapes mean more than a character.
            let isPunctuation =
                (0x21...0x7E).contains(scalar.value) && !(0x30...0x39).contains(scalar.value)
                && !(0x41...0x5A).contains(scalar.value) && !(0x61...0x7A).contains(scalar.value)
            return isPunctuation ? .scalar(scalar) : nil
        }
    }

    /// A bracketed set of scalars, ranges and shorthands, possibly negated.
    private mutating func set() -> ScalarSet? {
        position += 1
        var set = ScalarSet()
        if position < end, scalars[position] == "^" {
            set.negated = true
            position += 1
        }
        let first = position
        // `[:alpha:]` is a POSIX class to ICU.
        if position < end, scalars[position] == ":" { return nil }
        while position < end {
            let scalar = scalars[position]
            switch scalar {
            case "]":
                guard position > first else { return nil }
                position += 1
                return set
            case "[", "&", "{", "}", "$", "^":
                return nil
            case "-":
                // A literal only first or last; anywhere else it would make a range of a
                // range or a set difference.
                guard position == first || (position + 1 < end && scalars[position + 1] == "]") else { return nil }
                position += 1
                set.ranges.append(0x2D...0x2D)
            default:
                let lower: Unicode.Scalar
                if scalar == "\\" {
                    switch escape() {
                    case .scalar(let escaped): lower = escaped
                    case .shorthand(let shorthand, let negated):
                        set.shorthands.append((shorthand, negated))
                        continue
                    default: return nil
                    }
                } else {
                    lower = scalar
                    position += 1
                }
                guard position + 1 < end, scalars[position] == "-", scalars[position + 1] != "]" else {
                    set.ranges.append(lower.value...lower.value)
                    continue
                }
                position += 1
                let upper: Unicode.Scalar
                if scalars[position] == "\\" {
                    guard case .scalar(let escaped) = escape() else { return nil }
                    upper = escaped
                } else if "[]&{}$^-".unicodeScalars.contains(scalars[position]) {
                    return nil
                } else {
                    upper = scalars[position]
                    position += 1
                }
                guard lower.value <= upper.value else { return nil }
                set.ranges.append(lower.value...upper.value)
            }
        }
        return nil
    }
}
