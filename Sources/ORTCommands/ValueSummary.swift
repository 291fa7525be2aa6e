#if Server
import Foundation
import ONNXFormats
import ONNXRuntime

/// A short, readable description of one value: type, shape, the first elements and, for numbers, min/max/mean.
public struct ValueSummary: Sendable, Encodable {
    public var name: String
    public var type: String
    public var shape: [Int]?
    public var count: Int?
    /// The first elements, as text.
    public var first: [String]
    public var min: Double?
    public var max: Double?
    public var mean: Double?
    /// For sequences and maps: summaries of the elements (or of keys and values).
    public var elements: [ValueSummary]?

    /// How many leading elements are shown.
    public static let shownElements = 8

    /// Summarises a value.
    public init(name: String, value: Value) {
        self.name = name
        type = value.type.typeString
        first = []
        switch value.kind {
        case .tensor:
            let shape = value.shape
            self.shape = shape
            count = shape.reduce(1, *)
            if let numbers = Self.numbers(value) {
                first = numbers.prefix(Self.shownElements).map(Self.format)
                if !numbers.isEmpty {
                    min = numbers.min()
                    max = numbers.max()
                    mean = numbers.reduce(0, +) / Double(numbers.count)
                }
            } else if value.elementType == .string, let elements = try? value.tensor(of: [UInt8].self).scalars {
                first = elements.prefix(Self.shownElements).map(Self.format)
            } else if let bytes = try? value.rawBytes {
                first = bytes.prefix(Self.shownElements).map { "0x" + String($0, radix: 16) }
            }
        case .sequence, .map:
            let parts = (try? value.elements) ?? []
            count = parts.count
            let labels = value.kind == .map ? ["keys", "values"] : parts.indices.map { "[\($0)]" }
            elements = zip(labels, parts).prefix(Self.shownElements).map { ValueSummary(name: $0, value: $1) }
        default:
            if !value.hasValue { first = ["(no value)"] }
        }
    }

    /// The elements as doubles, for element types that are numbers (or bools).
    static func numbers(_ value: Value) -> [Double]? {
        func convert<T: TrivialTensorElement>(_ type: T.Type, _ transform: (T) -> Double) -> [Double]? {
            (try? value.tensor(of: T.self))?.withUnsafeBufferPointer { $0.map(transform) }
        }
        switch value.elementType {
        case .float32: return convert(Float.self) { Double($0) }
        case .float64: return convert(Double.self) { $0 }
        case .float16: return convert(Float16.self) { Double($0) }
        case .bfloat16: return convert(BFloat16.self) { Double($0.floatValue) }
        case .int8: return convert(Int8.self) { Double($0) }
        case .int16: return convert(Int16.self) { Double($0) }
        case .int32: return convert(Int32.self) { Double($0) }
        case .int64: return convert(Int64.self) { Double($0) }
        case .uint8: return convert(UInt8.self) { Double($0) }
        case .uint16: return convert(UInt16.self) { Double($0) }
        case .uint32: return convert(UInt32.self) { Double($0) }
        case .uint64: return convert(UInt64.self) { Double($0) }
        case .bool: return convert(Bool.self) { $0 ? 1 : 0 }
        default: return nil
        }
    }

    /// A string element as `"text"` when it is UTF-8 without control characters, else as a Python bytes literal such
    /// as `b'\x00\xff'`.
    static func format(_ element: [UInt8]) -> String {
        if !element.contains(where: { $0 < 0x20 || $0 == 0x7F }), let text = String(validating: element, as: UTF8.self)
        {
            return "\"\(text)\""
        }
        var literal = "b'"
        for byte in element {
            switch byte {
            case UInt8(ascii: "\\"): literal += "\\\\"
            case UInt8(ascii: "'"): literal += "\\'"
            case 0x20..<0x7F: literal.unicodeScalars.append(Unicode.Scalar(byte))
            default: literal += "\\x" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16)
            }
        }
        return literal + "'"
    }

    static func format(_ number: Double) -> String {
        if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        return String(format: "%.6g", number)
    }

    /// One or more lines of text.
    public var text: String {
        var line = "\(name): \(type)"
        if let shape { line += " \(shape)" }
        if let elements {
            line += " with \(count ?? 0) element\(count == 1 ? "" : "s")"
            return ([line] + elements.map { "  " + $0.text.replacingOccurrences(of: "\n", with: "\n  ") })
                .joined(separator: "\n")
        }
        if !first.isEmpty {
            let more = (count ?? 0) > first.count ? ", ..." : ""
            line += " = [\(first.joined(separator: ", "))\(more)]"
        }
        if let min, let max, let mean {
            line += "  min \(Self.format(min)) max \(Self.format(max)) mean \(String(format: "%.6g", mean))"
        }
        return line
    }
}

#if canImport(Glibc)
import Glibc
#endif
#endif
