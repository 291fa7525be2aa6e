#if Client
/// The binary tensor data form: little-endian, row-major, no padding; `BOOL` one byte (0 or 1); `BYTES` each element
/// as a 4-byte little-endian unsigned length followed by its bytes.
enum BinaryTensorCoding {
    static func append(_ data: TensorData, to out: inout [UInt8]) {
        switch data {
        case .bool(let values): out.append(contentsOf: values.lazy.map { $0 ? 1 : 0 })
        case .uint8(let values): out.append(contentsOf: values)
        case .int8(let values): out.append(contentsOf: values.lazy.map { UInt8(bitPattern: $0) })
        case .uint16(let values): appendIntegers(values, to: &out)
        case .int16(let values): appendIntegers(values, to: &out)
        case .uint32(let values): appendIntegers(values, to: &out)
        case .int32(let values): appendIntegers(values, to: &out)
        case .uint64(let values): appendIntegers(values, to: &out)
        case .int64(let values): appendIntegers(values, to: &out)
        case .fp16(let bits), .bf16(let bits): appendIntegers(bits, to: &out)
        case .fp32(let values): appendIntegers(values.map(\.bitPattern), to: &out)
        case .fp64(let values): appendIntegers(values.map(\.bitPattern), to: &out)
        case .bytes(let values):
            out.reserveCapacity(out.count + values.reduce(0) { $0 + 4 + $1.count })
            for value in values {
                appendIntegers([UInt32(truncatingIfNeeded: value.count)], to: &out)
                out.append(contentsOf: value)
            }
        }
    }

    static func appendIntegers<T: FixedWidthInteger>(_ values: [T], to out: inout [UInt8]) {
        let size = MemoryLayout<T>.size
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: values.count * size))
        out.withUnsafeMutableBytes { raw in
            for (index, value) in values.enumerated() {
                raw.storeBytes(of: value.littleEndian, toByteOffset: start + index * size, as: T.self)
            }
        }
    }

    static func readIntegers<T: FixedWidthInteger>(_ bytes: ArraySlice<UInt8>, as type: T.Type) -> [T] {
        let size = MemoryLayout<T>.size
        return bytes.withUnsafeBytes { raw in
            (0..<raw.count / size).map { T(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * size, as: T.self)) }
        }
    }

    /// Decodes `count` elements of `type` from exactly `bytes`.
    static func decode(
        _ bytes: ArraySlice<UInt8>, type: DataType, count: Int, name: String
    ) throws(ClientError) -> TensorData {
        if let size = type.elementSize {
            guard bytes.count == count * size else {
                throw .decoding(
                    "output '\(name)': \(bytes.count) bytes of binary data, but \(count) \(type) elements need "
                        + "\(count * size)")
            }
        }
        switch type {
        case .bool: return .bool(bytes.map { $0 != 0 })
        case .uint8: return .uint8(Array(bytes))
        case .int8: return .int8(bytes.map { Int8(bitPattern: $0) })
        case .uint16: return .uint16(readIntegers(bytes, as: UInt16.self))
        case .int16: return .int16(readIntegers(bytes, as: Int16.self))
        case .uint32: return .uint32(readIntegers(bytes, as: UInt32.self))
        case .int32: return .int32(readIntegers(bytes, as: Int32.self))
        case .uint64: return .uint64(readIntegers(bytes, as: UInt64.self))
        case .int64: return .int64(readIntegers(bytes, as: Int64.self))
        case .fp16: return .fp16(readIntegers(bytes, as: UInt16.self))
        case .bf16: return .bf16(readIntegers(bytes, as: UInt16.self))
        case .fp32: return .fp32(readIntegers(bytes, as: UInt32.self).map(Float.init(bitPattern:)))
        case .fp64: return .fp64(readIntegers(bytes, as: UInt64.self).map(Double.init(bitPattern:)))
        case .bytes:
            var elements: [[UInt8]] = []
            var offset = bytes.startIndex
            while offset < bytes.endIndex {
                guard bytes.endIndex - offset >= 4 else {
                    throw .decoding("output '\(name)': BYTES element \(elements.count) has a truncated length prefix")
                }
                let length = readIntegers(bytes[offset..<offset + 4], as: UInt32.self)[0]
                offset += 4
                guard UInt64(length) <= UInt64(bytes.endIndex - offset) else {
                    throw .decoding(
                        "output '\(name)': BYTES element \(elements.count) claims \(length) bytes but only "
                            + "\(bytes.endIndex - offset) remain")
                }
                elements.append(Array(bytes[offset..<offset + Int(length)]))
                offset += Int(length)
            }
            guard elements.count == count else {
                throw .decoding(
                    "output '\(name)': \(elements.count) BYTES elements in binary data, shape needs \(count)")
            }
            return .bytes(elements)
        }
    }
}

/// The JSON form of tensor elements and parameters.
enum JSONTensorCoding {
    static func encode(_ parameters: [String: InferParameter]) throws(ClientError) -> JSON {
        var members: [(String, JSON)] = []
        for key in parameters.keys.sorted() {
            let value: JSON
            switch parameters[key]! {
            case .bool(let flag): value = .bool(flag)
            case .int(let number): value = .number(String(number))
            case .double(let number):
                guard number.isFinite else {
                    throw .invalidRequest("parameter '\(key)' is \(number), not a JSON number")
                }
                value = .number(number.description)
            case .string(let text): value = .string(text)
            }
            members.append((key, value))
        }
        return .object(members)
    }

