/// The value of a node attribute: an int, a float, a string, or a list of one of them.
///
/// Literals choose the kind: `1` is an int, `0.5` a float, `"nearest"` a string, `[1, 0]` ints, `[0.5, 2]` floats
/// (a list with any float is floats) and `["a", "b"]` strings. An attribute an operator declares as a float must be
/// written as a float literal (`1.0`, not `1`).
public struct Attribute: Sendable, Hashable, CustomStringConvertible {
    enum Storage: Sendable, Hashable {
        case int(Int64)
        case float(Float)
        case string(String)
        case ints([Int64])
        case floats([Float])
        case strings([String])
        /// An array literal mixing strings and numbers; refused when the model is built.
        case mixed
    }

    let storage: Storage

    /// An integer attribute (ONNX `INT`).
    public static func int(_ value: Int64) -> Attribute { Attribute(storage: .int(value)) }
    /// A float attribute (ONNX `FLOAT`).
    public static func float(_ value: Float) -> Attribute { Attribute(storage: .float(value)) }
    /// A string attribute (ONNX `STRING`).
    public static func string(_ value: String) -> Attribute { Attribute(storage: .string(value)) }
    /// A list of integers (ONNX `INTS`).
    public static func ints(_ values: [Int64]) -> Attribute { Attribute(storage: .ints(values)) }
    /// A list of floats (ONNX `FLOATS`).
    public static func floats(_ values: [Float]) -> Attribute { Attribute(storage: .floats(values)) }
    /// A list of strings (ONNX `STRINGS`).
    public static func strings(_ values: [String]) -> Attribute { Attribute(storage: .strings(values)) }

    /// A short description for logs and messages.
    public var description: String {
        switch storage {
        case .int(let value): "\(value)"
        case .float(let value): "\(value)"
        case .string(let value): "\"\(value)\""
        case .ints(let values): "\(values)"
        case .floats(let values): "\(values)"
        case .strings(let values): "\(values)"
        case .mixed: "(a list mixing strings and numbers)"
        }
    }
}

extension Attribute: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral,
    ExpressibleByArrayLiteral
{
    /// An int attribute from an integer literal.
    public init(integerLiteral value: Int64) {
        self.storage = .int(value)
    }

    /// A float attribute from a float literal.
    public init(floatLiteral value: Float) {
        self.storage = .float(value)
    }

    /// A string attribute from a string literal.
    public init(stringLiteral value: String) {
        self.storage = .string(value)
    }

    /// A list attribute from an array literal: ints if every element is an int, floats if the elements are numbers
    /// and at least one is a float, strings if every element is a string.
    public init(arrayLiteral elements: Attribute...) {
        var ints: [Int64] = []
        var floats: [Float] = []
        var strings: [String] = []
        var sawFloat = false
        for element in elements {
            switch element.storage {
            case .int(let value):
                ints.append(value)
                floats.append(Float(value))
            case .float(let value):
                sawFloat = true
                floats.append(value)
            case .string(let value): strings.append(value)
            default:
                self.storage = .mixed
                return
            }
        }
        if strings.isEmpty {
            self.storage = sawFloat ? .floats(floats) : .ints(ints)
        } else if strings.count == elements.count {
            self.storage = .strings(strings)
        } else {
            self.storage = .mixed
        }
    }
}
