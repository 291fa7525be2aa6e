#if Server
import ONNXRuntime
import Testing

@testable import ONNXRuntimeServing

/// Tensor data from JSON through compact arrays of numbers (what the inference request decoding makes now) against
/// the general `JSONValue` tree (the reference): the same tensor bytes, or the same error.
@Suite("JSON tensor data from compact number arrays")
struct JSONTensorDataTests {
    /// What checking the layout and making the tensor gives: its bytes, or the error.
    private func outcome(_ data: JSONValue, _ datatype: DataType, _ shape: [Int]) -> Result<[UInt8], ServingError> {
        Result { () throws(ServingError) in
            let count = shape.reduce(1, *)
            try JSONTensorData.checkLayout(data, shape: shape, count: count, name: "x")
            let value = try JSONTensorData.makeValue(data, input: "x", datatype: datatype, shape: shape, count: count)
            do {
                return try value.rawBytes
            } catch {
                throw .internal("\(error)")
            }
        }
    }

    /// Decodes `text` as tensor data both ways and expects the same outcome; returns the compact path's.
    @discardableResult
    private func expectSame(_ text: String, _ datatype: DataType, _ shape: [Int]) throws -> Result<
        [UInt8], ServingError
    > {
        let reference = outcome(try JSONParser.parse(text), datatype, shape)
        let compactValue = try JSONParser.parse(text, compactNumberArrays: true)
        let compact = outcome(compactValue, datatype, shape)
        switch (reference, compact) {
        case (.success(let expected), .success(let bytes)): #expect(bytes == expected, "\(datatype) \(text)")
        case (.failure(let expected), .failure(let error)): #expect(error == expected, "\(datatype) \(text)")
        default: Issue.record("\(datatype) \(shape) \(text): general \(reference), compact \(compact)")
        }
        return compact
    }

    private func bytes<T>(_ values: [T]) -> [UInt8] {
        values.withUnsafeBytes { Array($0) }
    }

