#if Server
import ONNXRuntime
import Testing

@testable import ONNXRuntimeServing

/// How a model instance passes from a finishing request to waiting ones: first come, first served, and in an
/// unbroken chain every 16th waiter goes back to its own thread through the installed `WaiterResumption` finder.
@Suite("Instance hand-offs", .serialized)
struct InstanceHandOffTests {
    /// A value shared by the test's tasks.
    final class Shared<Value: Sendable>: Sendable {
        let value: Locked<Value>
        init(_ value: Value) { self.value = Locked(value) }
    }
    typealias Counter = Shared<Int>

    /// Marks the tasks of this suite, so that the process-wide finder answers only for them.
    @TaskLocal static var counter: Counter?

    init() {
        WaiterResumption.install {
            guard let counter = InstanceHandOffTests.counter else { return nil }
            return { body in
                counter.value.withLock { $0 += 1 }
                body()
            }
        }
    }

    /// Queues `count` waiters one after another behind a held instance, lets them run in turn (each releasing to
    /// the next), and returns the order in which they got it.
    static func chain(_ pool: InstancePool, _ count: Int, counter: Counter) async throws -> [Int] {
        let first = try await pool.acquire()
        let order = Shared<[Int]>([])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for position in 0..<count {
                group.addTask {
                    try await InstanceHandOffTests.$counter.withValue(counter) {
                        let index = try await pool.acquire()
                        order.value.withLock { $0.append(position) }
                        pool.release(index)
                    }
                }
                // One at a time, so that the queue's order is the positions' order.
                while pool.queuedCount < position + 1 { try await Task.sleep(for: .milliseconds(1)) }
            }
            pool.release(first)
            try await group.waitForAll()
        }
        return order.value.withLock { $0 }
    }

    @Test("40 waiters: served in order, hand-offs 16 and 32 go through their thread; a new chain counts from 0")
    func everySixteenth() async throws {
        let pool = InstancePool(instances: 1, maximumQueued: 100)
        let counter = Counter(0)
        #expect(try await Self.chain(pool, 40, counter: counter) == Array(0..<40))
        #expect(counter.value.withLock { $0 } == 2)
        #expect(pool.busyCount == 0)
        // The queue emptied, so the next chain starts over: 15 hand-offs, none sent back.
        #expect(try await Self.chain(pool, 15, counter: counter) == Array(0..<15))
        #expect(counter.value.withLock { $0 } == 2)
    }
}
#endif
