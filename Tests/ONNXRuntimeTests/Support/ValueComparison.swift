import Foundation
import ONNXRuntime

// Reading run outputs back into case-file form, and comparing them with expected values.

extension CaseTensor {
    /// Reads a tensor value: typed `Tensor` reads for element types with a Swift counterpart, raw bytes for float8
    /// and int4/uint4.
    init(reading value: Value) throws {
        guard value.kind == .tensor else {
            throw ModelCaseFile.DecodeError(message: "expected a tensor, got a \(value.type.typeString)")
        }
        guard let type = value.elementType else {
            throw ModelCaseFile.DecodeError(message: "tensor without element type: \(value.type)")
        }
        let shape = value.shape
        let data: CaseTensorData
        switch type {
        case .float32: data = .float32(try value.tensor(of: Float.self).scalars)
        case .float64: data = .float64(try value.tensor(of: Double.self).scalars)
        case .float16:
            let scalars = try value.tensor(of: Float16.self).scalars
            data = .float16(bits: scalars.map(\.bitPattern), decoded: scalars.map { $0.isNaN ? nil : Double($0) })
        case .bfloat16:
            let scalars = try value.tensor(of: BFloat16.self).scalars
            data = .bfloat16(
                bits: scalars.map(\.bitPattern),
                decoded: scalars.map { $0.floatValue.isNaN ? nil : Double($0.floatValue) })
        case .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz:
            let bits = try value.rawBytes
            data = .float8(bits: bits, decoded: bits.map { Float8Format(type)?.decode($0) })
        case .int4, .uint4:
            let packed = try value.rawBytes
            let count = shape.reduce(1, *)
            guard packed.count == (count + 1) / 2 else {
                throw ModelCaseFile.DecodeError(
                    message: "\(type)\(shape) has \(packed.count) raw bytes; \(count) elements need \((count + 1) / 2)")
            }
            data = .packed4(values: Packed4.unpack(packed, count: count, signed: type == .int4), packed: packed)
        case .int8: data = .int8(try value.tensor(of: Int8.self).scalars)
        case .int16: data = .int16(try value.tensor(of: Int16.self).scalars)
        case .int32: data = .int32(try value.tensor(of: Int32.self).scalars)
        case .int64: data = .int64(try value.tensor(of: Int64.self).scalars)
        case .uint8: data = .uint8(try value.tensor(of: UInt8.self).scalars)
        case .uint16: data = .uint16(try value.tensor(of: UInt16.self).scalars)
        case .uint32: data = .uint32(try value.tensor(of: UInt32.self).scalars)
        case .uint64: data = .uint64(try value.tensor(of: UInt64.self).scalars)
        case .bool: data = .bool(try value.tensor(of: Bool.self).scalars)
        case .string: data = .string(try value.tensor(of: String.self).scalars)
        case .complex64, .complex128, .float4e2m1, .uint2, .int2, .float8e8m0:
            throw ModelCaseFile.DecodeError(message: "cannot read a \(type) tensor")
        }
        self.init(elementType: type, shape: shape, data: data)
    }
}

/// ONNX's 4-bit integer layout: element 2i in the low nibble of byte i, element 2i+1 in the high nibble.
enum Packed4 {
    static func unpack(_ packed: [UInt8], count: Int, signed: Bool) -> [Int8] {
        (0..<count).map { index in
            let byte = packed[index / 2]
            let nibble = index % 2 == 0 ? byte & 0x0F : byte >> 4
            return signed && nibble >= 8 ? Int8(nibble) - 16 : Int8(nibble)
        }
    }

    static func pack(_ values: [Int8]) -> [UInt8] {
        stride(from: 0, to: values.count, by: 2).map { index in
            let low = UInt8(bitPattern: values[index]) & 0x0F
            let high = index + 1 < values.count ? UInt8(bitPattern: values[index + 1]) & 0x0F : 0
            return low | high << 4
        }
    }
}

