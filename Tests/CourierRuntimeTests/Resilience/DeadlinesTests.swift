import CourierRuntimeTesting
import Foundation
import HTTPTypes
import Logging
import Testing

@_spi(Generated) @testable import CourierRuntime

@Suite("Attempt deadlines", .timeLimit(.minutes(3)))
struct DeadlinesTests {
    @Test("actions run at their instants in order, an earlier one scheduled later included; cancelled ones never run")
    func ordering() async {
        let clock = ManualClock()
        let deadlines = Deadlines(clock: clock)
        let fired = Locked<[String]>([])
        _ = deadlines.schedule(at: .seconds(10)) { fired.withLock { $0.append("late") } }
        await eventually { clock.sleeperCount >= 1 }
        // The service now sleeps until 10 s; these come in earlier.
        let cancelled = deadlines.schedule(at: .seconds(5)) { fired.withLock { $0.append("cancelled") } }
        _ = deadlines.schedule(at: .seconds(2)) { fired.withLock { $0.append("early") } }
        deadlines.cancel(cancelled)
        await eventually { clock.sleeperCount >= 2 }
        clock.advance(by: .seconds(2))
        await eventually { fired.current == ["early"] }
        clock.advance(by: .seconds(8))
        await eventually { fired.current == ["early", "late"] }
        clock.advance(by: .seconds(100))
        await Task.yield()
        #expect(fired.current == ["early", "late"])
    }
}
