#if Server
import Foundation
import ONNXFormats
import ONNXRuntime

/// How close a computed floating-point element must be to the expected one: `|actual − expected| <= absolute +
/// relative · |expected|`, as NumPy's `assert_allclose` (which the ONNX backend tests use) checks it.
public struct Tolerance: Sendable, Hashable, Codable {
    /// The relative tolerance (`rtol`).
    public var relative: Double
    /// The absolute tolerance (`atol`).
    public var absolute: Double

    /// Creates a tolerance.
    public init(relative: Double, absolute: Double) {
        self.relative = relative
        self.absolute = absolute
    }

    /// The ONNX backend tests' defaults: rtol 1e-3, atol 1e-7.
    public static let onnxDefault = Tolerance(relative: 1e-3, absolute: 1e-7)

    /// Whether `actual` passes for `expected`: NaN matches NaN (of either sign), an infinity matches only the same
    /// infinity, and finite values must be within the tolerance.
    public func accepts(_ actual: Double, expected: Double) -> Bool {
        if actual.isNaN || expected.isNaN { return actual.isNaN && expected.isNaN }
        if actual == expected { return true }
        guard actual.isFinite, expected.isFinite else { return false }
        return abs(actual - expected) <= absolute + relative * abs(expected)
    }
}

/// Compares a computed value with the expected one, as the conformance runner does.
///
/// Element types must be equal and shapes must be equal. Floating-point elements (float16, bfloat16, float8 and
/// float4 decoded exactly) must pass the ``Tolerance``; integers (the 4-bit and 2-bit ones unpacked), bools and
/// strings must be equal. Sequences are compared element by element, maps key by key, and an optional holding nothing matches
/// only an optional holding nothing (ONNX Runtime returns an optional that holds a value as the value itself, so a
/// value is accepted where an optional holding that value is expected).
public enum Comparison {
    /// A description of the first difference between `actual` and `expected`, or `nil` when they match.
    /// - Parameters:
    ///   - actual: The computed value.
    ///   - expected: The expected value.
    ///   - tolerance: How close floating-point elements must be.
    ///   - path: Where the values are, for the description (such as `output 0 'y'`).
    public static func difference(
        _ actual: ProtoValue, expected: ProtoValue, tolerance: Tolerance, path: String = "value"
    ) -> String? {
        switch (expected, actual) {
        case (.optional(let wanted), .optional(let got)):
            switch (wanted, got) {
            case (nil, nil): return nil
            case (nil, .some): return "\(path): expected an optional holding nothing, got a value"
            case (.some, nil): return "\(path): expected a value, got an optional holding nothing"
            case (.some(let wanted), .some(let got)):
                return difference(got, expected: wanted, tolerance: tolerance, path: path)
            }
        case (.optional(let wanted), _):
            guard let wanted else { return "\(path): expected an optional holding nothing, got a value" }
            return difference(actual, expected: wanted, tolerance: tolerance, path: path)
        case (_, .optional(let got)):
            guard let got else { return "\(path): expected a value, got an optional holding nothing" }
            return difference(got, expected: expected, tolerance: tolerance, path: path)
        case (.tensor(let wanted), .tensor(let got)):
            return difference(got, expected: wanted, tolerance: tolerance, path: path)
        case (.sequence(let wanted), .sequence(let got)):
            guard wanted.count == got.count else {
                return "\(path): expected a sequence of \(wanted.count), got \(got.count) elements"
            }
            for (index, (element, gotElement)) in zip(wanted, got).enumerated() {
                if let found = difference(
                    gotElement, expected: element, tolerance: tolerance, path: "\(path)[\(index)]")
                {
                    return found
                }
            }
            return nil
        case (.map(let wantedKeys, let wantedValues), .map(let gotKeys, let gotValues)):
            return mapDifference(
                (gotKeys, gotValues), expected: (wantedKeys, wantedValues), tolerance: tolerance, path: path)
        default:
            return "\(path): expected a \(expected.kindName), got a \(actual.kindName)"
        }
    }

    /// A description of the first difference between two tensors, or `nil` when they match.
    public static func difference(
        _ actual: Value, expected: Value, tolerance: Tolerance, path: String = "value"
    ) -> String? {
        guard let wantedType = expected.elementType, let gotType = actual.elementType else {
            return "\(path): expected a \(expected.type.typeString), got a \(actual.type.typeString)"
        }
        guard wantedType == gotType else {
            return "\(path): expected tensor(\(wantedType.onnxName)), got tensor(\(gotType.onnxName))"
        }
        guard expected.shape == actual.shape else {
            return "\(path): expected shape \(expected.shape), got \(actual.shape)"
        }
        do {
            return difference(
                try TensorContents(actual), expected: try TensorContents(expected), tolerance: tolerance, path: path)
        } catch {
            return "\(path): cannot read the elements: \(error.message)"
        }
    }

