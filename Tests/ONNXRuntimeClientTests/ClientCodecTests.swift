#if Client
import ONNXRuntimeClient
import Testing

/// The client's wire format, checked against bytes written out by hand from the protocol documents (KServe V2 REST,
/// Triton's binary tensor data extension): request bodies in both forms, the binary layout of every data type,
/// response decoding in both forms, and every decoding error. No server is involved.
@Suite struct ClientCodecTests {
    /// The UTF-8 bytes of a string.
    func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// The error a throwing call raises, or `nil` (recorded as an issue) if it does not throw.
    func clientError(_ body: () throws -> Void) -> ClientError? {
        do {
            try body()
        } catch let error as ClientError {
            return error
        } catch {
            Issue.record("expected a ClientError, got \(error)")
            return nil
        }
        Issue.record("expected a ClientError")
        return nil
    }

    /// Expects ``ClientError/decoding(_:)`` with a message containing `text`.
    func expectDecodingError(
        _ text: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
    ) {
        guard let error = clientError(body) else { return }
        let message = error.message
        guard error.code == .decoding else {
            Issue.record("expected a decoding error, got \(error)", sourceLocation: sourceLocation)
            return
        }
        #expect(message.contains(text), "\(message)", sourceLocation: sourceLocation)
    }

    /// Expects ``ClientError/invalidRequest(_:)`` with a message containing `text`.
    func expectInvalidRequest(
        _ text: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
    ) {
        guard let error = clientError(body) else { return }
        let message = error.message
        guard error.code == .invalidRequest else {
            Issue.record("expected an invalid-request error, got \(error)", sourceLocation: sourceLocation)
            return
        }
        #expect(message.contains(text), "\(message)", sourceLocation: sourceLocation)
    }

    // MARK: - Requests, JSON form

    @Test func jsonRequestBody() throws {
        let request = InferRequest(
            inputs: [InferInput(name: "x", shape: [2, 3], data: .fp32([1, 2.5, -3, 0.1, 1e-5, 100]))],
            outputs: [RequestedOutput("y")], id: "r1", parameters: ["priority": 1], binary: false)
        let encoded = try request.encode()
        #expect(encoded.jsonLength == nil)
        #expect(encoded.contentType == "application/json")
        let expected =
            #"{"id":"r1","parameters":{"priority":1},"inputs":[{"name":"x","shape":[2,3],"datatype":"FP32","#
            + #""data":[1.0,2.5,-3.0,0.1,1e-05,100.0]}],"outputs":[{"name":"y","parameters":{"binary_data":false}}]}"#
        #expect(String(decoding: encoded.body, as: UTF8.self) == expected)
    }

