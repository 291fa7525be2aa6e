import Foundation
import ONNXRuntime

/// The digit model behind a ``Session``: which input takes the 28x28 pixels, which outputs hold the scores.
///
/// The committed model has input `input` [N, 1, 28, 28] and outputs `logits` and `probabilities` [N, 10]. Other
/// models are accepted if they have one float input of 784 values per digit and a float output of 10 per digit.
final class Classifier {
    let session: Session
    let inputName: String
    /// The input shape after the batch dimension, such as [1, 28, 28].
    let digitShape: [Int]
    /// The batch size the model requires, if it fixes one.
    let fixedBatch: Int?
    let logitsName: String
    /// The softmax output, if the model has one; otherwise the probabilities are computed here.
    let probabilitiesName: String?

    init(modelPath: String, threads: Int) throws {
        session = try Session(path: modelPath, options: SessionOptions(intraOpThreads: threads))
        let expected = "this example needs one float input of shape [N, 1, 28, 28] (or [N, 784])"
        guard session.inputs.count == 1, let input = session.inputs[0].type.tensorInfo,
            input.elementType == .float32, input.rank >= 2
        else {
            let inputs = session.inputs.map(\.description).joined(separator: ", ")
            throw ExampleError("model \(modelPath) has inputs \(inputs); \(expected)")
        }
        let dimensions = input.shape.dropFirst().map(\.value)
        guard !dimensions.contains(nil), dimensions.map({ $0! }).reduce(1, *) == DigitSet.pixelCount else {
            throw ExampleError("model \(modelPath) has input \(session.inputs[0]); \(expected)")
        }
        inputName = session.inputs[0].name
        digitShape = dimensions.map { $0! }
        fixedBatch = input.shape[0].value

        func isScores(_ info: ValueInfo) -> Bool {
            guard let tensor = info.type.tensorInfo, tensor.elementType == .float32 else { return false }
            return tensor.shape.last?.value == 10
        }
        guard
            let logits = session.outputs.first(where: { $0.name == "logits" && isScores($0) })
                ?? session.outputs.first(where: isScores)
        else {
            let outputs = session.outputs.map(\.description).joined(separator: ", ")
            throw ExampleError("model \(modelPath) has outputs \(outputs); this example needs a float output [N, 10]")
        }
        logitsName = logits.name
        probabilitiesName = session.outputs.first { $0.name == "probabilities" && isScores($0) }?.name
    }

    /// Classifies `count` digits whose pixels (0...1) `fill` writes straight into the input tensor, then lends the
    /// outputs in place to `read`: ten logits and ten probabilities per digit, digit after digit.
    func classify<Result>(
        count: Int, fill: (UnsafeMutableBufferPointer<Float>) -> Void,
        read: (_ logits: UnsafeBufferPointer<Float>, _ probabilities: UnsafeBufferPointer<Float>) throws -> Result
    ) throws -> Result {
        let input = try Tensor<Float>(shape: [count] + digitShape) { buffer in fill(buffer) }
        let names = [logitsName] + (probabilitiesName.map { [$0] } ?? [])
        let outputs = try session.run([inputName: input], outputs: names)
        let logits = try outputs.tensor(logitsName, of: Float.self)
        guard logits.count == count * 10 else {
            throw ExampleError(
                "output '\(logitsName)' has shape \(logits.shape) for \(count) digits; expected [\(count), 10]")
        }
        return try logits.withUnsafeBufferPointer { logits in
            if let probabilitiesName {
                let probabilities = try outputs.tensor(probabilitiesName, of: Float.self)
                guard probabilities.count == count * 10 else {
                    throw ExampleError(
                        "output '\(probabilitiesName)' has shape \(probabilities.shape); expected [\(count), 10]")
                }
                return try probabilities.withUnsafeBufferPointer { try read(logits, $0) }
            }
            return try Self.softmax(logits).withUnsafeBufferPointer { try read(logits, $0) }
        }
    }

    /// The index of the largest of the ten scores of digit `index`.
    static func argmax(_ scores: UnsafeBufferPointer<Float>, _ index: Int) -> Int {
        var best = 0
        for digit in 1..<10 where scores[index * 10 + digit] > scores[index * 10 + best] { best = digit }
        return best
    }

    /// Softmax over each group of ten scores.
    static func softmax(_ logits: UnsafeBufferPointer<Float>) -> [Float] {
        var result = [Float](repeating: 0, count: logits.count)
        for start in stride(from: 0, to: logits.count, by: 10) {
            let row = logits[start..<(start + 10)]
            let top = row.max()!
            let exponentials = row.map { exp($0 - top) }
            let sum = exponentials.reduce(0, +)
            for (offset, value) in exponentials.enumerated() { result[start + offset] = value / sum }
        }
        return result
    }
}
