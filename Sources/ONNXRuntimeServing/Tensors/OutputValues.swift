#if Server
import ONNXRuntime

/// The output tensors of one request, looked up by name: what a response encoder reads.
///
/// An unbatched request reads the run's ``RunOutputs`` directly; a request served in a dynamic batch reads its own
/// rows, split from the batch's outputs into a `[String: Value]`.
protocol OutputValues: Sendable {
    /// The output named `name`, if the run produced it.
    subscript(name: String) -> Value? { get }
}

extension RunOutputs: OutputValues {}

extension Dictionary: OutputValues where Key == String, Value == ONNXRuntime.Value {}
#endif