    /// A description of the first difference between two decoded tensors of the same type and shape.
    public static func difference(
        _ actual: TensorContents, expected: TensorContents, tolerance: Tolerance, path: String = "value"
    ) -> String? {
        switch (expected, actual) {
        case (.floats(let wanted), .floats(let got)):
            return firstDifference(got, wanted, path: path, what: "outside \(tolerance.text)") {
                tolerance.accepts($0, expected: $1)
            }
        case (.integers(let wanted), .integers(let got)):
            return firstDifference(got, wanted, path: path, what: "differ") { $0 == $1 }
        case (.unsigned(let wanted), .unsigned(let got)):
            return firstDifference(got, wanted, path: path, what: "differ") { $0 == $1 }
        case (.strings(let wanted), .strings(let got)):
            return firstDifference(got, wanted, path: path, what: "differ") { $0 == $1 }
        default:
            return "\(path): element kinds differ"
        }
    }

    /// Reports the count of mismatching elements and the first one.
    private static func firstDifference<T>(
        _ got: [T], _ wanted: [T], path: String, what: String, _ matches: (T, T) -> Bool
    ) -> String? {
        guard got.count == wanted.count else {
            return "\(path): expected \(wanted.count) elements, got \(got.count)"
        }
        var first: Int?
        var mismatches = 0
        for index in wanted.indices where !matches(got[index], wanted[index]) {
            mismatches += 1
            if first == nil { first = index }
        }
        guard let first else { return nil }
        return "\(path): \(mismatches) of \(wanted.count) elements \(what); first at \(first): expected "
            + "\(text(wanted[first])), got \(text(got[first]))"
    }

    private static func text<T>(_ value: T) -> String {
        if let number = value as? Double { return number.isNaN ? "nan" : "\(number)" }
        if let bytes = value as? [UInt8] { return String(decoding: bytes, as: UTF8.self).debugDescription }
        return "\(value)"
    }

    private static func mapDifference(
        _ actual: (keys: Value, values: [ProtoValue]), expected: (keys: Value, values: [ProtoValue]),
        tolerance: Tolerance, path: String
    ) -> String? {
        guard actual.keys.elementType == expected.keys.elementType else {
            return "\(path): expected map keys of \(expected.keys.elementType?.onnxName ?? "?"), got "
                + "\(actual.keys.elementType?.onnxName ?? "?")"
        }
        guard let wantedKeys = try? keyStrings(expected.keys), let gotKeys = try? keyStrings(actual.keys),
            wantedKeys.count == expected.values.count, gotKeys.count == actual.values.count
        else {
            return "\(path): cannot read the map keys"
        }
        let got = Dictionary(zip(gotKeys, actual.values), uniquingKeysWith: { first, _ in first })
        let wanted = Dictionary(zip(wantedKeys, expected.values), uniquingKeysWith: { first, _ in first })
        guard Set(got.keys) == Set(wanted.keys) else {
            let missing = wantedKeys.filter { got[$0] == nil }.prefix(4)
            let extra = gotKeys.filter { wanted[$0] == nil }.prefix(4)
            return "\(path): map keys differ (missing \(Array(missing)), unexpected \(Array(extra)))"
        }
        for key in wantedKeys {
            if let found = difference(got[key]!, expected: wanted[key]!, tolerance: tolerance, path: "\(path)[\(key)]")
            {
                return found
            }
        }
        return nil
    }

    private static func keyStrings(_ keys: Value) throws(ORTError) -> [String] {
        switch try TensorContents(keys) {
        case .floats(let values): values.map { "\($0)" }
        case .integers(let values): values.map { "\($0)" }
        case .unsigned(let values): values.map { "\($0)" }
        case .strings(let values): values.map { String(decoding: $0, as: UTF8.self).debugDescription }
        }
    }
}

extension Tolerance {
    /// `rtol R, atol A`.
    var text: String { "rtol \(Self.format(relative)), atol \(Self.format(absolute))" }

    static func format(_ number: Double) -> String { String(format: "%g", number) }
}

extension ProtoValue {
    /// `tensor`, `sequence`, `map` or `optional`, for messages.
    var kindName: String {
        switch self {
        case .tensor(let value): "tensor(\(value.elementType?.onnxName ?? "?"))"
        case .sequence: "sequence"
        case .map: "map"
        case .optional: "optional"
        }
    }

    /// Whether this is an empty sequence, or an optional holding one.
    var isEmptySequence: Bool {
        switch self {
        case .sequence(let elements): elements.isEmpty
        case .optional(let contained?): contained.isEmptySequence
        default: false
        }
    }
}
#endif