/// Decodes the four float8 formats (used for readable mismatch messages and for checking the case files).
struct Float8Format {
    var exponentBits: Int
    var mantissaBits: Int
    var bias: Int
    /// The `fnuz` formats: no negative zero (0x80 is the only NaN) and no infinities.
    var fnuz: Bool
    /// e4m3fn: no infinities, only S.1111.111 is NaN.
    var finiteOnly: Bool

    init?(_ type: ElementType) {
        switch type {
        case .float8e4m3fn: self.init(exponentBits: 4, mantissaBits: 3, bias: 7, fnuz: false, finiteOnly: true)
        case .float8e4m3fnuz: self.init(exponentBits: 4, mantissaBits: 3, bias: 8, fnuz: true, finiteOnly: true)
        case .float8e5m2: self.init(exponentBits: 5, mantissaBits: 2, bias: 15, fnuz: false, finiteOnly: false)
        case .float8e5m2fnuz: self.init(exponentBits: 5, mantissaBits: 2, bias: 16, fnuz: true, finiteOnly: true)
        default: return nil
        }
    }

    init(exponentBits: Int, mantissaBits: Int, bias: Int, fnuz: Bool, finiteOnly: Bool) {
        self.exponentBits = exponentBits
        self.mantissaBits = mantissaBits
        self.bias = bias
        self.fnuz = fnuz
        self.finiteOnly = finiteOnly
    }

    /// The value of a bit pattern; `nil` for NaN (infinities of e5m2 decode to ±infinity).
    func decode(_ bits: UInt8) -> Double? {
        if fnuz && bits == 0x80 { return nil }
        let negative = bits & 0x80 != 0
        let exponent = Int(bits >> UInt8(mantissaBits)) & ((1 << exponentBits) - 1)
        let mantissa = Int(bits) & ((1 << mantissaBits) - 1)
        let maxExponent = (1 << exponentBits) - 1
        if !fnuz && exponent == maxExponent {
            if finiteOnly {
                if mantissa == (1 << mantissaBits) - 1 { return nil }
            } else {
                return mantissa == 0 ? (negative ? -.infinity : .infinity) : nil
            }
        }
        let magnitude: Double =
            exponent == 0
            ? Double(mantissa) * pow(2, Double(1 - bias - mantissaBits))
            : (1 + Double(mantissa) / Double(1 << mantissaBits)) * pow(2, Double(exponent - bias))
        return negative ? -magnitude : magnitude
    }
}

// MARK: - Comparing

/// Compares run outputs with expected case values and collects readable mismatch reports.
///
/// Tensors must match in dtype and shape exactly. float32/float64 elements must satisfy
/// `|actual - expected| <= atol + rtol * |expected|`, or, with a `0/0` tolerance, have identical bit patterns (so
/// `-0.0` and `0.0` differ). float16, bfloat16 and float8 are compared by bit pattern, int4/uint4 by element and by
/// packed bytes (padding nibble included), integers, bools and strings exactly, sequences element by element and
/// maps entry by entry (matched by key).
struct ValueComparer {
    var tolerance: Tolerance
    /// How many element mismatches to describe per tensor before summarising the rest.
    var reportLimit = 8

    /// Elements compared so far (tensor elements; map keys and values each count).
    private(set) var comparedElements = 0
    /// Everything that did not match, one readable line each.
    private(set) var mismatches: [String] = []

    init(tolerance: Tolerance) {
        self.tolerance = tolerance
    }

    var matched: Bool { mismatches.isEmpty }

    private mutating func report(_ message: String) {
        mismatches.append(message)
    }

