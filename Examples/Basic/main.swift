// The basic demo: load a model, show what it expects, run it and print the result.
//
//     swift run Basic [MODEL.onnx]
//
// Without an argument it runs Tests/Models/add_f32.onnx, a tiny model that adds two float tensors.
import Foundation
import ONNXRuntime

let defaultModel = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Tests/Models/add_f32.onnx").path
let path = CommandLine.arguments.dropFirst().first ?? defaultModel

do {
    let runtime = try RuntimeLibrary.load()
    print("Runtime:  \(runtime)")

    let session = try Session(path: path, options: SessionOptions(intraOpThreads: 1))
    print("Model:    \(path)")
    let metadata = session.metadata
    print("Producer: \(metadata.producerName), graph '\(metadata.graphName)', version \(metadata.version)")
    if !metadata.description.isEmpty { print("About:    \(metadata.description)") }
    for (key, value) in metadata.custom.sorted(by: { $0.key < $1.key }) { print("  \(key) = \(value)") }
    print("Inputs:")
    for input in session.inputs { print("  \(input)") }
    print("Outputs:")
    for output in session.outputs { print("  \(output)") }

    // Make an input for each tensor input: symbolic dimensions become 2, values count up from 1.
    var feeds: [String: any ValueConvertible] = [:]
    for input in session.inputs {
        guard case .tensor(let info) = input.type else {
            print("(input '\(input.name)' is a \(input.type.typeString); this demo only feeds tensors)")
            exit(1)
        }
        let shape = info.shape.map { $0.value ?? 2 }
        let count = shape.reduce(1, *)
        let numbers = (0..<count).map { Double($0 + 1) }
        switch info.elementType {
        case .float32: feeds[input.name] = try Tensor<Float>(numbers.map { Float($0) }, shape: shape)
        case .float64: feeds[input.name] = try Tensor<Double>(numbers, shape: shape)
        case .int64: feeds[input.name] = try Tensor<Int64>(numbers.map { Int64($0) }, shape: shape)
        case .int32: feeds[input.name] = try Tensor<Int32>(numbers.map { Int32($0) }, shape: shape)
        case .string: feeds[input.name] = try Tensor<String>(numbers.map { "s\(Int($0))" }, shape: shape)
        case .bool: feeds[input.name] = try Tensor<Bool>(numbers.map { Int($0) % 2 == 0 }, shape: shape)
        default:
            print(
                "(input '\(input.name)' is \(info.elementType); this demo feeds float, double, int32, int64, bool, string)"
            )
            exit(1)
        }
        print("Feeding   \(input.name) = \(feeds[input.name]!.value)")
    }

    let outputs = try session.run(feeds)
    print("Results:")
    for (name, value) in outputs {
        switch value.elementType {
        case .float32: print("  \(name) \(value.shape) = \(try value.tensor(of: Float.self).scalars)")
        case .float64: print("  \(name) \(value.shape) = \(try value.tensor(of: Double.self).scalars)")
        case .int64: print("  \(name) \(value.shape) = \(try value.tensor(of: Int64.self).scalars)")
        case .int32: print("  \(name) \(value.shape) = \(try value.tensor(of: Int32.self).scalars)")
        case .bool: print("  \(name) \(value.shape) = \(try value.tensor(of: Bool.self).scalars)")
        case .string: print("  \(name) \(value.shape) = \(try value.tensor(of: String.self).scalars)")
        default: print("  \(name): \(value)")
        }
    }
} catch {
    print("error: \(error)")
    exit(1)
}
