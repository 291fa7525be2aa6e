#if Server
import Dispatch

/// Monotonic nanosecond timestamps for the statistics.
enum MonotonicClock {
    /// Nanoseconds since an arbitrary fixed point.
    static var now: UInt64 {
        DispatchTime.now().uptimeNanoseconds
    }

    /// Nanoseconds elapsed since `start`.
    static func since(_ start: UInt64) -> UInt64 {
        let current = now
        return current >= start ? current - start : 0
    }
}
#endif
