import Foundation
import KServeProtocol
import ONNXRuntime

// Decoding of the case files in Tests/Models (format: Tests/Models/README.md) and building run inputs from them.

/// The elements of one tensor from a case file, in the form that is authoritative for its dtype.
enum CaseTensorData: Sendable, Equatable {
    case float32([Float])
    case float64([Double])
    /// float16 bit patterns, with the file's decoded values (`nil` for NaN).
    case float16(bits: [UInt16], decoded: [Double?])
    /// bfloat16 bit patterns, with the file's decoded values (`nil` for NaN).
    case bfloat16(bits: [UInt16], decoded: [Double?])
    /// float8 bit patterns (any of the four float8 types), with the file's decoded values (`nil` for NaN).
    case float8(bits: [UInt8], decoded: [Double?])
    /// int4/uint4: the element values and the packed bytes in ONNX layout.
    case packed4(values: [Int8], packed: [UInt8])
    case int8([Int8])
    case int16([Int16])
    case int32([Int32])
    case int64([Int64])
    case uint8([UInt8])
    case uint16([UInt16])
    case uint32([UInt32])
    case uint64([UInt64])
    case bool([Bool])
    case string([String])

    /// The number of elements.
    var count: Int {
        switch self {
        case .float32(let values): values.count
        case .float64(let values): values.count
        case .float16(let bits, _), .bfloat16(let bits, _): bits.count
        case .float8(let bits, _): bits.count
        case .packed4(let values, _): values.count
        case .int8(let values): values.count
        case .int16(let values): values.count
        case .int32(let values): values.count
        case .int64(let values): values.count
        case .uint8(let values): values.count
        case .uint16(let values): values.count
        case .uint32(let values): values.count
        case .uint64(let values): values.count
        case .bool(let values): values.count
        case .string(let values): values.count
        }
    }
}

/// One tensor from a case file.
struct CaseTensor: Sendable, Equatable, CustomStringConvertible {
    var elementType: ElementType
    var shape: [Int]
    var data: CaseTensorData

    var elementCount: Int { shape.reduce(1, *) }

    var description: String { "\(elementType)\(shape)" }
}

/// One value from a case file: a tensor, a sequence, a map or an optional.
indirect enum CaseValue: Sendable, Equatable, CustomStringConvertible {
    case tensor(CaseTensor)
    case sequence([CaseValue])
    /// A map; `keys` and `values` are 1-D tensors of the same length.
    case map(keys: CaseTensor, values: CaseTensor)
    /// An optional; `nil` is an absent optional (not fed as an input; no value as an output).
    case optional(CaseValue?)

    var description: String {
        switch self {
        case .tensor(let tensor): "tensor \(tensor)"
        case .sequence(let elements): "seq[\(elements.map(\.description).joined(separator: ", "))]"
        case .map(let keys, let values): "map(\(keys.elementType) -> \(values.elementType))[\(keys.elementCount)]"
        case .optional(let element): "optional(\(element?.description ?? "none"))"
        }
    }
}

/// A named input or output of a case, in file order.
struct CaseEntry: Sendable, Equatable {
    var name: String
    var value: CaseValue
}

/// One test case: inputs to feed and the outputs they must produce.
struct ModelCase: Sendable, Equatable {
    var name: String
    var inputs: [CaseEntry]
    var outputs: [CaseEntry]

    func input(_ name: String) -> CaseValue? { inputs.first { $0.name == name }?.value }
    func output(_ name: String) -> CaseValue? { outputs.first { $0.name == name }?.value }
}

/// The float tolerance of a case file: `|actual - expected| <= atol + rtol * |expected|`; `0/0` means exact.
struct Tolerance: Sendable, Equatable, CustomStringConvertible {
    var rtol: Double
    var atol: Double

    static let exact = Tolerance(rtol: 0, atol: 0)

    var isExact: Bool { rtol == 0 && atol == 0 }

    var description: String { "rtol \(rtol), atol \(atol)" }
}

/// A decoded `NAME.json`.
struct ModelCaseFile: Sendable, Equatable {
    /// The case file's name without extension.
    var name: String
    /// The model file name, e.g. `add_f32.onnx`.
    var model: String
    var cases: [ModelCase]
    var tolerance: Tolerance

    /// The path of the model file.
    var modelPath: String { TestModels.path(model) }

    struct DecodeError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// Loads `Tests/Models/NAME.json`.
    static func load(_ name: String) throws -> ModelCaseFile {
        let data = try Data(contentsOf: TestModels.caseFileURL(name))
        return try decode(CaseJSON.parse(data), name: name)
    }

    /// Decodes a parsed case file.
    static func decode(_ json: CaseJSON, name: String) throws(DecodeError) -> ModelCaseFile {
        var decoder = CaseDecoder(path: name)
        return try decoder.file(json, name: name)
    }
}