    /// Parameters from a JSON object; members that are not a boolean, number or string are left out.
    static func decodeParameters(_ json: JSON?) -> [String: InferParameter] {
        guard case .object(let members)? = json else { return [:] }
        var parameters: [String: InferParameter] = [:]
        for (key, value) in members {
            switch value {
            case .bool(let flag): parameters[key] = .bool(flag)
            case .string(let text): parameters[key] = .string(text)
            case .number(let text):
                if let integer = Int64(text) {
                    parameters[key] = .int(integer)
                } else if let double = JSON.parseFloatingPoint(text, as: Double.self) {
                    parameters[key] = .double(double)
                }
            default: break
            }
        }
        return parameters
    }

    static func floatJSON<T: BinaryFloatingPoint & CustomStringConvertible>(
        _ value: T, index: Int, name: String
    ) throws(ClientError) -> JSON {
        guard value.isFinite else {
            throw .invalidRequest(
                "input '\(name)' element \(index) is \(value), which JSON cannot carry; send it with binary: true")
        }
        return .number(value.description)
    }

    static func encode(_ data: TensorData, name: String) throws(ClientError) -> JSON {
        func integers<T: BinaryInteger>(_ values: [T]) -> JSON { .array(values.map { .number(String($0)) }) }
        func floats<T: BinaryFloatingPoint & CustomStringConvertible>(_ values: [T]) throws(ClientError) -> JSON {
            var elements: [JSON] = []
            elements.reserveCapacity(values.count)
            for (index, value) in values.enumerated() {
                elements.append(try floatJSON(value, index: index, name: name))
            }
            return .array(elements)
        }
        switch data {
        case .bool(let values): return .array(values.map { .bool($0) })
        case .uint8(let values): return integers(values)
        case .uint16(let values): return integers(values)
        case .uint32(let values): return integers(values)
        case .uint64(let values): return integers(values)
        case .int8(let values): return integers(values)
        case .int16(let values): return integers(values)
        case .int32(let values): return integers(values)
        case .int64(let values): return integers(values)
        case .fp16(let bits): return try floats(bits.map(HalfConversion.float(fromHalfBits:)))
        case .bf16(let bits): return try floats(bits.map(HalfConversion.float(fromBFloat16Bits:)))
        case .fp32(let values): return try floats(values)
        case .fp64(let values): return try floats(values)
        case .bytes(let values):
            var elements: [JSON] = []
            elements.reserveCapacity(values.count)
            for (index, value) in values.enumerated() {
                guard let text = String(validating: value, as: UTF8.self) else {
                    throw .invalidRequest(
                        "input '\(name)' BYTES element \(index) is not UTF-8, which JSON cannot carry; send it with "
                            + "binary: true")
                }
                elements.append(.string(text))
            }
            return .array(elements)
        }
    }

    /// The leaves of a (possibly nested) JSON array in row-major order; a lone scalar is one element.
    static func flatten(_ json: JSON, into elements: inout [JSON]) {
        if case .array(let values) = json {
            for value in values { flatten(value, into: &elements) }
        } else {
            elements.append(json)
        }
    }

    static func decode(_ json: JSON, type: DataType, count: Int, name: String) throws(ClientError) -> TensorData {
        var elements: [JSON] = []
        elements.reserveCapacity(count)
        flatten(json, into: &elements)
        guard elements.count == count else {
            throw .decoding("output '\(name)': \(elements.count) elements in 'data', shape needs \(count)")
        }
        func each<T>(_ convert: (JSON) -> T?) throws(ClientError) -> [T] {
            var values: [T] = []
            values.reserveCapacity(elements.count)
            for (index, element) in elements.enumerated() {
                guard let value = convert(element) else {
                    throw .decoding("output '\(name)': element \(index) is not a valid \(type) value")
                }
                values.append(value)
            }
            return values
        }
        func integer<T: FixedWidthInteger>(_ json: JSON) -> T? {
            if T.isSigned { return json.int64Value.flatMap { T(exactly: $0) } }
            return json.uint64Value.flatMap { T(exactly: $0) }
        }
        switch type {
        case .bool:
            return .bool(
                try each { json in
                    if let flag = json.boolValue { return flag }
                    switch json.int64Value {
                    case 0: return false
                    case 1: return true
                    default: return nil
                    }
                })
        case .uint8: return .uint8(try each(integer))
        case .uint16: return .uint16(try each(integer))
        case .uint32: return .uint32(try each(integer))
        case .uint64: return .uint64(try each(integer))
        case .int8: return .int8(try each(integer))
        case .int16: return .int16(try each(integer))
        case .int32: return .int32(try each(integer))
        case .int64: return .int64(try each(integer))
        case .fp16: return .fp16(try each { $0.floatValue.map(HalfConversion.halfBits(from:)) })
        case .bf16: return .bf16(try each { $0.floatValue.map(HalfConversion.bfloat16Bits(from:)) })
        case .fp32: return .fp32(try each { $0.floatValue })
        case .fp64: return .fp64(try each { $0.doubleValue })
        case .bytes: return .bytes(try each { $0.stringValue.map { Array($0.utf8) } })
        }
    }
}
#endif
