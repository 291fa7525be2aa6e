#if Client
/// The client's wording of binary tensor data problems.
enum BinaryTensorCoding {
    /// Appends `data` in the binary layout.
    /// - Throws: ``ClientError/invalidRequest(_:)`` for a BYTES element of 4 GiB or more.
    static func append(_ data: TensorData, to out: inout [UInt8], name: String) throws(ClientError) {
        do {
            try BinaryTensorLayout.append(data, to: &out)
        } catch {
            throw .invalidRequest("input '\(name)': a BYTES element is larger than 4 GiB")
        }
    }

    /// Decodes `count` elements of `type` from exactly `bytes`.
    /// - Throws: ``ClientError/decoding(_:)`` when the data is not exactly `count` elements.
    static func decode(
        _ bytes: ArraySlice<UInt8>, type: DataType, count: Int, name: String
    ) throws(ClientError) -> TensorData {
        do {
            return try BinaryTensorLayout.decode(bytes, datatype: type, count: count)
        } catch {
            switch error {
            case .size(let expected, let actual):
                throw .decoding(
                    "output '\(name)': \(actual) bytes of binary data, but \(count) \(type) elements need "
                        + (expected.map { "\($0)" } ?? "more than Int.max"))
            case .truncatedLength(let element):
                throw .decoding("output '\(name)': BYTES element \(element) has a truncated length prefix")
            case .overrun(let element, let length, let remaining):
                throw .decoding(
                    "output '\(name)': BYTES element \(element) claims \(length) bytes but only \(remaining) remain")
            case .elementCount(let found, _, let expected):
                throw .decoding("output '\(name)': \(found) BYTES elements in binary data, shape needs \(expected)")
            case .elementTooLarge:
                throw .decoding("output '\(name)': unexpected binary data")
            }
        }
    }
}

/// The JSON form of tensor elements and parameters.
enum JSONTensorCoding {
    /// The deepest nesting the client reads in a server's answer (nested `data` arrays of high-rank outputs).
    static let maximumDepth = 512

    /// Writes parameters as a JSON object, names sorted.
    /// - Throws: ``ClientError/invalidRequest(_:)`` for a parameter that is not a finite number.
    static func write(_ parameters: [String: InferParameter], to writer: inout JSONWriter) throws(ClientError) {
        writer.writeRaw(byte: UInt8(ascii: "{"))
        for (index, key) in parameters.keys.sorted().enumerated() {
            if index > 0 { writer.writeRaw(byte: UInt8(ascii: ",")) }
            writer.write(key: key)
            switch parameters[key]! {
            case .bool(let flag): writer.write(bool: flag)
            case .int(let number): writer.write(int: number)
            case .double(let number):
                guard number.isFinite else {
                    throw .invalidRequest("parameter '\(key)' is \(number), not a JSON number")
                }
                writer.write(double: number)
            case .string(let text): writer.write(string: text)
            }
        }
        writer.writeRaw(byte: UInt8(ascii: "}"))
    }

    /// A body that is one JSON object holding `parameters` (empty for none).
    static func parametersBody(_ parameters: [String: InferParameter]) throws(ClientError) -> [UInt8] {
        guard !parameters.isEmpty else { return [] }
        var writer = JSONWriter()
        writer.writeRaw(byte: UInt8(ascii: "{"))
        writer.write(key: "parameters")
        try write(parameters, to: &writer)
        writer.writeRaw(byte: UInt8(ascii: "}"))
        return writer.bytes
    }

    /// Parameters from a JSON object; members that are not a boolean, number or string are left out.
    static func decodeParameters(_ json: JSONValue?) -> [String: InferParameter] {
        guard let members = json?.objectValue else { return [:] }
        var parameters: [String: InferParameter] = [:]
        for (key, value) in members {
            switch value {
            case .bool(let flag): parameters[key] = .bool(flag)
            case .string(let text): parameters[key] = .string(text)
            case .number(let number):
                parameters[key] = number.int64Value.map(InferParameter.int) ?? .double(number.doubleValue)
            default: break
            }
        }
        return parameters
    }