    /// Compares one expected value with what a run produced (`nil`: the output is missing).
    mutating func compare(_ expected: CaseValue, _ actual: Value?, at path: String) {
        guard let actual else {
            report("\(path): output is missing (expected \(expected))")
            return
        }
        switch expected {
        case .tensor(let tensor):
            compareTensor(tensor, actual, at: path)
        case .sequence(let elements):
            guard actual.kind == .sequence else {
                report("\(path): expected a sequence, got a \(actual.type.typeString)")
                return
            }
            let actualElements: [Value]
            do {
                actualElements = try actual.elements
            } catch {
                report("\(path): cannot read the sequence elements: \(error)")
                return
            }
            guard actualElements.count == elements.count else {
                report("\(path): expected a sequence of \(elements.count) elements, got \(actualElements.count)")
                return
            }
            for (index, element) in elements.enumerated() {
                compare(element, actualElements[index], at: "\(path)[\(index)]")
            }
        case .map(let keys, let values):
            compareMap(keys: keys, values: values, actual, at: path)
        case .optional(let element):
            guard let element else {
                if actual.hasValue { report("\(path): expected an absent optional, got a \(actual.type.typeString)") }
                return
            }
            guard actual.hasValue else {
                report("\(path): expected an optional holding \(element), got an absent optional")
                return
            }
            // ORT hands out an optional's contents as the value itself.
            compare(element, actual, at: path)
        }
    }

    private mutating func compareTensor(_ expected: CaseTensor, _ actualValue: Value, at path: String) {
        let actual: CaseTensor
        do {
            actual = try CaseTensor(reading: actualValue)
        } catch {
            report("\(path): expected a tensor \(expected), could not read the output: \(error)")
            return
        }
        compare(expected, actual, at: path)
    }

    /// Compares two tensors already read into case form.
    mutating func compare(_ expected: CaseTensor, _ actual: CaseTensor, at path: String) {
        guard actual.elementType == expected.elementType else {
            report("\(path): dtype differs: expected \(expected.elementType), actual \(actual.elementType)")
            return
        }
        guard actual.shape == expected.shape else {
            report("\(path): shape differs: expected \(expected.shape), actual \(actual.shape)")
            return
        }
        guard actual.data.count == expected.data.count else {
            report("\(path): element count differs: expected \(expected.data.count), actual \(actual.data.count)")
            return
        }
        var differing = 0
        for index in 0..<expected.data.count {
            comparedElements += 1
            guard let (want, got) = Self.difference(expected.data, index, actual.data, index, tolerance) else {
                continue
            }
            differing += 1
            if differing <= reportLimit {
                report(
                    "\(path)\(Self.indexText(index, shape: expected.shape)): expected \(want), actual \(got)")
            }
        }
        if differing > reportLimit {
            report(
                "\(path): \(differing - reportLimit) more differing elements (\(differing) of \(expected.data.count))")
        }
        if case .packed4(_, let wantPacked) = expected.data, case .packed4(_, let gotPacked) = actual.data,
            wantPacked != gotPacked, differing == 0
        {
            report("\(path): packed bytes differ (padding nibble?): expected \(wantPacked), actual \(gotPacked)")
        }
    }

