import Foundation

/// Runs CPU-bound work on a thread of its own instead of one of the cooperative pool's (two on a
/// two-core machine): a long synchronous loop there would starve the async tests running beside
/// it, whose servers, clients and timers need that pool to keep real time. All test targets run
/// in one process, so a generator test can stall a timeout test of another target.
public func offCooperativePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try work() }) }
        thread.stackSize = 8 << 20
        thread.start()
    }
}