// MARK: - Decoding

/// Decodes case-file JSON, naming the place of any problem (`add_f32.cases[1].inputs.A.data[3]`).
private struct CaseDecoder {
    var path: String

    func fail(_ message: String, at place: String? = nil) -> ModelCaseFile.DecodeError {
        ModelCaseFile.DecodeError(message: "\(place ?? path): \(message)")
    }

    mutating func file(_ json: CaseJSON, name: String) throws(ModelCaseFile.DecodeError) -> ModelCaseFile {
        guard let model = json["model"]?.stringValue else { throw fail("missing \"model\"") }
        guard let cases = json["cases"]?.arrayValue else { throw fail("missing \"cases\"") }
        let rtol = try double(json["rtol"], at: "\(path).rtol")
        let atol = try double(json["atol"], at: "\(path).atol")
        var decoded: [ModelCase] = []
        for (index, caseJSON) in cases.enumerated() {
            let place = "\(path).cases[\(index)]"
            guard let caseName = caseJSON["name"]?.stringValue else { throw fail("missing \"name\"", at: place) }
            decoded.append(
                ModelCase(
                    name: caseName,
                    inputs: try entries(caseJSON["inputs"], at: "\(place).inputs"),
                    outputs: try entries(caseJSON["outputs"], at: "\(place).outputs")))
        }
        return ModelCaseFile(name: name, model: model, cases: decoded, tolerance: Tolerance(rtol: rtol, atol: atol))
    }

    func entries(_ json: CaseJSON?, at place: String) throws(ModelCaseFile.DecodeError) -> [CaseEntry] {
        guard let members = json?.members else { throw fail("expected an object", at: place) }
        var result: [CaseEntry] = []
        for member in members {
            result.append(CaseEntry(name: member.key, value: try value(member.value, at: "\(place).\(member.key)")))
        }
        return result
    }

    func value(_ json: CaseJSON, at place: String) throws(ModelCaseFile.DecodeError) -> CaseValue {
        guard let dtype = json["dtype"]?.stringValue else { throw fail("missing \"dtype\"", at: place) }
        switch dtype {
        case "seq":
            guard let elements = json["elements"]?.arrayValue else { throw fail("missing \"elements\"", at: place) }
            var result: [CaseValue] = []
            for (index, element) in elements.enumerated() {
                result.append(try value(element, at: "\(place).elements[\(index)]"))
            }
            return .sequence(result)
        case "map":
            guard let keyName = json["key_dtype"]?.stringValue, let valueName = json["value_dtype"]?.stringValue else {
                throw fail("a map needs \"key_dtype\" and \"value_dtype\"", at: place)
            }
            guard let keys = json["keys"]?.arrayValue, let values = json["values"]?.arrayValue else {
                throw fail("a map needs \"keys\" and \"values\"", at: place)
            }
            guard keys.count == values.count else {
                throw fail("\(keys.count) keys but \(values.count) values", at: place)
            }
            let keyType = try elementType(keyName, at: place)
            let valueType = try elementType(valueName, at: place)
            return .map(
                keys: try tensor(keyType, shape: [keys.count], data: keys, extra: nil, at: "\(place).keys"),
                values: try tensor(valueType, shape: [values.count], data: values, extra: nil, at: "\(place).values"))
        case "optional":
            guard let element = json["element"] else { throw fail("missing \"element\"", at: place) }
            if element.isNull { return .optional(nil) }
            return .optional(try value(element, at: "\(place).element"))
        default:
            let type = try elementType(dtype, at: place)
            guard let shapeJSON = json["shape"]?.arrayValue else { throw fail("missing \"shape\"", at: place) }
            var shape: [Int] = []
            for dimension in shapeJSON {
                guard let text = dimension.numberText, let size = Int(text), size >= 0 else {
                    throw fail("bad shape \(shapeJSON)", at: place)
                }
                shape.append(size)
            }
            guard let data = json["data"]?.arrayValue else { throw fail("missing \"data\"", at: place) }
            let extra: [CaseJSON]?
            switch type {
            case .float16, .bfloat16, .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz:
                guard let bits = json["bits"]?.arrayValue else { throw fail("\(type) needs \"bits\"", at: place) }
                extra = bits
            case .int4, .uint4:
                guard let packed = json["packed"]?.arrayValue else { throw fail("\(type) needs \"packed\"", at: place) }
                extra = packed
            default:
                extra = nil
            }
            return .tensor(try tensor(type, shape: shape, data: data, extra: extra, at: place))
        }
    }