    private mutating func compareMap(keys: CaseTensor, values: CaseTensor, _ actual: Value, at path: String) {
        guard actual.kind == .map else {
            report("\(path): expected a map, got a \(actual.type.typeString)")
            return
        }
        let actualKeys: CaseTensor
        let actualValues: CaseTensor
        do {
            let contents = try actual.mapContents
            actualKeys = try CaseTensor(reading: contents.keys)
            actualValues = try CaseTensor(reading: contents.values)
        } catch {
            report("\(path): cannot read the map: \(error)")
            return
        }
        guard actualKeys.elementType == keys.elementType, actualValues.elementType == values.elementType else {
            report(
                "\(path): map type differs: expected map(\(keys.elementType), \(values.elementType)), actual "
                    + "map(\(actualKeys.elementType), \(actualValues.elementType))")
            return
        }
        guard actualKeys.data.count == keys.data.count, actualValues.data.count == actualKeys.data.count else {
            report(
                "\(path): expected \(keys.data.count) map entries, got \(actualKeys.data.count) keys and "
                    + "\(actualValues.data.count) values")
            return
        }
        // A map is unordered: pair entries by key.
        let actualIndex = Dictionary(
            (0..<actualKeys.data.count).map { (Self.elementText(actualKeys.data, $0), $0) },
            uniquingKeysWith: { first, _ in first })
        for index in 0..<keys.data.count {
            let key = Self.elementText(keys.data, index)
            guard let position = actualIndex[key] else {
                report("\(path): key \(key) is missing")
                continue
            }
            comparedElements += 2
            if let (want, got) = Self.difference(keys.data, index, actualKeys.data, position, .exact) {
                report("\(path)[\(key)]: key expected \(want), actual \(got)")
            }
            if let (want, got) = Self.difference(values.data, index, actualValues.data, position, tolerance) {
                report("\(path)[\(key)]: expected \(want), actual \(got)")
            }
        }
    }

    // MARK: Elements

    /// `nil` if element `i` of `expected` matches element `j` of `actual`, else both described.
    static func difference(
        _ expected: CaseTensorData, _ i: Int, _ actual: CaseTensorData, _ j: Int, _ tolerance: Tolerance
    ) -> (expected: String, actual: String)? {
        func exact<T: Equatable>(_ want: T, _ got: T) -> (String, String)? {
            want == got ? nil : (String(reflecting: want), String(reflecting: got))
        }
        switch (expected, actual) {
        case (.float32(let want), .float32(let got)):
            return floats(
                Double(want[i]), Double(got[j]), sameBits: want[i].bitPattern == got[j].bitPattern,
                wantText: floatText(want[i]), gotText: floatText(got[j]), tolerance)
        case (.float64(let want), .float64(let got)):
            return floats(
                want[i], got[j], sameBits: want[i].bitPattern == got[j].bitPattern,
                wantText: floatText(want[i]), gotText: floatText(got[j]), tolerance)
        case (.float16(let want, let wantValues), .float16(let got, let gotValues)),
            (.bfloat16(let want, let wantValues), .bfloat16(let got, let gotValues)):
            return want[i] == got[j]
                ? nil
                : (bitsText(want[i], wantValues[i], digits: 4), bitsText(got[j], gotValues[j], digits: 4))
        case (.float8(let want, let wantValues), .float8(let got, let gotValues)):
            return want[i] == got[j]
                ? nil
                : (bitsText(want[i], wantValues[i], digits: 2), bitsText(got[j], gotValues[j], digits: 2))
        case (.packed4(let want, _), .packed4(let got, _)): return exact(want[i], got[j])
        case (.int8(let want), .int8(let got)): return exact(want[i], got[j])
        case (.int16(let want), .int16(let got)): return exact(want[i], got[j])
        case (.int32(let want), .int32(let got)): return exact(want[i], got[j])
        case (.int64(let want), .int64(let got)): return exact(want[i], got[j])
        case (.uint8(let want), .uint8(let got)): return exact(want[i], got[j])
        case (.uint16(let want), .uint16(let got)): return exact(want[i], got[j])
        case (.uint32(let want), .uint32(let got)): return exact(want[i], got[j])
        case (.uint64(let want), .uint64(let got)): return exact(want[i], got[j])
        case (.bool(let want), .bool(let got)): return exact(want[i], got[j])
        case (.string(let want), .string(let got)): return exact(want[i], got[j])
        default:
            return ("\(elementText(expected, i))", "\(elementText(actual, j)) (different kind of data)")
        }
    }

    private static func floats(
        _ want: Double, _ got: Double, sameBits: Bool, wantText: String, gotText: String, _ tolerance: Tolerance
    ) -> (String, String)? {
        if tolerance.isExact {
            return sameBits ? nil : (wantText, gotText)
        }
        let allowed = tolerance.atol + tolerance.rtol * abs(want)
        let error = abs(got - want)
        // NaN never passes: the comparison below is false for it.
        if error <= allowed { return nil }
        return (wantText, "\(gotText) (|difference| \(error) > allowed \(allowed))")
    }

