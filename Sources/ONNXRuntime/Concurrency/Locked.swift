#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A value guarded by a `pthread_mutex_t`.
///
/// Used instead of the standard library's `Mutex` for one reason: on Linux, `Mutex` locks with `futex` system calls,
/// which ThreadSanitizer does not intercept. TSan then sees no ordering between two critical sections and reports
/// every access to the guarded value as a data race, which hides real ones. `pthread_mutex_lock` and
/// `pthread_mutex_unlock` are intercepted, so TSan sees the same happens-before the lock really gives. Uncontended,
/// both cost an atomic operation.
///
/// The mutex is heap-allocated once and never moves (a `pthread_mutex_t` must not be copied).
package final class Locked<Value> {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    /// Creates a lock around `value`.
    package init(_ value: Value) {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        let status = pthread_mutex_init(mutex, nil)
        precondition(status == 0, "pthread_mutex_init failed with \(status)")
        self.value = value
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Runs `body` with exclusive access to the value. Not reentrant: calling it again from `body` deadlocks.
    /// - Parameter body: Reads or changes the value; it must not escape the reference.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws, after unlocking.
    package func withLock<Result, Failure: Error>(
        _ body: (inout Value) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}

// The value is only reached under the mutex, so sharing the box is safe whenever the value itself may cross threads.
extension Locked: @unchecked Sendable where Value: Sendable {}
