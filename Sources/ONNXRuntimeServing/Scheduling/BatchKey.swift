#if Server
/// What requests must have in common to share a dynamic batch: the same inputs with the same datatypes and the same
/// dimensions beyond the batch dimension, and the same requested outputs. Requests with different keys go into
/// different batches.
struct BatchKey: Hashable, Sendable {
    /// One input's name, datatype and dimensions after the first.
    struct Input: Hashable, Sendable {
        var name: String
        var datatype: DataType
        var dimensions: [Int]
    }

    /// The inputs, sorted by name.
    let inputs: [Input]
    /// The names of the outputs to compute, sorted and without repeats.
    let outputs: [String]

    /// The key of a checked request.
    init(_ plan: InferencePlan) {
        inputs = plan.inputs.map { planned in
            Input(
                name: planned.input.name, datatype: planned.input.datatype,
                dimensions: Array(planned.input.shape.dropFirst()))
        }.sorted { $0.name < $1.name }
        outputs = Set(plan.outputs.map(\.spec.name)).sorted()
    }
}
#endif