    @Test func jsonRequestElementsOfEveryType() throws {
        let cases: [(TensorData, String)] = [
            (.bool([true, false]), "[true,false]"),
            (.uint8([0, 255]), "[0,255]"),
            (.uint16([0, 65535]), "[0,65535]"),
            (.uint32([0, 4_294_967_295]), "[0,4294967295]"),
            (.uint64([0, .max]), "[0,18446744073709551615]"),
            (.int8([-128, 127]), "[-128,127]"),
            (.int16([-32768, 32767]), "[-32768,32767]"),
            (.int32([.min, .max]), "[-2147483648,2147483647]"),
            (.int64([.min, .max]), "[-9223372036854775808,9223372036854775807]"),
            (.fp16([0x3C00, 0xC000]), "[1.0,-2.0]"),
            (.fp32([0.5, -0.25]), "[0.5,-0.25]"),
            (.fp64([0.1, 1e300]), "[0.1,1e+300]"),
            (.strings(["a\"b", "é\n"]), #"["a\"b","é\n"]"#),
            (.bf16([0x3F80, 0x4049]), "[1.0,3.140625]"),
        ]
        for (data, elements) in cases {
            let request = InferRequest(inputs: [InferInput(name: "x", shape: [2], data: data)], binary: false)
            let body = String(decoding: try request.encode().body, as: UTF8.self)
            let expected =
                #"{"inputs":[{"name":"x","shape":[2],"datatype":""# + data.dataType.rawValue + #"","data":"#
                + elements + "}]}"
            #expect(body == expected)
        }
    }

    @Test func jsonRequestEscapesControlCharacters() throws {
        let request = InferRequest(
            inputs: [InferInput(name: "t\u{1}", shape: [1], data: .strings(["\\\t\u{0}\u{1F}/"]))], binary: false)
        let body = String(decoding: try request.encode().body, as: UTF8.self)
        #expect(body == #"{"inputs":[{"name":"t\u0001","shape":[1],"datatype":"BYTES","data":["\\\t\u0000\u001f/"]}]}"#)
    }

    @Test func jsonRequestRejectsWhatJSONCannotCarry() {
        expectInvalidRequest("binary: true") {
            _ = try InferRequest(inputs: [InferInput(name: "x", shape: [1], data: .fp32([.nan]))], binary: false)
                .encode()
        }
        expectInvalidRequest("element 1 is inf") {
            _ = try InferRequest(
                inputs: [InferInput(name: "x", shape: [2], data: .fp64([0, .infinity]))], binary: false
            )
            .encode()
        }
        expectInvalidRequest("not UTF-8") {
            _ = try InferRequest(inputs: [InferInput(name: "x", shape: [1], data: .bytes([[0xFF]]))], binary: false)
                .encode()
        }
        // The same values travel fine as binary data.
        #expect(throws: Never.self) {
            _ = try InferRequest(inputs: [InferInput(name: "x", shape: [1], data: .bytes([[0xFF]]))]).encode()
            _ = try InferRequest(inputs: [InferInput(name: "x", shape: [1], data: .fp32([.nan]))]).encode()
        }
    }

