#if Server
import ONNXRuntime

/// Tensor data given as JSON: layout checks (flat or nested) and conversion of the elements.
enum JSONTensorData {
    /// Checks that `data` holds exactly `count` elements laid out for `shape`: either a flat array of `count`
    /// scalars, or arrays nested exactly as the shape says. A single scalar stands for a one-element tensor.
    static func checkLayout(_ data: JSONValue, shape: [Int], count: Int, name: String) throws(ServingError) {
        // A compact array of numbers is flat by construction.
        if case .numbers(let numbers) = data {
            try checkFlatCount(numbers.count, shape: shape, count: count, name: name)
            return
        }
        guard case .array(let elements) = data else {
            guard count == 1 else {
                throw .badRequest(
                    "input '\(name)': 'data' is \(data.kindDescription), but shape \(shape) holds \(count) elements; "
                        + "give them in an array")
            }
            return
        }
        let nested = elements.contains(where: \.isArray)
        guard nested else {
            try checkFlatCount(elements.count, shape: shape, count: count, name: name)
            return
        }
        try checkNested(data, shape: shape, axis: 0, path: "data", name: name)
    }

    private static func checkFlatCount(_ given: Int, shape: [Int], count: Int, name: String) throws(ServingError) {
        guard given == count else {
            throw .badRequest(
                "input '\(name)' has shape \(shape), which holds \(count) element\(count == 1 ? "" : "s"), but "
                    + "'data' has \(given)")
        }
    }

    private static func checkNested(_ value: JSONValue, shape: [Int], axis: Int, path: String, name: String)
        throws(ServingError)
    {
        guard axis < shape.count else {
            if value.isArray {
                throw .badRequest(
                    "input '\(name)': \(path) is nested deeper than the shape \(shape) (rank \(shape.count)) allows")
            }
            return
        }
        // The innermost axis as a compact array of numbers: right when its length matches (its elements are
        // scalars); anything else is checked element by element below, for the same message as a plain array.
        if case .numbers(let numbers) = value, axis == shape.count - 1, numbers.count == shape[axis] {
            return
        }
        guard let elements = value.arrayValue else {
            throw .badRequest(
                "input '\(name)': \(path) must be an array of \(shape[axis]) for axis \(axis) of shape \(shape), "
                    + "got \(value.kindDescription)")
        }
        guard elements.count == shape[axis] else {
            throw .badRequest(
                "input '\(name)': \(path) has \(elements.count) element\(elements.count == 1 ? "" : "s"), but axis "
                    + "\(axis) of shape \(shape) is \(shape[axis]); nested data must match the shape")
        }
        for (index, element) in elements.enumerated() {
            try checkNested(element, shape: shape, axis: axis + 1, path: "\(path)[\(index)]", name: name)
        }
    }

    /// Calls `body` with every scalar in row-major order (flat or nested arrays alike).
    static func forEachElement(_ data: JSONValue, _ body: (JSONValue) throws(ServingError) -> Void)
        throws(ServingError)
    {
        switch data {
        case .array(let elements):
            for element in elements { try forEachElement(element, body) }
        case .numbers(let numbers):
            for number in numbers { try body(.number(number)) }
        default:
            try body(data)
        }
    }

    // MARK: - Conversion