    func elementType(_ name: String, at place: String) throws(ModelCaseFile.DecodeError) -> ElementType {
        // The file uses NumPy-style names (float32, float64) and ONNX names for the rest; ElementType.description
        // follows the same convention.
        guard let type = ElementType.allCases.first(where: { $0.description == name }) else {
            throw fail("unknown dtype '\(name)'", at: place)
        }
        return type
    }

    func tensor(_ type: ElementType, shape: [Int], data: [CaseJSON], extra: [CaseJSON]?, at place: String)
        throws(ModelCaseFile.DecodeError) -> CaseTensor
    {
        let count = shape.reduce(1, *)
        guard data.count == count else {
            throw fail("shape \(shape) holds \(count) elements but \"data\" has \(data.count)", at: place)
        }
        let decoded: CaseTensorData
        switch type {
        case .float32:
            decoded = .float32(
                try mapNumbers(data, at: place) { text throws(ModelCaseFile.DecodeError) in
                    let double = try self.double(text, at: place)
                    let float = Float(double)
                    // The file writes each float32 as its exact value, so the conversion must be exact.
                    guard Double(float).bitPattern == double.bitPattern else {
                        throw fail("\(text) is not exactly a float32", at: place)
                    }
                    return float
                })
        case .float64:
            decoded = .float64(
                try mapNumbers(data, at: place) { text throws(ModelCaseFile.DecodeError) in
                    try self.double(text, at: place)
                })
        case .float16, .bfloat16:
            let bits: [UInt16] = try integers(extra ?? [], at: "\(place).bits")
            let values = try optionalDoubles(data, at: place)
            guard bits.count == count else { throw fail("\"bits\" has \(bits.count) entries, not \(count)", at: place) }
            decoded = type == .float16 ? .float16(bits: bits, decoded: values) : .bfloat16(bits: bits, decoded: values)
        case .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz:
            let bits: [UInt8] = try integers(extra ?? [], at: "\(place).bits")
            guard bits.count == count else { throw fail("\"bits\" has \(bits.count) entries, not \(count)", at: place) }
            decoded = .float8(bits: bits, decoded: try optionalDoubles(data, at: place))
        case .int4, .uint4:
            let values: [Int8] = try integers(data, at: place)
            let packed: [UInt8] = try integers(extra ?? [], at: "\(place).packed")
            let range: ClosedRange<Int8> = type == .int4 ? -8...7 : 0...15
            guard values.allSatisfy(range.contains) else { throw fail("\(type) value out of \(range)", at: place) }
            guard packed.count == (count + 1) / 2 else {
                throw fail("\"packed\" has \(packed.count) bytes, \(count) elements need \((count + 1) / 2)", at: place)
            }
            decoded = .packed4(values: values, packed: packed)
        case .int8: decoded = .int8(try integers(data, at: place))
        case .int16: decoded = .int16(try integers(data, at: place))
        case .int32: decoded = .int32(try integers(data, at: place))
        case .int64: decoded = .int64(try integers(data, at: place))
        case .uint8: decoded = .uint8(try integers(data, at: place))
        case .uint16: decoded = .uint16(try integers(data, at: place))
        case .uint32: decoded = .uint32(try integers(data, at: place))
        case .uint64: decoded = .uint64(try integers(data, at: place))
        case .bool:
            var flags: [Bool] = []
            for (index, element) in data.enumerated() {
                guard let flag = element.boolValue else { throw fail("data[\(index)] is not a bool", at: place) }
                flags.append(flag)
            }
            decoded = .bool(flags)
        case .string:
            var strings: [String] = []
            for (index, element) in data.enumerated() {
                guard let text = element.stringValue else { throw fail("data[\(index)] is not a string", at: place) }
                strings.append(text)
            }
            decoded = .string(strings)
        case .complex64, .complex128, .float4e2m1, .uint2, .int2, .float8e8m0:
            throw fail("dtype \(type) is not supported by the case format", at: place)
        }
        return CaseTensor(elementType: type, shape: shape, data: decoded)
    }

    func mapNumbers<T>(
        _ data: [CaseJSON], at place: String, _ transform: (String) throws(ModelCaseFile.DecodeError) -> T
    ) throws(ModelCaseFile.DecodeError) -> [T] {
        var result: [T] = []
        result.reserveCapacity(data.count)
        for (index, element) in data.enumerated() {
            guard let text = element.numberText else { throw fail("data[\(index)] is not a number", at: place) }
            result.append(try transform(text))
        }
        return result
    }

    /// Exact integers: the literal is parsed directly as `T`, so 64-bit extremes survive.
    func integers<T: FixedWidthInteger>(_ data: [CaseJSON], at place: String) throws(ModelCaseFile.DecodeError) -> [T] {
        try mapNumbers(data, at: place) { text throws(ModelCaseFile.DecodeError) in
            guard let value = T(text, radix: 10) else { throw fail("\(text) is not a \(T.self)", at: place) }
            return value
        }
    }