    @Test func requestChecksElementCountAgainstShape() {
        expectInvalidRequest("has 5 elements but shape [2, 3] needs 6") {
            _ = try InferRequest(inputs: [InferInput(name: "x", shape: [2, 3], data: .fp32([1, 2, 3, 4, 5]))]).encode()
        }
        expectInvalidRequest("negative dimension") {
            _ = try InferRequest(inputs: [InferInput(name: "x", shape: [-1, 3], data: .fp32([1, 2, 3]))]).encode()
        }
        expectInvalidRequest("needs more than Int.max") {
            _ = try InferRequest(inputs: [InferInput(name: "x", shape: [1 << 40, 1 << 40], data: .fp32([]))]).encode()
        }
        // A scalar has one element; an empty dimension none.
        #expect(throws: Never.self) {
            _ = try InferRequest(inputs: [InferInput(name: "x", shape: [], data: .int64([7]))]).encode()
            _ = try InferRequest(inputs: [InferInput(name: "x", shape: [0, 3], data: .fp32([]))]).encode()
        }
    }

    // MARK: - Requests, binary form

    @Test func binaryRequestBody() throws {
        let request = InferRequest(
            inputs: [
                InferInput(name: "input0", shape: [2, 2], data: .uint32([1, 2, 3, 4])),
                InferInput(name: "input1", shape: [3], data: .bool([true, false, true])),
            ],
            outputs: [RequestedOutput("output0")])
        let encoded = try request.encode()
        let json =
            #"{"inputs":[{"name":"input0","shape":[2,2],"datatype":"UINT32","parameters":{"binary_data_size":16}},"#
            + #"{"name":"input1","shape":[3],"datatype":"BOOL","parameters":{"binary_data_size":3}}],"#
            + #""outputs":[{"name":"output0","parameters":{"binary_data":true}}]}"#
        #expect(encoded.jsonLength == json.utf8.count)
        #expect(encoded.contentType == "application/octet-stream")
        // The documented example: 16 bytes of UINT32 data, then 3 bytes of BOOL data, 19 in all.
        let tensorBytes: [UInt8] = [
            1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0,
            1, 0, 1,
        ]
        #expect(encoded.body == utf8(json) + tensorBytes)
    }

    @Test func binaryRequestAsksForAllOutputsInBinaryWhenNoneAreNamed() throws {
        let request = InferRequest(inputs: [InferInput(name: "x", shape: [1], data: .fp32([1]))])
        let encoded = try request.encode()
        let json =
            #"{"parameters":{"binary_data_output":true},"#
            + #""inputs":[{"name":"x","shape":[1],"datatype":"FP32","parameters":{"binary_data_size":4}}]}"#
        #expect(encoded.body == utf8(json) + [0x00, 0x00, 0x80, 0x3F])
    }

    @Test func perOutputBinaryOverridesTheRequest() throws {
        let request = InferRequest(
            inputs: [InferInput(name: "x", shape: [1], data: .int8([-1]), parameters: ["custom": "v"])],
            outputs: [RequestedOutput("a", binary: false), RequestedOutput("b"), RequestedOutput("c", binary: true)],
            binary: false)
        let body = String(decoding: try request.encode().body, as: UTF8.self)
        #expect(
            body
                == #"{"inputs":[{"name":"x","shape":[1],"datatype":"INT8","parameters":{"custom":"v"},"data":[-1]}],"#
                + #""outputs":[{"name":"a","parameters":{"binary_data":false}},"#
                + #"{"name":"b","parameters":{"binary_data":false}},{"name":"c","parameters":{"binary_data":true}}]}"#)
    }

    @Test func parametersAreSortedAndTyped() throws {
        let request = InferRequest(
            inputs: [], parameters: ["z": "s", "a": true, "m": 2.5, "b": .int(-3)], binary: false)
        #expect(
            String(decoding: try request.encode().body, as: UTF8.self)
                == #"{"parameters":{"a":true,"b":-3,"m":2.5,"z":"s"},"inputs":[]}"#)
        expectInvalidRequest("parameter 'bad'") {
            _ = try InferRequest(inputs: [], parameters: ["bad": .double(.nan)]).encode()
        }
    }

    @Test func binarySizeIsReportedPerInput() throws {
        let request = InferRequest(inputs: [
            InferInput(name: "a", shape: [2], data: .strings(["ab", "cde"])),
            InferInput(name: "b", shape: [0], data: .int64([])),
        ])
        let encoded = try request.encode()
        let json = String(decoding: encoded.body[..<encoded.jsonLength!], as: UTF8.self)
        #expect(json.contains(#""name":"a","shape":[2],"datatype":"BYTES","parameters":{"binary_data_size":13}"#))
        #expect(json.contains(#""name":"b","shape":[0],"datatype":"INT64","parameters":{"binary_data_size":0}"#))
        #expect(encoded.body.count == encoded.jsonLength! + 13)
    }

    // MARK: - Half-precision accessors

    @Test func halfPrecisionAccessors() {
        let tensor = InferTensor(name: "h", shape: [4], data: .fp16([0x3C00, 0x0001, 0x7BFF, 0xFC00]))
        #expect(tensor.floats == [1, 0x1p-24, 65504, -.infinity])
        #expect(InferTensor(name: "b", shape: [1], data: .bf16([0x4049])).floats == [3.140625])
        #expect(InferTensor(name: "d", shape: [1], data: .bf16([0x4049])).doubles == [3.140625])
        #expect(InferTensor(name: "i", shape: [1], data: .int64([1])).floats == nil)
    }

    // MARK: - Responses, binary form

    @Test func binaryResponse() throws {
        let json =
            #"{"model_name":"m","model_version":"1","id":"42","outputs":["#
            + #"{"name":"output0","shape":[3,2],"datatype":"FP32","parameters":{"binary_data_size":24}},"#
            + #"{"name":"words","shape":[2],"datatype":"BYTES","parameters":{"binary_data_size":11}}]}"#
        let floats: [UInt8] = [
            0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x40, 0x40,
            0x00, 0x00, 0x80, 0x40, 0x00, 0x00, 0xA0, 0x40, 0x00, 0x00, 0xC0, 0x40,
        ]
        let words: [UInt8] = [3, 0, 0, 0, 0x61, 0x62, 0x63, 0, 0, 0, 0]
        let response = try InferResponse(decoding: utf8(json) + floats + words, jsonLength: json.utf8.count)
        #expect(response.modelName == "m")
        #expect(response.modelVersion == "1")
        #expect(response.id == "42")
        #expect(response.outputs.names == ["output0", "words"])
        #expect(response.outputs["output0"]?.shape == [3, 2])
        #expect(response.outputs["output0"]?.floats == [1, 2, 3, 4, 5, 6])
        #expect(response.outputs["output0"]?.parameters["binary_data_size"] == .int(24))
        #expect(response.outputs["words"]?.strings == ["abc", ""])
        #expect(response.outputs[1].datatype == .bytes)
        #expect(response.outputs["missing"] == nil)
    }

    @Test func binaryResponseOfEveryType() throws {
        let cases: [(DataType, [UInt8], TensorData)] = [
            (.bool, [1, 0], .bool([true, false])),
            (.uint8, [0, 255], .uint8([0, 255])),
            (.uint16, [0xFF, 0xFF, 0x01, 0x00], .uint16([65535, 1])),
            (.uint32, [0xFF, 0xFF, 0xFF, 0xFF, 0x02, 0, 0, 0], .uint32([.max, 2])),
            (.uint64, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 3, 0, 0, 0, 0, 0, 0, 0], .uint64([.max, 3])),
            (.int8, [0x80, 0x7F], .int8([-128, 127])),
            (.int16, [0x00, 0x80, 0xFF, 0x7F], .int16([.min, .max])),
            (.int32, [0xFE, 0xFF, 0xFF, 0xFF, 5, 0, 0, 0], .int32([-2, 5])),
            (.int64, [0, 0, 0, 0, 0, 0, 0, 0x80, 1, 0, 0, 0, 0, 0, 0, 0], .int64([.min, 1])),
            (.fp16, [0x00, 0x3C, 0x00, 0x7E], .fp16([0x3C00, 0x7E00])),
            (.fp32, [0x00, 0x00, 0xC0, 0x7F, 0x00, 0x00, 0x80, 0xFF], .fp32([.nan, -.infinity])),
            (.fp64, [0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0, 0, 0, 0, 0, 0, 0, 0xC0], .fp64([1, -2])),
            (.bytes, [1, 0, 0, 0, 0xFF, 0, 0, 0, 0], .bytes([[0xFF], []])),
            (.bf16, [0x80, 0x3F, 0x49, 0x40], .bf16([0x3F80, 0x4049])),
        ]
        for (type, bytes, expected) in cases {
            let json =
                #"{"model_name":"m","outputs":[{"name":"y","shape":[2],"datatype":""# + type.rawValue
                + #"","parameters":{"binary_data_size":\#(bytes.count)}}]}"#
            let response = try InferResponse(decoding: utf8(json) + bytes, jsonLength: json.utf8.count)
            let data = try #require(response.outputs["y"]?.data)
            if case .fp32(let values) = data {  // NaN != NaN: compare bit patterns
                #expect(values.map(\.bitPattern) == [Float.nan.bitPattern, (-Float.infinity).bitPattern])
            } else {
                #expect(data == expected, "\(type)")
            }
        }
    }

    @Test func mixedBinaryAndJSONOutputs() throws {
        let json =
            #"{"model_name":"m","outputs":[{"name":"a","shape":[1],"datatype":"INT32","data":[7]},"#
            + #"{"name":"b","shape":[1],"datatype":"INT32","parameters":{"binary_data_size":4}}]}"#
        let response = try InferResponse(decoding: utf8(json) + [9, 0, 0, 0], jsonLength: json.utf8.count)
        #expect(response.outputs["a"]?.int32s == [7])
        #expect(response.outputs["b"]?.int32s == [9])
    }

    // MARK: - Responses, JSON form

    @Test func jsonResponseOfEveryType() throws {
        let json = """
            {"model_name": "m", "model_version": "3", "parameters": {"n": 2, "f": 0.5, "t": true, "s": "x"},
             "outputs": [
              {"name": "bool", "shape": [2], "datatype": "BOOL", "data": [true, false]},
              {"name": "u8", "shape": [2], "datatype": "UINT8", "data": [0, 255]},
              {"name": "u16", "shape": [1], "datatype": "UINT16", "data": [65535]},
              {"name": "u32", "shape": [1], "datatype": "UINT32", "data": [4294967295]},
              {"name": "u64", "shape": [1], "datatype": "UINT64", "data": [18446744073709551615]},
              {"name": "i8", "shape": [1], "datatype": "INT8", "data": [-128]},
              {"name": "i16", "shape": [1], "datatype": "INT16", "data": [-32768]},
              {"name": "i32", "shape": [1], "datatype": "INT32", "data": [-2147483648]},
              {"name": "i64", "shape": [2], "datatype": "INT64", "data": [-9223372036854775808, 9223372036854775807]},
              {"name": "f16", "shape": [2], "datatype": "FP16", "data": [1.0, -0.0999755859375]},
              {"name": "f32", "shape": [2, 2], "datatype": "FP32", "data": [[0.1, 1e-05], [-3, 2.5E3]]},
              {"name": "f64", "shape": [1], "datatype": "FP64", "data": [0.1]},
              {"name": "str", "shape": [3], "datatype": "BYTES", "data": ["a\\"b", "\\u00e9\\ud83d\\ude00", ""]},
              {"name": "bf16", "shape": [1], "datatype": "BF16", "data": [3.140625]},
              {"name": "scalar", "shape": [], "datatype": "INT64", "data": [5]}
             ]}
            """
        let response = try InferResponse(decoding: utf8(json))
        let outputs = response.outputs
        #expect(response.modelVersion == "3")
        #expect(response.id == nil)
        #expect(response.parameters == ["n": .int(2), "f": .double(0.5), "t": .bool(true), "s": .string("x")])
        #expect(outputs["bool"]?.bools == [true, false])
        #expect(outputs["u8"]?.uint8s == [0, 255])
        #expect(outputs["u16"]?.uint16s == [65535])
        #expect(outputs["u32"]?.uint32s == [.max])
        #expect(outputs["u64"]?.uint64s == [.max])
        #expect(outputs["i8"]?.int8s == [-128])
        #expect(outputs["i16"]?.int16s == [.min])
        #expect(outputs["i32"]?.int32s == [.min])
        #expect(outputs["i64"]?.int64s == [.min, .max])
        #expect(outputs["f16"]?.fp16Bits == [0x3C00, 0xAE66])
        #expect(outputs["f32"]?.floats == [0.1, 1e-5, -3, 2500])
        #expect(outputs["f32"]?.shape == [2, 2])
        #expect(outputs["f64"]?.doubles == [0.1])
        #expect(outputs["str"]?.strings == ["a\"b", "é😀", ""])
        #expect(outputs["bf16"]?.bf16Bits == [0x4049])
        #expect(outputs["scalar"]?.int64s == [5])
        #expect(outputs["scalar"]?.shape == [])
        #expect(outputs.count == 15)
    }

    @Test func jsonResponseAcceptsPythonNonFiniteTokens() throws {
        let json =
            #"{"model_name":"m","outputs":[{"name":"y","shape":[3],"datatype":"FP64","data":[NaN,Infinity,-Infinity]}]}"#
        let values = try #require(try InferResponse(decoding: utf8(json)).outputs["y"]?.doubles)
        #expect(values[0].isNaN && values[1] == .infinity && values[2] == -.infinity)
    }

    /// The client now reads JSON with the server's reader: integer outputs must be integer literals (its old reader
    /// also took `3.0`), and nested `data` may still go 512 levels deep (the server's own limit for requests is 64).
    @Test func jsonResponseReadWithTheSharedReader() throws {
        let integral = #"{"model_name":"m","outputs":[{"name":"y","shape":[2],"datatype":"INT64","data":[3,-4]}]}"#
        #expect(try InferResponse(decoding: utf8(integral)).outputs["y"]?.int64s == [3, -4])
        expectDecodingError("element 0 is not a valid INT64 value") {
            _ = try InferResponse(
                decoding: utf8(
                    #"{"model_name":"m","outputs":[{"name":"y","shape":[1],"datatype":"INT64","data":[3.0]}]}"#))
        }
        let depth = 100
        let shape = Array(repeating: "1", count: depth).joined(separator: ",")
        let data = String(repeating: "[", count: depth) + "0.5" + String(repeating: "]", count: depth)
        let nested =
            #"{"model_name":"m","outputs":[{"name":"y","shape":["# + shape + #"],"datatype":"FP32","data":"#
            + data + "}]}"
        #expect(try InferResponse(decoding: utf8(nested)).outputs["y"]?.floats == [0.5])
    }

    // MARK: - Response decoding errors

    @Test func responseDecodingErrors() {
        let header = #"{"model_name":"m","outputs":[{"name":"y","shape":[2],"datatype":"FP32","parameters":"#
        func binary(_ size: Int, _ bytes: [UInt8], type: String = "FP32") throws {
            let json =
                #"{"model_name":"m","outputs":[{"name":"y","shape":[2],"datatype":"\#(type)","#
                + #""parameters":{"binary_data_size":\#(size)}}]}"#
            _ = try InferResponse(decoding: utf8(json) + bytes, jsonLength: json.utf8.count)
        }
        expectDecodingError("7 bytes of binary data, but 2 FP32 elements need 8") {
            try binary(7, Array(repeating: 0, count: 7))
        }
        expectDecodingError("exceeds the 4 bytes left") { try binary(8, [0, 0, 0, 0]) }
        expectDecodingError("4 bytes after the JSON header belong to no output") {
            try binary(8, Array(repeating: 0, count: 12))
        }
        expectDecodingError("truncated length prefix") { try binary(6, [1, 0, 0, 0, 0x61, 0], type: "BYTES") }
        expectDecodingError("claims 9 bytes but only 1 remain") { try binary(5, [9, 0, 0, 0, 0x61], type: "BYTES") }
        expectDecodingError("1 BYTES elements in binary data, shape needs 2") {
            try binary(5, [1, 0, 0, 0, 0x61], type: "BYTES")
        }
        expectDecodingError("exceeds the body's") {
            _ = try InferResponse(decoding: utf8("{}"), jsonLength: 3)
        }
        expectDecodingError("has binary_data_size but the response has no Inference-Header-Content-Length") {
            _ = try InferResponse(decoding: utf8(header + #"{"binary_data_size":8}}]}"#))
        }
        expectDecodingError("not valid JSON") { _ = try InferResponse(decoding: utf8(#"{"model_name":"m""#)) }
        expectDecodingError("not valid JSON") { _ = try InferResponse(decoding: utf8(#"{"a":01}"#)) }
        expectDecodingError("not valid JSON") { _ = try InferResponse(decoding: utf8(#"{"a":"\ud800"}"#)) }
        expectDecodingError("not valid JSON") { _ = try InferResponse(decoding: utf8("{} x")) }
        expectDecodingError("not a JSON object") { _ = try InferResponse(decoding: utf8("[]")) }
        expectDecodingError("no 'model_name'") { _ = try InferResponse(decoding: utf8(#"{"outputs":[]}"#)) }
        expectDecodingError("no 'outputs'") { _ = try InferResponse(decoding: utf8(#"{"model_name":"m"}"#)) }
        expectDecodingError("unknown datatype 'FP8'") {
            _ = try InferResponse(
                decoding: utf8(#"{"model_name":"m","outputs":[{"name":"y","shape":[1],"datatype":"FP8","data":[1]}]}"#))
        }
        expectDecodingError("3 elements in 'data', shape needs 2") {
            _ = try InferResponse(decoding: utf8(header + #"{},"data":[1,2,3]}]}"#))
        }
        expectDecodingError("element 1 is not a valid FP32 value") {
            _ = try InferResponse(decoding: utf8(header + #"{},"data":[1,"x"]}]}"#))
        }
        expectDecodingError("element 0 is not a valid UINT8 value") {
            _ = try InferResponse(
                decoding: utf8(
                    #"{"model_name":"m","outputs":[{"name":"y","shape":[1],"datatype":"UINT8","data":[256]}]}"#))
        }
        expectDecodingError("element 0 is not a valid INT64 value") {
            _ = try InferResponse(
                decoding: utf8(
                    #"{"model_name":"m","outputs":[{"name":"y","shape":[1],"datatype":"INT64","data":[1.5]}]}"#))
        }
        expectDecodingError("neither 'data' nor a binary_data_size") {
            _ = try InferResponse(decoding: utf8(header + "{}}]}"))
        }
        expectDecodingError("invalid dimension") {
            _ = try InferResponse(
                decoding: utf8(#"{"model_name":"m","outputs":[{"name":"y","shape":[-1],"datatype":"FP32","data":[]}]}"#)
            )
        }
    }

    // MARK: - Error bodies

    @Test func errorBodies() {
        let protocolError = RawResponse(
            status: 400, headers: [("Content-Type", "application/json")],
            body: utf8(#"{"error":"input 'x': expected \"FP32\", got INT64"}"#))
        #expect(protocolError.errorMessage == #"input 'x': expected "FP32", got INT64"#)
        #expect(protocolError.header("content-type") == "application/json")
        #expect(RawResponse(status: 502, headers: [], body: utf8("Bad Gateway")).errorMessage == "Bad Gateway")
        #expect(
            RawResponse(status: 500, headers: [], body: utf8(#"{"message":"x"}"#)).errorMessage == #"{"message":"x"}"#)
        #expect(RawResponse(status: 500, headers: [], body: []).errorMessage == "")
        let error = ClientError.server(status: 404, message: "unknown model 'nope'")
        #expect(error.status == 404)
        #expect(error.description == "server error 404: unknown model 'nope'")
        #expect(ClientError.decoding("x").status == nil)
    }

    // MARK: - Tensors and parameters

    @Test func typedAccessors() {
        let tensor = InferTensor(name: "x", shape: [2, 3], data: .int32([1, 2, 3, 4, 5, 6]))
        #expect(tensor.datatype == .int32)
        #expect(tensor.shapeElementCount == 6)
        #expect(tensor.int32s == [1, 2, 3, 4, 5, 6])
        #expect(tensor.int64s == nil)
        #expect(tensor.strings == nil)
        #expect(InferTensor(name: "s", shape: [1], data: .bytes([[0xFF]])).strings == nil)
        #expect(InferTensor(name: "s", shape: [1], data: .bytes([[0xFF]])).bytes == [[0xFF]])
        #expect(InferTensor(name: "s", shape: [], data: .int64([1])).shapeElementCount == 1)
        let parameter: InferParameter = 3
        #expect(parameter.intValue == 3 && parameter.doubleValue == 3 && parameter.boolValue == nil)
        #expect(InferParameter.string("a").stringValue == "a")
    }
}
#endif