    /// Writes the elements of `data` as a flat JSON array.
    /// - Throws: ``ClientError/invalidRequest(_:)`` for a float that is not finite or a `BYTES` element that is not
    ///   UTF-8, which JSON cannot carry.
    static func write(_ data: TensorData, name: String, to writer: inout JSONWriter) throws(ClientError) {
        func array<T, Failure: Error>(
            _ values: [T], _ element: (T, Int, inout JSONWriter) throws(Failure) -> Void
        ) throws(Failure) {
            writer.writeRaw(byte: UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { writer.writeRaw(byte: UInt8(ascii: ",")) }
                try element(value, index, &writer)
            }
            writer.writeRaw(byte: UInt8(ascii: "]"))
        }
        func finite<T: BinaryFloatingPoint>(_ value: T, _ index: Int) throws(ClientError) {
            guard value.isFinite else {
                throw .invalidRequest(
                    "input '\(name)' element \(index) is \(value), which JSON cannot carry; send it with binary: true")
            }
        }
        func floats(_ values: [Float]) throws(ClientError) {
            try array(values) { (value, index, writer) throws(ClientError) in
                try finite(value, index)
                writer.write(float: value)
            }
        }
        func signed<T: FixedWidthInteger & SignedInteger>(_ values: [T]) {
            array(values) { value, _, writer in writer.write(int: Int64(value)) }
        }
        func unsigned<T: FixedWidthInteger & UnsignedInteger>(_ values: [T]) {
            array(values) { value, _, writer in writer.write(uint: UInt64(value)) }
        }
        switch data {
        case .bool(let values): array(values) { value, _, writer in writer.write(bool: value) }
        case .uint8(let values): unsigned(values)
        case .uint16(let values): unsigned(values)
        case .uint32(let values): unsigned(values)
        case .uint64(let values): unsigned(values)
        case .int8(let values): signed(values)
        case .int16(let values): signed(values)
        case .int32(let values): signed(values)
        case .int64(let values): signed(values)
        case .fp16(let bits): try floats(bits.map(HalfConversion.float(fromHalfBits:)))
        case .bf16(let bits): try floats(bits.map(HalfConversion.float(fromBFloat16Bits:)))
        case .fp32(let values): try floats(values)
        case .fp64(let values):
            try array(values) { (value, index, writer) throws(ClientError) in
                try finite(value, index)
                writer.write(double: value)
            }
        case .bytes(let values):
            try array(values) { (value, index, writer) throws(ClientError) in
                guard let text = String(validating: value, as: UTF8.self) else {
                    throw .invalidRequest(
                        "input '\(name)' BYTES element \(index) is not UTF-8, which JSON cannot carry; send it with "
                            + "binary: true")
                }
                writer.write(string: text)
            }
        }
    }

    /// The leaves of a (possibly nested) JSON array in row-major order; a lone scalar is one element.
    static func flatten(_ json: JSONValue, into elements: inout [JSONValue]) {
        if case .array(let values) = json {
            for value in values { flatten(value, into: &elements) }
        } else {
            elements.append(json)
        }
    }

    /// The elements of an output's `data`, flat or nested, as `count` elements of `type`.
    /// - Throws: ``ClientError/decoding(_:)`` for a wrong element count or an element that is not a `type` value.
    static func decode(_ json: JSONValue, type: DataType, count: Int, name: String) throws(ClientError) -> TensorData {
        var elements: [JSONValue] = []
        elements.reserveCapacity(count)
        flatten(json, into: &elements)
        guard elements.count == count else {
            throw .decoding("output '\(name)': \(elements.count) elements in 'data', shape needs \(count)")
        }
        func each<T>(_ convert: (JSONValue) -> T?) throws(ClientError) -> [T] {
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
        func integer<T: FixedWidthInteger>(_ json: JSONValue) -> T? {
            if T.isSigned { return json.int64Value.flatMap { T(exactly: $0) } }
            return json.uint64Value.flatMap { T(exactly: $0) }
        }
        func float(_ json: JSONValue) -> Float? { json.doubleValue.map(Float.init) }
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
        case .fp16: return .fp16(try each { float($0).map(HalfConversion.halfBits(from:)) })
        case .bf16: return .bf16(try each { float($0).map(HalfConversion.bfloat16Bits(from:)) })
        case .fp32: return .fp32(try each(float))
        case .fp64: return .fp64(try each { $0.doubleValue })
        case .bytes: return .bytes(try each { $0.stringValue.map { Array($0.utf8) } })
        }
    }
}
#endif
