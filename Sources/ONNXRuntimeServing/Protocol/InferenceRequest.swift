#if Server
import ONNXRuntime

/// A decoded KServe V2 inference request (`$inference_request`), with its binary tensor data.
///
/// Decoding checks only the request's own consistency: JSON structure, known datatypes, non-negative shapes, and
/// that the `binary_data_size` of the inputs add up to the binary part of the body. Whether the request fits a model
/// is checked later, before any tensor is allocated (see ``ModelSignature``).
public struct InferenceRequest: Sendable {
    /// Where an input's elements are.
    package enum TensorData: Sendable {
        /// In the JSON `data` field, flat or nested.
        case json(JSONValue)
        /// In the binary part of the body, at this byte range of ``InferenceRequest/body``.
        case binary(Range<Int>)
        /// In a registered shared memory region, laid out as binary data.
        case sharedMemory(SharedMemoryLocation)
        /// An ONNX Runtime value already made: an ensemble tensor handed from one step to the next.
        case value(Value)
    }

    /// One input tensor (`$request_input`).
    public struct Input: Sendable {
        /// The input name.
        public var name: String
        /// The shape the client gives.
        public var shape: [Int]
        /// The element datatype.
        public var datatype: DataType
        /// The input's parameters (such as `binary_data_size`).
        package var parameters: JSONObject
        /// The elements.
        package var data: TensorData
    }

    /// One requested output (`$request_output`).
    public struct Output: Sendable {
        /// The output name.
        public var name: String
        /// The output's parameters (such as `binary_data`).
        package var parameters: JSONObject
        /// Where to write the output, when the client asked for it in shared memory.
        package var sharedMemory: SharedMemoryLocation?
    }

    /// The request identifier, returned in the response.
    public var id: String?
    /// The request-level parameters (such as `binary_data_output`), if any were given.
    package var parameters: JSONObject?
    /// The inputs, in request order.
    public var inputs: [Input]
    /// The requested outputs; `nil` means all of them.
    public var outputs: [Output]?
    /// The whole request body; binary inputs refer to ranges of it.
    public let body: [UInt8]
    /// The shared memory regions the inputs and outputs name, by name: looked up by the engine before the request
    /// is planned (``attachSharedMemory(from:)``), and held until the request is done, so that unregistering a
    /// region never unmaps it under this request.
    package var sharedMemoryRegions: [String: SharedMemoryRegion] = [:]

    /// Decodes a request body.
    /// - Parameters:
    ///   - body: The HTTP body: the JSON object, followed by binary tensor data when `headerLength` is given.
    ///   - headerLength: The `Inference-Header-Content-Length` header: the size of the JSON part, when the body
    ///     carries binary data.
    /// - Throws: ``ServingError`` (400) naming what is wrong.
    public init(body: [UInt8], headerLength: Int?) throws(ServingError) {
        self.body = body
        let jsonEnd: Int
        if let headerLength {
            guard headerLength >= 0, headerLength <= body.count else {
                throw .badRequest(
                    "Inference-Header-Content-Length is \(headerLength), but the body has only \(body.count) bytes")
            }
            jsonEnd = headerLength
        } else {
            jsonEnd = body.count
        }
        let root: JSONValue
        do {
            root = try JSONParser.parse(body[0..<jsonEnd], compactNumberArrays: true)
        } catch {
            throw .badRequest("the inference request is not valid JSON: \(error)")
        }
        guard let object = root.objectValue else {
            throw .badRequest("the inference request must be a JSON object, got \(root.kindDescription)")
        }

        switch object["id"] {
        case nil, .null?: id = nil
        case .string(let text)?: id = text
        case let other?: throw .badRequest("'id' must be a string, got \(other.kindDescription)")
        }
        parameters = try Self.parameters(object["parameters"], context: "the request")
        try Self.checkReservedParameters(parameters, grpc: false)

        guard let inputsValue = object["inputs"] else { throw .badRequest("the inference request has no 'inputs'") }
        guard let inputArray = inputsValue.arrayValue else {
            throw .badRequest("'inputs' must be an array, got \(inputsValue.kindDescription)")
        }
        var binaryOffset = jsonEnd
        var inputs: [Input] = []
        inputs.reserveCapacity(inputArray.count)
        // Repeated names are found by comparing with the inputs so far while there are few, and through a set past
        // 8 (filled then: inserting into a set allocates, on every request).
        var seen: Set<String> = []
        for (index, element) in inputArray.enumerated() {
            let input = try Self.input(element, index: index, binaryOffset: &binaryOffset, body: body)
            if inputs.count == 8 { seen = Set(inputs.map(\.name)) }
            let repeated =
                inputs.count < 8 ? inputs.contains { $0.name == input.name } : !seen.insert(input.name).inserted
            guard !repeated else {
                throw .badRequest("input '\(input.name)' is given more than once")
            }
            if case .binary = input.data, headerLength == nil {
                throw .badRequest(
                    "input '\(input.name)' has 'binary_data_size' but the request has no "
                        + "Inference-Header-Content-Length header, so the body holds no binary data")
            }
            inputs.append(input)
        }
        guard binaryOffset == body.count else {
            let binaryBytes = body.count - jsonEnd
            let declared = binaryOffset - jsonEnd
            throw .badRequest(
                "the body has \(binaryBytes) bytes of binary data after the JSON header, but the inputs' "
                    + "'binary_data_size' parameters add up to \(declared)")
        }
        self.inputs = inputs

        switch object["outputs"] {
        case nil, .null?: outputs = nil
        case let value? where value.isArray:
            // `arrayValue`, not `case .array`: `[1, 2]` is a compact array of numbers, refused element by element.
            let elements = value.arrayValue ?? []
            var outputs: [Output] = []
            var seenOutputs: Set<String> = []
            for (index, element) in elements.enumerated() {
                guard let outputObject = element.objectValue else {
                    throw .badRequest("outputs[\(index)] must be an object, got \(element.kindDescription)")
                }
                guard let name = outputObject["name"]?.stringValue else {
                    throw .badRequest("outputs[\(index)] has no string 'name'")
                }
                guard seenOutputs.insert(name).inserted else {
                    throw .badRequest("output '\(name)' is requested more than once")
                }
                let parameters =
                    try Self.parameters(outputObject["parameters"], context: "output '\(name)'") ?? JSONObject()
                let sharedMemory = try SharedMemoryLocation.parse(parameters, tensor: "output '\(name)'")
                if sharedMemory != nil, parameters["binary_data"] == .bool(true) {
                    throw .badRequest(
                        "Output can't set both 'shared_memory_region' and 'binary_data': output '\(name)' is written "
                            + "to shared memory, so it has no binary data in the response")
                }
                outputs.append(Output(name: name, parameters: parameters, sharedMemory: sharedMemory))
            }
            self.outputs = outputs
        case let other?:
            throw .badRequest("'outputs' must be an array, got \(other.kindDescription)")
        }
    }

