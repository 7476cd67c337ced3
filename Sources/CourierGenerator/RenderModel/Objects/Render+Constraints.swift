extension Render {
    /// One check of a model's `validate()` or of a request before it is sent.
    struct ConstraintCheck: RenderObject {
        /// What the check does.
        enum Form: Sendable {
            /// Rules applied to the value: `type` (`CourierRuntime.TextRules`) built from
            /// `arguments` (`maxLength: 140`).
            case rules(type: String, arguments: [String])
            /// The value holds models with constraints: their `validate()` runs under `key`.
            case member
            /// The value is a model (or a list of them) checked as a whole: a request body.
            case whole
        }

        var form: Form
        /// The Swift expression of the value: `self.amount`, `limit`, `body`.
        var value: String
        /// The name of the value in a violation's path, escaped for a string literal.
        var key: String

        private var rulesType: String {
            if case .rules(let type, _) = form { return type }
            return ""
        }

        private var arguments: [String] {
            if case .rules(_, let arguments) = form { return arguments }
            return []
        }

        /// The rules on one line: `CourierRuntime.TextRules(maxLength: 140)`.
        private var rules: String { rulesType + "(" + arguments.joined(separator: ", ") + ")" }

        /// `try`, `.check(`, `, at: "` and `")`, at a request's indentation of 12 columns.
        private static let checkOverhead = 32

        static let keys = RenderKeys<Self>(
            .constraintCheck,
            """
            A constraint check. Exactly one of `hasRules`, `isMember` and `isWhole` is true. Rules are \
            written on one line with the check (`rulesFitOneLine`), on a line of their own \
            (`rulesFitOwnLine`), or an argument a line.
            """,
            [
                .flag("hasRules", "Whether the check applies rules to `value`.") {
                    if case .rules = $0.form { return true }
                    return false
                },
                .text("rules", "The rules as a Swift expression, such as `CourierRuntime.TextRules(maxLength: 140)`.") {
                    $0.rules
                },
                .text("rulesType", "The rules' type, such as `CourierRuntime.TextRules`.") { $0.rulesType },
                .lines(
                    "ruleArguments",
                    "The rules' arguments (`maxLength: 140`), each but the last followed by a comma."
                ) { check in
                    check.arguments.enumerated().map { $0 == check.arguments.count - 1 ? $1 : $1 + "," }
                },
                .flag("rulesFitOneLine", "Whether `try rules.check(value, at: key)` fits in 100 columns.") {
                    $0.rules.count + $0.value.count + $0.key.count + Self.checkOverhead <= 100
                },
                .flag("rulesFitOwnLine", "Whether `try rules` fits in 100 columns, the check on the next line.") {
                    $0.rules.count + 16 <= 100
                },
                .flag("isMember", "Whether `value` holds models with constraints, checked under `key`.") {
                    if case .member = $0.form { return true }
                    return false
                },
                .flag("isWhole", "Whether `value` is checked as a whole, its `validate()` called directly.") {
                    if case .whole = $0.form { return true }
                    return false
                },
                .text("value", "The Swift expression of the value checked.") { $0.value },
                .text("key", "The value's name in a violation's path, escaped for a string literal.") { $0.key },
            ])
    }

    /// The constraint checks of one part of a request: its path, query, header fields or body.
    struct ConstraintPart: RenderObject {
        /// `path`, `query`, `header` or `body`: the first component of a violation's path.
        var part: String
        var checks: RenderList<ConstraintCheck>

        static let keys = RenderKeys<Self>(
            .constraintPart, "The constraint checks of one part of a request.",
            [
                .text("part", "`path`, `query`, `header` or `body`: where a violation's path starts.") { $0.part },
                .list("checks", "The checks, in parameter order.") { $0.checks },
            ])
    }
}
