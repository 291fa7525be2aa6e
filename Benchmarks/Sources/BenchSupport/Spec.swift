import Foundation
import ONNXRuntime

/// One model input, as `name:dtype:dims:fill` (the same text the C and Python peers parse).
///
/// - dtype: `f32` or `i64`
/// - dims: `1x784`, `64x1x28x28`, or `scalar`
/// - fill: `ramp` ((i % 251) / 251 - 0.5), `zeros`, `ones`, `tokens` (101, pseudo-random ids, 102 per row) or
///   `const=V`. Values are computed in Double and converted, as in bench.c and peer.py, so every peer feeds
///   identical bytes.
public struct InputSpec: Sendable, Hashable {
    public enum DType: String, Sendable, Hashable { case f32, i64 }

    public var name: String
    public var dtype: DType
    public var shape: [Int]
    public var fill: String

    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, let dtype = DType(rawValue: parts[1]) else {
            throw BenchError("bad input spec '\(text)' (want name:dtype:dims:fill, dtype f32|i64)")
        }
        name = parts[0]
        self.dtype = dtype
        if parts[2] == "scalar" {
            shape = []
        } else {
            let dims = parts[2].split(separator: "x").compactMap { Int($0) }
            guard !dims.isEmpty, dims.count == parts[2].split(separator: "x").count else {
                throw BenchError("bad dims in input spec '\(text)'")
            }
            shape = dims
        }
        fill = parts[3]
    }

    public var count: Int { shape.reduce(1, *) }

    /// The element values, computed exactly as bench.c does.
    public func values() throws -> [Double] {
        let row = max(shape.last ?? 1, 1)
        return try (0..<count).map { index -> Double in
            switch fill {
            case "ramp": return Double(index % 251) / 251.0 - 0.5
            case "zeros": return 0
            case "ones": return 1
            case "tokens":
                let position = index % row
                return position == 0 ? 101 : position == row - 1 ? 102 : Double(1000 + (index * 7919) % 20000)
            default:
                if fill.hasPrefix("const="), let value = Double(fill.dropFirst(6)) { return value }
                throw BenchError("unknown fill '\(fill)'")
            }
        }
    }

    /// A tensor over an array made once (no copy: `Tensor(borrowing:)`), to be fed on every call.
    public func makeTensor() throws -> any ValueConvertible {
        let values = try values()
        switch dtype {
        case .f32: return try Tensor<Float>(borrowing: values.map { Float($0) }, shape: shape)
        case .i64: return try Tensor<Int64>(borrowing: values.map { Int64($0) }, shape: shape)
        }
    }
}

/// A model and its inputs: one row of the results.
public struct ModelCase: Codable, Sendable {
    public var name: String
    public var model: String
    public var inputs: [String]

    public init(name: String, model: String, inputs: [String]) {
        self.name = name
        self.model = model
        self.inputs = inputs
    }

    /// The cases the driver wrote to `Benchmarks/.models/cases.json` (or to `$ORTBENCH_CASES`).
    public static func load(from path: String? = nil) throws -> [ModelCase] {
        let file =
            path ?? ProcessInfo.processInfo.environment["ORTBENCH_CASES"]
            ?? URL(fileURLWithPath: #filePath)  // Benchmarks/Sources/BenchSupport/Spec.swift
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".models/cases.json").path
        return try JSONDecoder().decode([ModelCase].self, from: Data(contentsOf: URL(fileURLWithPath: file)))
    }
}

public struct BenchError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The same session options for every peer: one intra-op and one inter-op thread, sequential, all optimisations.
public let benchmarkOptions = SessionOptions(
    intraOpThreads: 1, interOpThreads: 1, optimization: .all, executionMode: .sequential)

/// A session with its inputs made once, and the call every peer times.
public final class Runner: Sendable {
    public let session: Session
    public let feeds: [String: any ValueConvertible]
    /// Output names, and whether each is a float tensor (read through `Tensor<Float>`) or not (read as raw bytes).
    let outputs: [(name: String, isFloat: Bool)]

    /// Whether `call()` reads the outputs (the normal case) or only runs (a diagnostic: what `run` alone costs).
    let readsOutputs: Bool

    /// The same inputs for ``PreparedRun``, when the runner calls through one.
    let preparedRun: PreparedRun?
    let preparedValues: [Value]

    public init(model: String, inputs: [String], readsOutputs: Bool = true, prepared: Bool = false) throws {
        self.readsOutputs = readsOutputs
        session = try Session(path: model, options: benchmarkOptions)
        var feeds: [String: any ValueConvertible] = [:]
        var names: [String] = []
        var values: [Value] = []
        for text in inputs {
            let spec = try InputSpec(parsing: text)
            let tensor = try spec.makeTensor()
            feeds[spec.name] = tensor
            names.append(spec.name)
            values.append(tensor.value)
        }
        self.feeds = feeds
        preparedRun = prepared ? try session.prepareRun(inputs: names) : nil
        preparedValues = values
        outputs = session.outputs.map { info in
            if case .tensor(let tensor) = info.type { return (info.name, tensor.elementType == .float32) }
            return (info.name, false)
        }
    }

    public convenience init(_ modelCase: ModelCase) throws {
        try self.init(model: modelCase.model, inputs: modelCase.inputs)
    }

    /// One call, as an application makes it: `run`, then read the first element of every output in place.
    @inline(never)
    public func call() throws -> UInt8 {
        if let preparedRun { return try callPrepared(preparedRun) }
        let results = try session.run(feeds)
        var sink: UInt8 = 0
        guard readsOutputs else { return UInt8(truncatingIfNeeded: results.count) }
        for output in outputs {
            if output.isFloat {
                sink ^= try results.tensor(output.name, of: Float.self).withUnsafeBufferPointer {
                    UInt8(truncatingIfNeeded: $0[0].bitPattern)
                }
            } else if let value = results[output.name] {
                sink ^= try value.withUnsafeRawBytes { $0.first ?? 0 }
            }
        }
        return sink
    }

    /// The same call through a prepared run: values by position, outputs read in place and released at once.
    @inline(__always)
    func callPrepared(_ run: PreparedRun) throws -> UInt8 {
        let readsOutputs = self.readsOutputs
        let outputs = self.outputs
        return try run.run(values: preparedValues) { results in
            guard readsOutputs else { return UInt8(truncatingIfNeeded: results.count) }
            var sink: UInt8 = 0
            for index in outputs.indices {
                if outputs[index].isFloat {
                    sink ^= try results.withUnsafeBufferPointer(at: index, of: Float.self) {
                        UInt8(truncatingIfNeeded: $0[0].bitPattern)
                    }
                } else {
                    sink ^= try results.withUnsafeRawBytes(at: index) { $0.first ?? 0 }
                }
            }
            return sink
        }
    }

    /// The sum of the first output's elements, so the driver can check that every peer computes the same thing.
    public func checksum() throws -> Double {
        let results = try session.run(feeds)
        guard let first = outputs.first, first.isFloat else { return 0 }
        return try results.tensor(first.name, of: Float.self).withUnsafeBufferPointer {
            $0.reduce(0.0) { $0 + Double($1) }
        }
    }
}
