/// A value that breaks a constraint of the spec: where it is, which rule it breaks, and the limit.
///
/// ```swift
/// do {
///     try payment.validate()
/// } catch {
///     print(error)  // body.tags[3]: must match ^[a-z]+$
/// }
/// ```
///
/// Calls throw it inside ``ClientError/invalidRequest(_:violation:)`` before anything is sent.
public struct ConstraintViolation: Error, Hashable, Sendable, CustomStringConvertible {
    /// One step of the path to the value: a property or map key, or a list index.
    public enum PathComponent: Hashable, Sendable, CustomStringConvertible {
        /// A property (by its JSON name), a parameter, or a map key.
        case key(String)
        /// A list position, from zero.
        case index(Int)

        /// `name` or `[3]`.
        public var description: String {
            switch self {
            case .key(let key): key
            case .index(let index): "[\(index)]"
            }
        }
    }

    /// The rule a value breaks, with the spec's limit.
    public enum Rule: Hashable, Sendable, CustomStringConvertible {
        /// At least the limit (`minimum`).
        case minimum(String)
        /// At most the limit (`maximum`).
        case maximum(String)
        /// More than the limit (`exclusiveMinimum`).
        case exclusiveMinimum(String)
        /// Less than the limit (`exclusiveMaximum`).
        case exclusiveMaximum(String)
        /// At least this many characters (Unicode scalars, as JSON Schema counts them).
        case minLength(Int)
        /// At most this many characters.
        case maxLength(Int)
        /// Matches the regular expression somewhere (anchor it with `^…$` to match the whole).
        case pattern(String)
        /// Is a valid value of the format.
        case format(TextFormat)
        /// At least this many items.
        case minItems(Int)
        /// At most this many items.
        case maxItems(Int)
        /// No item equals another.
        case uniqueItems
        /// At least this many entries in a map.
        case minProperties(Int)
        /// At most this many entries in a map.
        case maxProperties(Int)

        /// What the value must be: `must be at least 1`, `must match ^[A-Z]{3}$`.
        public var description: String {
            switch self {
            case .minimum(let limit): "must be at least \(limit)"
            case .maximum(let limit): "must be at most \(limit)"
            case .exclusiveMinimum(let limit): "must be more than \(limit)"
            case .exclusiveMaximum(let limit): "must be less than \(limit)"
            case .minLength(let limit): "must have at least \(limit) character\(limit == 1 ? "" : "s")"
            case .maxLength(let limit): "must have at most \(limit) character\(limit == 1 ? "" : "s")"
            case .pattern(let pattern): "must match \(OneLine.bounded(pattern))"
            case .format(let format): "must be \(format.phrase)"
            case .minItems(let limit): "must have at least \(limit) item\(limit == 1 ? "" : "s")"
            case .maxItems(let limit): "must have at most \(limit) item\(limit == 1 ? "" : "s")"
            case .uniqueItems: "must not repeat an item"
            case .minProperties(let limit): "must have at least \(limit) entr\(limit == 1 ? "y" : "ies")"
            case .maxProperties(let limit): "must have at most \(limit) entr\(limit == 1 ? "y" : "ies")"
            }
        }
    }

    /// Where the value is, outermost first: `body`, `tags`, `[3]`.
    public var path: [PathComponent]
    /// The rule it breaks.
    public var rule: Rule

    /// A violation of `rule` by the value at `path`.
    public init(_ rule: Rule, at path: [PathComponent]) {
        self.rule = rule
        self.path = path
    }

    /// The path as written in Swift and JSON Pointer's spirit: `body.tags[3]`.
    public var pathDescription: String {
        var text = ""
        for component in path {
            if case .key = component, !text.isEmpty { text += "." }
            text += component.description
        }
        return text.isEmpty ? "value" : text
    }

    /// `body.tags[3]: must match ^[a-z]+$`.
    public var description: String { "\(pathDescription): \(rule)" }

    /// The same violation seen from one level up: `key` goes in front of the path.
    @inlinable
    public func inside(_ key: String) -> ConstraintViolation {
        var copy = self
        copy.path.insert(.key(key), at: 0)
        return copy
    }

    /// The same violation seen from the list that holds the value at `index`.
    @inlinable
    public func inside(index: Int) -> ConstraintViolation {
        var copy = self
        copy.path.insert(.index(index), at: 0)
        return copy
    }
}

/// A value whose constraints can be checked: generated models with constraints, and lists, maps
/// and optionals of them.
///
/// Generated clients check request bodies before sending; call ``validate()`` yourself to check a
/// value earlier, as a form is filled in, for instance. Model initializers never throw.
public protocol Validatable {
    /// Throws the first constraint the value breaks; the path starts below the value itself.
    func validate() throws(ConstraintViolation)
}

extension Optional: Validatable where Wrapped: Validatable {
    /// Checks the wrapped value; `nil` breaks nothing.
    @inlinable
    public func validate() throws(ConstraintViolation) {
        if let value = self { try value.validate() }
    }
}

extension Array: Validatable where Element: Validatable {
    /// Checks every item; the path of a violation starts with the item's index.
    @inlinable
    public func validate() throws(ConstraintViolation) {
        for index in indices {
            do {
                try self[index].validate()
            } catch {
                throw error.inside(index: index)
            }
        }
    }
}

extension Dictionary: Validatable where Key == String, Value: Validatable {
    /// Checks every value; the path of a violation starts with the key. When several values break
    /// constraints, the one under the smallest key is reported, so the outcome never depends on
    /// the dictionary's order.
    @inlinable
    public func validate() throws(ConstraintViolation) {
        var first: (key: String, violation: ConstraintViolation)?
        for (key, value) in self {
            if let first, first.key < key { continue }
            do {
                try value.validate()
            } catch {
                first = (key, error)
            }
        }
        if let first { throw first.violation.inside(first.key) }
    }
}

/// The checks generated `validate()` methods call.
public enum Constraints {
    /// Checks a member of a value: a nested model, or a list, map or optional of models; `key`
    /// goes in front of the path of a violation.
    @inlinable
    public static func member(_ value: some Validatable, at key: String) throws(ConstraintViolation) {
        do {
            try value.validate()
        } catch {
            throw error.inside(key)
        }
    }
}
