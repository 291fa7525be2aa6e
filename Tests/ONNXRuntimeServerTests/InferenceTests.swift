#if Server && Client
import HTTPTypes
import HummingbirdTesting
import ONNXRuntimeServer
import ONNXRuntimeServing
import Testing

@Suite("Inference: every datatype, JSON and binary")
struct InferenceTests {
    @Test("JSON in, JSON out: the identity model returns the input", arguments: DatatypeCase.jsonCases)
    func jsonRoundTrip(_ testCase: DatatypeCase) async throws {
        let server = try await ServerFixtures.shared()
        try await ServerFixtures.withClient(server) { (client) async throws in
            var request = InferenceTestRequest()
            request.add("x", testCase.datatype.rawValue, [2, 3], json: testCase.json!)
            let response = try await client.infer(testCase.model, request)
            #expect(response.status == .ok, "\(response.errorMessage)")
            #expect(response.contentType == "application/json")
            #expect(response.headerLength == nil)
            let output = response.output("y")
            #expect(output?["datatype"] == .string(testCase.datatype.rawValue))
            #expect(output?["shape"] == .ints([2, 3]))
            #expect(output?["parameters"] == nil)
            testCase.expectJSONOutput(output?["data"])
        }
    }

    @Test("binary in, binary out: the bytes come back unchanged", arguments: DatatypeCase.all)
    func binaryRoundTrip(_ testCase: DatatypeCase) async throws {
        let server = try await ServerFixtures.shared()
        try await ServerFixtures.withClient(server) { (client) async throws in
            var request = InferenceTestRequest()
            request.add("x", testCase.datatype.rawValue, [2, 3], binary: testCase.binary)
            request.output("y", binary: true)
            let response = try await client.infer(testCase.model, request)
            #expect(response.status == .ok, "\(response.errorMessage)")
            #expect(response.contentType == "application/octet-stream")
            #expect(response.headerLength != nil)
            let output = response.output("y")
            #expect(output?["datatype"] == .string(testCase.datatype.rawValue))
            #expect(output?["shape"] == .ints([2, 3]))
            #expect(output?["parameters"]?["binary_data_size"] == .number(.int(Int64(testCase.binary.count))))
            #expect(output?["data"] == nil)
            #expect(response.binary["y"] == testCase.binary)
        }
    }

    @Test("binary in, JSON out and JSON in, binary out", arguments: DatatypeCase.jsonCases)
    func mixedForms(_ testCase: DatatypeCase) async throws {
        let server = try await ServerFixtures.shared()
        try await ServerFixtures.withClient(server) { (client) async throws in
            var binaryIn = InferenceTestRequest()
            binaryIn.add("x", testCase.datatype.rawValue, [2, 3], binary: testCase.binary)
            binaryIn.output("y", binary: false)
            let first = try await client.infer(testCase.model, binaryIn)
            #expect(first.status == .ok, "\(first.errorMessage)")
            #expect(first.headerLength == nil)
            testCase.expectJSONOutput(first.output("y")?["data"])

            var jsonIn = InferenceTestRequest(parameters: ["binary_data_output": .bool(true)])
            jsonIn.add("x", testCase.datatype.rawValue, [2, 3], json: testCase.json!)
            let second = try await client.infer(testCase.model, jsonIn)
            #expect(second.status == .ok, "\(second.errorMessage)")
            #expect(second.binary["y"] == testCase.binary)
        }
    }

    @Test("nested JSON data matching the shape is accepted")
    func nestedJSON() async throws {
        let server = try await ServerFixtures.shared()
        try await ServerFixtures.withClient(server) { (client) async throws in
            var request = InferenceTestRequest()
            request.add("x", "INT32", [2, 3], json: .array([.ints([1, 2, 3]), .ints([4, 5, 6])]))
            let response = try await client.infer("identity_int32", request)
            #expect(response.status == .ok, "\(response.errorMessage)")
            #expect(response.output("y")?["data"] == .ints([1, 2, 3, 4, 5, 6]))

            var strings = InferenceTestRequest()
            strings.add("x", "BYTES", [2, 3], json: .array([.strings(["a", "b", "c"]), .strings(["d", "e", "f"])]))
            let stringResponse = try await client.infer("identity_string", strings)
            #expect(stringResponse.output("y")?["data"] == .strings(["a", "b", "c", "d", "e", "f"]))
        }
    }