    func optionalDoubles(_ data: [CaseJSON], at place: String) throws(ModelCaseFile.DecodeError) -> [Double?] {
        var result: [Double?] = []
        for element in data {
            result.append(element.isNull ? nil : try double(element, at: place))
        }
        return result
    }

    func double(_ json: CaseJSON?, at place: String) throws(ModelCaseFile.DecodeError) -> Double {
        guard let text = json?.numberText else { throw fail("expected a number", at: place) }
        return try double(text, at: place)
    }

    func double(_ text: String, at place: String) throws(ModelCaseFile.DecodeError) -> Double {
        // Swift's Double(String) is correctly rounded and keeps the sign of -0.0.
        guard let value = Double(text), value.isFinite else { throw fail("\(text) is not a finite number", at: place) }
        return value
    }
}

// MARK: - Building run inputs

/// How input tensors are built.
enum FeedMode: String, Sendable, CaseIterable {
    /// Copying initialisers: `Tensor(_:shape:)` and `Value(rawBytes:elementType:shape:)`.
    case copy
    /// In place, without a copy: `Tensor(borrowing:shape:)` and `Value(bytesNoCopy:elementType:shape:deallocator:)`
    /// (strings have no such form and are copied).
    case noCopy
}

extension CaseTensor {
    /// A `Value` holding this tensor: typed `Tensor`s for element types with a Swift counterpart (float16 and
    /// bfloat16 from their bit patterns), raw bytes for float8 and int4/uint4.
    func makeValue(_ mode: FeedMode = .copy) throws -> Value {
        switch data {
        case .float32(let values): return try typed(values, mode)
        case .float64(let values): return try typed(values, mode)
        case .float16(let bits, _): return try typed(bits.map(Float16.init(bitPattern:)), mode)
        case .bfloat16(let bits, _): return try typed(bits.map(BFloat16.init(bitPattern:)), mode)
        case .float8(let bits, _): return try raw(bits, mode)
        case .packed4(_, let packed): return try raw(packed, mode)
        case .int8(let values): return try typed(values, mode)
        case .int16(let values): return try typed(values, mode)
        case .int32(let values): return try typed(values, mode)
        case .int64(let values): return try typed(values, mode)
        case .uint8(let values): return try typed(values, mode)
        case .uint16(let values): return try typed(values, mode)
        case .uint32(let values): return try typed(values, mode)
        case .uint64(let values): return try typed(values, mode)
        case .bool(let values): return try typed(values, mode)
        case .string(let values): return try Tensor<String>(values, shape: shape).value
        }
    }

    private func typed<Element: TrivialTensorElement>(_ values: [Element], _ mode: FeedMode) throws -> Value {
        switch mode {
        case .copy: try Tensor<Element>(values, shape: shape).value
        case .noCopy: try Tensor<Element>(borrowing: values, shape: shape).value
        }
    }

    private func raw(_ bytes: [UInt8], _ mode: FeedMode) throws -> Value {
        switch mode {
        case .copy:
            return try Value(rawBytes: bytes, elementType: elementType, shape: shape)
        case .noCopy:
            // Handed over to the value, which frees it when it is released.
            let memory = UnsafeMutableRawBufferPointer(
                start: bytes.isEmpty ? nil : malloc(bytes.count), count: bytes.count)
            if !bytes.isEmpty { memory.copyBytes(from: bytes) }
            return try Value(bytesNoCopy: memory, elementType: elementType, shape: shape, deallocator: .free)
        }
    }
}

extension CaseValue {
    /// The value to feed for this input, or `nil` for an absent optional (which is not fed at all).
    /// An optional with an element feeds the element itself.
    func makeFeed(_ mode: FeedMode = .copy) throws -> Value? {
        switch self {
        case .tensor(let tensor): return try tensor.makeValue(mode)
        case .sequence(let elements):
            var values: [Value] = []
            for element in elements {
                guard let value = try element.makeFeed(mode) else {
                    throw ModelCaseFile.DecodeError(message: "a sequence element cannot be an absent optional")
                }
                values.append(value)
            }
            return try Value(sequence: values)
        case .map(let keys, let values):
            return try Value(mapKeys: keys.makeValue(mode), values: values.makeValue(mode))
        case .optional(let element):
            return try element?.makeFeed(mode)
        }
    }
}

extension ModelCase {
    /// The inputs to feed, by name; absent optionals are left out.
    func feeds(_ mode: FeedMode = .copy) throws -> [String: any ValueConvertible] {
        var result: [String: any ValueConvertible] = [:]
        for entry in inputs {
            if let value = try entry.value.makeFeed(mode) { result[entry.name] = value }
        }
        return result
    }
}