    private static func input(_ element: JSONValue, index: Int, binaryOffset: inout Int, body: [UInt8])
        throws(ServingError) -> Input
    {
        guard let object = element.objectValue else {
            throw .badRequest("inputs[\(index)] must be an object, got \(element.kindDescription)")
        }
        guard let name = object["name"]?.stringValue else {
            throw .badRequest("inputs[\(index)] has no string 'name'")
        }
        guard let datatypeName = object["datatype"]?.stringValue else {
            throw .badRequest("input '\(name)' has no string 'datatype'")
        }
        guard let datatype = DataType(rawValue: datatypeName) else {
            throw .badRequest(
                "input '\(name)' has unknown datatype '\(datatypeName)'; known datatypes are "
                    + DataType.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard let shapeArray = object["shape"]?.arrayValue else {
            throw .badRequest("input '\(name)' has no 'shape' array")
        }
        var shape: [Int] = []
        shape.reserveCapacity(shapeArray.count)
        for dimension in shapeArray {
            guard case .number(let number) = dimension, let value = number.int64Value, let size = Int(exactly: value),
                size >= 0
            else {
                throw .badRequest(
                    "input '\(name)' has shape \(JSONValue.array(shapeArray).jsonText); every dimension must be "
                        + "a non-negative integer")
            }
            shape.append(size)
        }
        let parameters = try Self.parameters(object["parameters"], context: "input '\(name)'") ?? JSONObject()
        let data: TensorData
        let sharedMemory = try SharedMemoryLocation.parse(parameters, tensor: "input '\(name)'")
        let given = [
            object["data"] == nil ? nil : "'data'", parameters["binary_data_size"] == nil ? nil : "'binary_data_size'",
            sharedMemory == nil ? nil : "'shared_memory_region'",
        ].compactMap { $0 }
        if given.count > 1 {
            throw .badRequest(
                "Input must set only one of the following fields: 'data', 'binary_data_size' in 'parameters', "
                    + "'shared_memory_region' in 'parameters'. But set \(given.joined(separator: " ")) (input '\(name)')"
            )
        }
        if let sharedMemory {
            data = .sharedMemory(sharedMemory)
        } else if let sizeValue = parameters["binary_data_size"] {
            guard case .number(let number) = sizeValue, let size64 = number.int64Value, let size = Int(exactly: size64),
                size >= 0
            else {
                throw .badRequest("input '\(name)': 'binary_data_size' must be a non-negative integer")
            }
            guard size <= body.count - binaryOffset else {
                throw .badRequest(
                    "input '\(name)' has 'binary_data_size' \(size), but only \(body.count - binaryOffset) bytes of "
                        + "binary data remain in the body")
            }
            data = .binary(binaryOffset..<(binaryOffset + size))
            binaryOffset += size
        } else {
            guard let json = object["data"] else {
                throw .badRequest("input '\(name)' has neither 'data' nor a 'binary_data_size' parameter")
            }
            data = .json(json)
        }
        return Input(name: name, shape: shape, datatype: datatype, parameters: parameters, data: data)
    }

    /// Checks a `parameters` object: its values must be strings, numbers or Booleans.
    static func parameters(_ value: JSONValue?, context: String) throws(ServingError) -> JSONObject? {
        switch value {
        case nil, .null?: return nil
        case .object(let object)?:
            for member in object {
                switch member.value {
                case .string, .number, .bool: continue
                default:
                    throw .badRequest(
                        "parameter '\(member.key)' of \(context) must be a string, number or boolean, got "
                            + member.value.kindDescription)
                }
            }
            return object
        case let other?:
            throw .badRequest("'parameters' of \(context) must be an object, got \(other.kindDescription)")
        }
    }
}
#endif