    @Test(
        "nested JSON that does not match the shape is 400",
        arguments: [
            JSONValue.array([.ints([1, 2]), .ints([3, 4]), .ints([5, 6])]),  // 3x2 instead of 2x3
            .array([.ints([1, 2, 3]), .ints([4, 5])]),  // ragged
            .array([.ints([1, 2, 3]), .number(.int(4))]),  // mixed
            .array([.array([.ints([1, 2, 3])]), .array([.ints([4, 5, 6])])]),  // too deep
            .ints([1, 2, 3, 4, 5]),  // flat, too few
            .ints([1, 2, 3, 4, 5, 6, 7]),  // flat, too many
            .number(.int(1)),  // scalar for six elements
        ])
    func nestedMismatch(_ data: JSONValue) async throws {
        let server = try await ServerFixtures.shared()
        try await ServerFixtures.withClient(server) { (client) async throws in
            var request = InferenceTestRequest()
            request.add("x", "INT32", [2, 3], json: data)
            let response = try await client.infer("identity_int32", request)
            #expect(response.status == .badRequest)
            #expect(response.errorMessage.contains("input 'x'"), "\(response.errorMessage)")
        }
    }

    @Test("BYTES in binary form with empty and multi-byte elements")
    func bytesBinary() async throws {
        let server = try await ServerFixtures.shared()
        try await ServerFixtures.withClient(server) { (client) async throws in
            var request = InferenceTestRequest()
            request.add("a", "BYTES", [3], binary: LittleEndian.strings(["x", "", "ü"]))
            request.add("b", "BYTES", [3], json: .strings(["y", "", "ü"]))
            request.output("joined", binary: true)
            request.output("same", binary: false)
            let response = try await client.infer("string_ops", request)
            #expect(response.status == .ok, "\(response.errorMessage)")
            #expect(LittleEndian.decodeStrings(response.binary["joined"] ?? []) == ["xy", "", "üü"])
            #expect(response.output("same")?["data"] == .array([.bool(false), .bool(true), .bool(true)]))
            #expect(response.output("same")?["datatype"] == .string("BOOL"))
        }
    }

    @Test("id and parameters are echoed; model name and version are reported")
    func echo() async throws {
        let server = try await ServerFixtures.shared()
        try await ServerFixtures.withClient(server) { (client) async throws in
            let parameters: JSONObject = ["custom": .string("value"), "flag": .bool(true), "n": .number(.int(42))]
            var request = InferenceTestRequest(id: "request-17", parameters: parameters)
            request.add("x", "FP32", [], json: .doubles([2]))
            let response = try await client.infer("scalar_mul", request)
            #expect(response.status == .ok, "\(response.errorMessage)")
            #expect(response.json["id"] == .string("request-17"))
            #expect(response.json["parameters"] == .object(parameters))
            #expect(response.json["model_name"] == .string("scalar_mul"))
            #expect(response.json["model_version"] == .string("1"))
            #expect(response.output("y")?["shape"] == .ints([]))
            #expect(response.output("y")?["data"] == .doubles([5]))

            var anonymous = InferenceTestRequest()
            anonymous.add("x", "FP32", [], json: .number(.double(2)))
            let plain = try await client.infer("scalar_mul", anonymous, version: 1)
            #expect(plain.status == .ok, "\(plain.errorMessage)")
            #expect(plain.json["id"] == nil)
            #expect(plain.json["parameters"] == nil)
        }
    }

