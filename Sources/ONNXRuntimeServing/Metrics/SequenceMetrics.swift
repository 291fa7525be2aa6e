#if Server
import CoreMetrics

/// The sequence batcher's series of one model version, labelled `model` and `version` as Triton's: how many sequences
/// are open and wait in the backlog, and how many started, ended and were released for being idle. Triton 2.51 has no
/// sequence metrics, so these carry this server's own `ort_` prefix.
final class SequenceMetrics: Sendable {
    /// `ort_sequence_open`: sequences open (with a slot or candidate place, or in the backlog).
    let open: Meter
    /// `ort_sequence_backlog`: open sequences that wait for a place.
    let backlog: Meter
    /// `ort_sequence_started`: sequences started (a START, including one that restarts an open sequence).
    let started: Counter
    /// `ort_sequence_ended`: sequences that ended (their END ran, or a cancelled request left an ended sequence).
    let ended: Counter
    /// `ort_sequence_idle_released`: sequences released after `max_sequence_idle_microseconds` without a request.
    let idleReleased: Counter

    /// The metric names and help texts.
    enum Name {
        static let open = ("ort_sequence_open", "Number of open sequences, per model (with a place or in the backlog)")
        static let backlog = ("ort_sequence_backlog", "Number of sequences waiting for a slot or candidate place")
        static let started = ("ort_sequence_started", "Number of sequences started")
        static let ended = ("ort_sequence_ended", "Number of sequences ended by their END request")
        static let idleReleased = (
            "ort_sequence_idle_released", "Number of sequences released after max_sequence_idle_microseconds"
        )
        /// Every metric, with its help text.
        static let all = [open, backlog, started, ended, idleReleased]
    }

    init(factory: any MetricsFactory, model: String, version: String) {
        let labels = [("model", model), ("version", version)]
        open = Meter(label: Name.open.0, dimensions: labels, factory: factory)
        backlog = Meter(label: Name.backlog.0, dimensions: labels, factory: factory)
        started = Counter(label: Name.started.0, dimensions: labels, factory: factory)
        ended = Counter(label: Name.ended.0, dimensions: labels, factory: factory)
        idleReleased = Counter(label: Name.idleReleased.0, dimensions: labels, factory: factory)
    }

    /// Sets the two gauges.
    func counts(open: Int, backlog: Int) {
        self.open.set(open)
        self.backlog.set(backlog)
    }

    /// Counts a START.
    func sequenceStarted() {
        started.increment()
    }

    /// Counts a released sequence: ended, or released for being idle.
    func sequenceReleased(idle: Bool) {
        (idle ? idleReleased : ended).increment()
    }
}
#endif