    /// Converts the elements of a checked layout into a tensor value.
    static func makeValue(_ data: JSONValue, input: String, datatype: DataType, shape: [Int], count: Int)
        throws(ServingError) -> Value
    {
        do {
            switch datatype {
            case .bool:
                let elements = try collect(data, count: count, input: input) { (value) throws(ServingError) -> Bool in
                    guard case .bool(let flag) = value else { throw mismatch(value, datatype, input) }
                    return flag
                }
                return try Tensor(borrowing: elements, shape: shape).value
            case .uint8: return try integers(data, UInt8.self, datatype, input, shape, count)
            case .uint16: return try integers(data, UInt16.self, datatype, input, shape, count)
            case .uint32: return try integers(data, UInt32.self, datatype, input, shape, count)
            case .uint64: return try integers(data, UInt64.self, datatype, input, shape, count)
            case .int8: return try integers(data, Int8.self, datatype, input, shape, count)
            case .int16: return try integers(data, Int16.self, datatype, input, shape, count)
            case .int32: return try integers(data, Int32.self, datatype, input, shape, count)
            case .int64: return try integers(data, Int64.self, datatype, input, shape, count)
            case .fp16:
                let bits = try collect(data, count: count, input: input) { (value) throws(ServingError) -> UInt16 in
                    Self.halfBits(try number(value, datatype, input))
                }
                return try bits.withUnsafeBytes { raw throws(ORTError) in
                    try Value(rawBytes: raw, elementType: .float16, shape: shape)
                }
            case .fp32:
                let elements = try collect(data, count: count, input: input) { (value) throws(ServingError) -> Float in
                    Float(try number(value, datatype, input))
                }
                return try Tensor(borrowing: elements, shape: shape).value
            case .fp64:
                let elements = try collect(data, count: count, input: input) { (value) throws(ServingError) -> Double in
                    try number(value, datatype, input)
                }
                return try Tensor(borrowing: elements, shape: shape).value
            case .bytes:
                let elements = try collect(data, count: count, input: input) { (value) throws(ServingError) -> String in
                    guard case .string(let text) = value else { throw mismatch(value, datatype, input) }
                    return text
                }
                return try Tensor(elements, shape: shape).value
            case .bf16:
                throw ServingError.badRequest(
                    "input '\(input)': BF16 tensors can only be sent as binary data (the binary tensor data "
                        + "extension), not as JSON")
            }
        } catch let error as ServingError {
            throw error
        } catch {
            throw .internal("input '\(input)': could not create the tensor: \(error)")
        }
    }

    private static func collect<T>(
        _ data: JSONValue, count: Int, input: String, _ convert: (JSONValue) throws(ServingError) -> T
    ) throws(ServingError) -> [T] {
        // A flat compact array of numbers (the common layout) converts in one `map`, without a walk.
        if case .numbers(let numbers) = data {
            return try numbers.map { (number) throws(ServingError) in try convert(.number(number)) }
        }
        var result: [T] = []
        result.reserveCapacity(count)
        try forEachElement(data) { (value) throws(ServingError) in result.append(try convert(value)) }
        return result
    }

    private static func integers<T: FixedWidthInteger & TrivialTensorElement>(
        _ data: JSONValue, _ type: T.Type, _ datatype: DataType, _ input: String, _ shape: [Int], _ count: Int
    ) throws -> Value {
        let elements = try collect(data, count: count, input: input) { (value) throws(ServingError) -> T in
            guard case .number(let number) = value else { throw mismatch(value, datatype, input) }
            let converted: T? =
                switch number {
                case .int(let integer): T(exactly: integer)
                case .uint(let integer): T(exactly: integer)
                case .double: nil
                }
            guard let converted else {
                throw ServingError.badRequest(
                    "input '\(input)': \(JSONValue.number(number).jsonText) is not a \(datatype) value (an integer "
                        + "from \(T.min) to \(T.max))")
            }
            return converted
        }
        return try Tensor(borrowing: elements, shape: shape).value
    }

    private static func number(_ value: JSONValue, _ datatype: DataType, _ input: String) throws(ServingError)
        -> Double
    {
        guard case .number(let number) = value else { throw mismatch(value, datatype, input) }
        return number.doubleValue
    }

    private static func mismatch(_ value: JSONValue, _ datatype: DataType, _ input: String) -> ServingError {
        let expected =
            switch datatype {
            case .bool: "true or false"
            case .bytes: "a string"
            case .fp16, .fp32, .fp64, .bf16: "a number"
            default: "an integer"
            }
        return .badRequest(
            "input '\(input)' has datatype \(datatype), so each element must be \(expected); got "
                + value.kindDescription)
    }

    /// The IEEE half-precision bits nearest to `value` (ties to even).
    static func halfBits(_ value: Double) -> UInt16 {
        Float16(value).bitPattern
    }
}
#endif