    @Test("outputs: selection, order, per-output binary_data overriding binary_data_output")
    func outputSelection() async throws {
        let server = try await ServerFixtures.shared()
        try await ServerFixtures.withClient(server) { (client) async throws in
            let x: JSONValue = .doubles([1, 2, 3, 4, 5, 6])
            var all = InferenceTestRequest()
            all.add("x", "FP32", [2, 3], json: x)
            let everything = try await client.infer("multi_out", all)
            #expect(
                everything.json["outputs"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
                    == ["plus1", "times2", "total", "argmax"])
            #expect(everything.output("total")?["data"] == .doubles([21]))
            #expect(everything.output("argmax")?["datatype"] == .string("INT64"))

            var some = InferenceTestRequest(parameters: ["binary_data_output": .bool(true)])
            some.add("x", "FP32", [2, 3], json: x)
            some.output("total", binary: false)
            some.output("times2")
            let selected = try await client.infer("multi_out", some)
            #expect(selected.status == .ok, "\(selected.errorMessage)")
            #expect(
                selected.json["outputs"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["total", "times2"])
            #expect(selected.output("total")?["data"] == .doubles([21]))
            let doubled = LittleEndian.values(selected.binary["times2"] ?? [], as: UInt32.self).map(
                Float.init(bitPattern:))
            #expect(doubled == [2, 4, 6, 8, 10, 12])

            var unknown = InferenceTestRequest()
            unknown.add("x", "FP32", [2, 3], json: x)
            unknown.output("nope")
            let bad = try await client.infer("multi_out", unknown)
            #expect(bad.status == .badRequest)
            #expect(bad.errorMessage.contains("no output named 'nope'"))
        }
    }

    @Test("a symbolic dimension accepts any size; empty tensors work")
    func dynamicAndEmpty() async throws {
        let server = try await ServerFixtures.shared()
        try await ServerFixtures.withClient(server) { (client) async throws in
            var request = InferenceTestRequest()
            request.add("A", "FP32", [1, 3], json: .doubles([1, 2, 3]))
            request.add("B", "FP32", [1, 3], binary: LittleEndian.bytes([Float(1), 1, 1].map(\.bitPattern)))
            let response = try await client.infer("add_f32", request)
            #expect(response.output("C")?["data"] == .doubles([2, 3, 4]))

            var empty = InferenceTestRequest()
            empty.add("x", "FP32", [0, 3], json: .array([]))
            let emptyResponse = try await client.infer("empty", empty)
            #expect(emptyResponse.status == .ok, "\(emptyResponse.errorMessage)")
            #expect(emptyResponse.output("y")?["shape"] == .ints([0, 3]))
            #expect(emptyResponse.output("y")?["data"] == .array([]))

            var emptyBinary = InferenceTestRequest()
            emptyBinary.add("x", "FP32", [0, 3], binary: [])
            emptyBinary.output("y", binary: true)
            let emptyBinaryResponse = try await client.infer("empty", emptyBinary)
            #expect(emptyBinaryResponse.status == .ok, "\(emptyBinaryResponse.errorMessage)")
            #expect(emptyBinaryResponse.binary["y"] == [])
        }
    }

    @Test("non-finite floats travel as NaN and Infinity in JSON")
    func nonFinite() async throws {
        let server = try await ServerFixtures.shared()
        try await ServerFixtures.withClient(server) { (client) async throws in
            let body = Array(
                #"{"inputs":[{"name":"x","shape":[2,3],"datatype":"FP64","data":[NaN,Infinity,-Infinity,1,2,3]}]}"#
                    .utf8)
            let response = try InferenceTestResponse(
                await client.post("/v2/models/identity_float64/infer", bytes: body))
            #expect(response.status == .ok, "\(response.errorMessage)")
            let values = response.output("y")?["data"]?.doubles ?? []
            #expect(values.count == 6)
            #expect(values.first?.isNaN == true)
            #expect(values[1] == .infinity && values[2] == -.infinity)
        }
    }
}
#endif