    @Test("values convert to the element type as from a general array; hand-checked bytes")
    func values() throws {
        #expect(
            try expectSame("[0.5, 1, -2, 1e-50, 3.4028235e38, 1e39]", .fp32, [6]).get()
                == bytes([Float(0.5), 1, -2, 0, .greatestFiniteMagnitude, .infinity]))
        let special = try expectSame("[NaN, Infinity, -Infinity]", .fp32, [3]).get()
        #expect(special.count == 12)
        #expect(Array(special[4...]) == bytes([Float.infinity, -.infinity]))
        #expect(
            try expectSame("[1e308, 1e-320, 4.9e-324, 1e400, -0.0]", .fp64, [5]).get()
                == bytes([1e308, Double("1e-320")!, Double.leastNonzeroMagnitude, .infinity, -0.0]))
        #expect(
            try expectSame("[9223372036854775807, -9223372036854775808, 0]", .int64, [3]).get()
                == bytes([Int64.max, .min, 0]))
        #expect(
            try expectSame("[18446744073709551615, 9007199254740993]", .uint64, [2]).get()
                == bytes([UInt64.max, 9_007_199_254_740_993]))
        #expect(try expectSame("[-128, 127]", .int8, [2]).get() == bytes([Int8.min, .max]))
        #expect(try expectSame("[0, 255]", .uint8, [2]).get() == [0, 255])
        #expect(try expectSame("[0.5, 65504, 70000]", .fp16, [3]).get() == bytes([UInt16(0x3800), 0x7BFF, 0x7C00]))
        #expect(try expectSame("[[1, 2], [3, 4]]", .int32, [2, 2]).get() == bytes([Int32(1), 2, 3, 4]))
        #expect(try expectSame("[[[0.25], [0.5]]]", .fp32, [1, 2, 1]).get() == bytes([Float(0.25), 0.5]))
        #expect(
            try expectSame("[1, [2], 3]", .int16, [3])
                == .failure(
                    .badRequest(
                        "input 'x': data[1] is nested deeper than the shape [3] (rank 1) allows")))
        _ = try expectSame("[true, false]", .bool, [2])
        _ = try expectSame(#"["a", "b"]"#, .bytes, [2])
        _ = try expectSame("7", .int32, [1])
    }

    @Test(
        "bad elements and layouts give the general path's error",
        arguments: [
            ("[1, 2.0]", DataType.int32, [2]), ("[1.5]", .int64, [1]), ("[128]", .int8, [1]), ("[-1]", .uint8, [1]),
            ("[-1]", .uint64, [1]), ("[18446744073709551616]", .uint64, [1]), ("[65536]", .uint16, [1]),
            ("[2147483648]", .int32, [1]), ("[9223372036854775808]", .int64, [1]), ("[NaN]", .int32, [1]),
            ("[1, \"a\"]", .fp32, [2]), ("[1, 2]", .bool, [2]), ("[true, 1]", .bool, [2]), ("[\"a\", 1]", .bytes, [2]),
            ("[1, 2]", .bytes, [2]), ("[1, 2, 3]", .fp32, [2]), ("[1]", .fp32, [2]), ("[[1, 2], [3]]", .fp32, [2, 2]),
            ("[[1, 2], 3]", .fp32, [2, 2]), ("[[1, 2]]", .fp32, [2, 1]), ("[[[1]]]", .fp32, [1, 1]),
            ("[[1], [2]]", .fp32, [2, 1, 1]), ("[[1, 2], [3, 4]]", .fp32, [4]), ("[1, 2]", .bf16, [2]),
            ("[[1, 2], [3, true]]", .int32, [2, 2]), ("[[1, 2], [3, 1e10]]", .int32, [2, 2]), ("5", .fp32, [2]),
            ("[[1, 2, 3], [4, 5, 6]]", .fp32, [3, 2]), ("[[], []]", .fp32, [2, 0]), ("[[1], []]", .fp32, [2, 1]),
        ])
    func badInput(_ text: String, _ datatype: DataType, _ shape: [Int]) throws {
        let result = try expectSame(text, datatype, shape)
        if case .success = result, shape.reduce(1, *) != 0 {
            Issue.record("\(text) as \(datatype) \(shape) was accepted")
        }
    }

    @Test(
        "a repeated input name is refused wherever it repeats (below and past the 8 inputs compared one by one)",
        arguments: [(2, 1), (8, 3), (9, 0), (9, 8), (20, 14)])
    func repeatedInputNames(count: Int, repeating: Int) throws {
        func body(_ names: [String]) -> [UInt8] {
            let inputs = names.map { #"{"name":"\#($0)","datatype":"FP32","shape":[1],"data":[1]}"# }
            return Array(#"{"inputs":[\#(inputs.joined(separator: ","))]}"#.utf8)
        }
        let distinct = (0..<count).map { "in\($0)" }
        #expect(try InferenceRequest(body: body(distinct), headerLength: nil).inputs.map(\.name) == distinct)
        #expect(throws: ServingError.badRequest("input 'in\(repeating)' is given more than once")) {
            try InferenceRequest(body: body(distinct + ["in\(repeating)", "later"]), headerLength: nil)
        }
    }

    @Test("an inference request's data arrays are compact, and its shape and errors read as before")
    func requestDecoding() throws {
        let body =
            Array(
                #"{"inputs":[{"name":"a","datatype":"FP32","shape":[2,2],"data":[[1,2.5],[3,-4]]},"#
                    .utf8)
            + Array(#"{"name":"b","datatype":"INT64","shape":[3],"data":[1,-2,9223372036854775807]}]}"#.utf8)
        let request = try InferenceRequest(body: body, headerLength: nil)
        #expect(request.inputs.map(\.shape) == [[2, 2], [3]])
        guard case .json(let a) = request.inputs[0].data, case .json(let b) = request.inputs[1].data else {
            Issue.record("expected JSON data")
            return
        }
        #expect(a == .array([.numbers([.int(1), .double(2.5)]), .numbers([.int(3), .int(-4)])]))
        guard case .numbers(let numbers) = b else {
            Issue.record("expected compact data, got \(b)")
            return
        }
        #expect(numbers == [.int(1), .int(-2), .int(.max)])
        let bad = Array(#"{"inputs":[{"name":"a","datatype":"FP32","shape":[2,-1],"data":[1,2]}]}"#.utf8)
        #expect(
            throws: ServingError.badRequest(
                "input 'a' has shape [2,-1]; every dimension must be a non-negative integer")
        ) {
            try InferenceRequest(body: bad, headerLength: nil)
        }
        // Arrays of numbers where the request wants objects are refused element by element, as before.
        let numericOutputs = Array(
            #"{"inputs":[{"name":"a","datatype":"FP32","shape":[1],"data":[1]}],"outputs":[1,2]}"#.utf8)
        #expect(throws: ServingError.badRequest("outputs[0] must be an object, got an integer")) {
            try InferenceRequest(body: numericOutputs, headerLength: nil)
        }
        let numericInputs = Array(#"{"inputs":[1.5]}"#.utf8)
        #expect(throws: ServingError.badRequest("inputs[0] must be an object, got a number")) {
            try InferenceRequest(body: numericInputs, headerLength: nil)
        }
        let arrayParameter = Array(#"{"inputs":[],"parameters":{"p":[1,2]}}"#.utf8)
        #expect(
            throws: ServingError.badRequest(
                "parameter 'p' of the request must be a string, number or boolean, got an array")
        ) {
            try InferenceRequest(body: arrayParameter, headerLength: nil)
        }
        let truncated = Array(#"{"inputs":[{"name":"a","datatype":"FP32","shape":[2],"data":[1,2"#.utf8)
        #expect(
            throws: ServingError.badRequest(
                "the inference request is not valid JSON: invalid JSON at byte 64: expected ',' or ']' in an array")
        ) {
            try InferenceRequest(body: truncated, headerLength: nil)
        }
    }
}
#endif