    static func floatText(_ value: Float) -> String {
        "\(value) (0x\(String(value.bitPattern, radix: 16, uppercase: true)))"
    }

    static func floatText(_ value: Double) -> String {
        "\(value) (0x\(String(value.bitPattern, radix: 16, uppercase: true)))"
    }

    private static func bitsText(_ bits: some BinaryInteger, _ value: Double?, digits: Int) -> String {
        let hex = String(bits, radix: 16, uppercase: true)
        let padded = String(repeating: "0", count: max(0, digits - hex.count)) + hex
        return "bits 0x\(padded) (\(value.map { "\($0)" } ?? "NaN"))"
    }

    /// One element as text (used to pair map entries by key and in messages).
    static func elementText(_ data: CaseTensorData, _ index: Int) -> String {
        switch data {
        case .float32(let values): "\(values[index])"
        case .float64(let values): "\(values[index])"
        case .float16(let bits, _), .bfloat16(let bits, _): "bits \(bits[index])"
        case .float8(let bits, _): "bits \(bits[index])"
        case .packed4(let values, _): "\(values[index])"
        case .int8(let values): "\(values[index])"
        case .int16(let values): "\(values[index])"
        case .int32(let values): "\(values[index])"
        case .int64(let values): "\(values[index])"
        case .uint8(let values): "\(values[index])"
        case .uint16(let values): "\(values[index])"
        case .uint32(let values): "\(values[index])"
        case .uint64(let values): "\(values[index])"
        case .bool(let values): "\(values[index])"
        case .string(let values): String(reflecting: values[index])
        }
    }

    /// `[i, j, k]` for a flat row-major index, with the flat index when the rank is above 1.
    static func indexText(_ flat: Int, shape: [Int]) -> String {
        guard !shape.isEmpty else { return "[] (scalar)" }
        var remainder = flat
        var indices = [Int](repeating: 0, count: shape.count)
        for axis in shape.indices.reversed() {
            let size = max(shape[axis], 1)
            indices[axis] = remainder % size
            remainder /= size
        }
        let text = "[" + indices.map(String.init).joined(separator: ", ") + "]"
        return shape.count > 1 ? "\(text) (flat \(flat))" : text
    }
}

// MARK: - Declared types

extension CaseValue {
    /// Why this value does not fit a declared model type, or `nil` if it does. Symbolic and unnamed dimensions
    /// accept any size.
    func mismatch(against declared: ValueType) -> String? {
        switch (self, declared) {
        case (.tensor(let tensor), .tensor(let info)):
            if tensor.elementType != info.elementType {
                return "dtype \(tensor.elementType) but the model declares \(declared)"
            }
            if tensor.shape.count != info.rank {
                return "shape \(tensor.shape) but the model declares \(declared)"
            }
            for (axis, dimension) in info.shape.enumerated() {
                if let fixed = dimension.value, fixed != tensor.shape[axis] {
                    return "shape \(tensor.shape) but the model declares \(declared)"
                }
            }
            return nil
        case (.sequence(let elements), .sequence(let elementType)):
            for (index, element) in elements.enumerated() {
                if let problem = element.mismatch(against: elementType) { return "element \(index): \(problem)" }
            }
            return nil
        case (.map(let keys, let values), .map(let keyType, let valueType)):
            guard keys.elementType == keyType, valueType.tensorInfo?.elementType == values.elementType else {
                return "map(\(keys.elementType), \(values.elementType)) but the model declares \(declared)"
            }
            return nil
        case (.optional(let element), .optional(let contained)):
            return element?.mismatch(against: contained)
        default:
            return "\(self) but the model declares \(declared)"
        }
    }
}
