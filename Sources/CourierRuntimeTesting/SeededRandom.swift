import CourierRuntime
import Foundation

/// A repeatable sequence (SplitMix64) for tests.
public final class SeededRandom: RandomSource, @unchecked Sendable {
    // Safe: `state` is read and written only while `lock` is held.
    private let lock = NSLock()
    private var state: UInt64

    /// Creates a source whose sequence depends only on `seed`.
    public init(seed: UInt64) { self.state = seed }

    /// The next value of the sequence, in `0..<1`.
    public func nextUnit() -> Double {
        let bits: UInt64 = lock.withLock {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        return Double(bits >> 11) / Double(1 << 53)
    }
}
