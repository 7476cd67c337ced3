/// Hand-written code next to the checked-in generated code in `Generated/`.
extension Alert {
    /// Whether the alert asks people to act now.
    public var isUrgent: Bool {
        severity == .severe || severity == .extreme
    }
}
