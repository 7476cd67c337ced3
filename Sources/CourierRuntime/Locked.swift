import Foundation

/// A value guarded by a lock, for the little shared mutable state the runtime and generated mocks keep.
///
/// `Synchronization.Mutex` would do, but it needs macOS 15 and iOS 18; this works wherever the
/// runtime does.
public final class Locked<Value: Sendable>: @unchecked Sendable {
    // Safe: `value` is only read or written inside `lock.withLock`, so no two threads touch it at
    // once, and `Value` is `Sendable`, so nothing handed out can be shared unsafely.
    private let lock = NSLock()
    private var value: Value

    /// Creates the guard around an initial value.
    public init(_ value: Value) {
        self.value = value
    }

    /// Runs `body` with exclusive access to the value. Keep `body` short; it must not block or call back.
    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }

    /// A copy of the current value.
    public var current: Value {
        withLock { $0 }
    }
}
