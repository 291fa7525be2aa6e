#if Server
import ArgumentParser
import ONNXRuntime

/// Random input tensors for a session, for benchmarking.
public enum RandomInputs {
    /// One tensor per required tensor input: floats uniform in [0, 1), integers in [0, 10), bools, short strings.
    /// Symbolic dimensions take the value from `dimensions`, else 1.
    public static func make(for session: Session, dimensions: [String: Int], seed: UInt64) throws -> [String: Value] {
        var generator = SplitMix64(seed: seed)
        var feeds: [String: Value] = [:]
        for input in session.inputs {
            guard case .tensor(let info) = input.type else {
                throw CommandError(
                    "input '\(input.name)' is a \(input.type.typeString); give it with --input NAME=FILE")
            }
            let shape = info.shape.map { dimension -> Int in
                switch dimension {
                case .fixed(let value): value
                case .symbolic(let name): dimensions[name] ?? 1
                case .dynamic: 1
                }
            }
            let count = shape.reduce(1, *)
            func floats() -> [Float] { (0..<count).map { _ in Float(generator.unit()) } }
            func ints() -> [Int64] { (0..<count).map { _ in Int64(generator.next() % 10) } }
            let value: Value
            switch info.elementType {
            case .float32: value = try Tensor<Float>(floats(), shape: shape).value
            case .float64: value = try Tensor<Double>(floats().map(Double.init), shape: shape).value
            case .float16: value = try Tensor<Float16>(floats().map(Float16.init), shape: shape).value
            case .bfloat16: value = try Tensor<BFloat16>(floats().map(BFloat16.init), shape: shape).value
            case .int64: value = try Tensor<Int64>(ints(), shape: shape).value
            case .int32: value = try Tensor<Int32>(ints().map(Int32.init), shape: shape).value
            case .int16: value = try Tensor<Int16>(ints().map(Int16.init), shape: shape).value
            case .int8: value = try Tensor<Int8>(ints().map(Int8.init), shape: shape).value
            case .uint64: value = try Tensor<UInt64>(ints().map(UInt64.init), shape: shape).value
            case .uint32: value = try Tensor<UInt32>(ints().map(UInt32.init), shape: shape).value
            case .uint16: value = try Tensor<UInt16>(ints().map(UInt16.init), shape: shape).value
            case .uint8: value = try Tensor<UInt8>(ints().map(UInt8.init), shape: shape).value
            case .bool: value = try Tensor<Bool>(ints().map { $0 % 2 == 0 }, shape: shape).value
            case .string: value = try Tensor<String>(ints().map { "s\($0)" }, shape: shape).value
            default:
                throw CommandError(
                    "input '\(input.name)' is \(info.elementType); give it with --input NAME=FILE")
            }
            feeds[input.name] = value
        }
        return feeds
    }
}

/// A small, fast, seedable generator (SplitMix64), so benchmark inputs are reproducible (and the server's randomized
/// tests can send a failing stream again).
package struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    package init(seed: UInt64) { state = seed }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    package mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
#endif
