#if Server && Client
import HTTPTypes
import HummingbirdTesting
import ONNXRuntimeServer
import ONNXRuntimeServing
import Testing

@Suite("Inference: request validation errors")
struct InferenceErrorTests {
    /// Sends a raw body to a model and returns status and error message.
    private func send(_ model: String, _ body: String, headerLength: Int? = nil, extra: [UInt8] = [])
        async throws -> (HTTPResponse.Status, String)
    {
        let server = try await ServerFixtures.shared()
        return try await ServerFixtures.withClient(server) { (client) async throws in
            var headers = HTTPFields()
            if let headerLength {
                headers[HTTPField.Name("Inference-Header-Content-Length")!] = String(headerLength)
            }
            let response = try await client.post(
                "/v2/models/\(model)/infer", bytes: Array(body.utf8) + extra, headers: headers)
            return (response.status, response.errorMessage)
        }
    }

    @Test(
        "malformed or mismatched requests are 400 with a message naming the problem",
        arguments: [
            ("not json", "not valid JSON"),
            ("[1,2]", "must be a JSON object"),
            (#"{"inputs": 3}"#, "'inputs' must be an array"),
            (#"{}"#, "has no 'inputs'"),
            (#"{"inputs":[{"name":"x","shape":[2,3],"datatype":"FP32","data":[1,2,3,4,5,6]}]}"#, "datatype FP32"),
            (#"{"inputs":[{"name":"x","shape":[3,2],"datatype":"INT32","data":[1,2,3,4,5,6]}]}"#, "shape [3, 2]"),
            (#"{"inputs":[{"name":"x","shape":[6],"datatype":"INT32","data":[1,2,3,4,5,6]}]}"#, "shape [6]"),
            (#"{"inputs":[{"name":"z","shape":[2,3],"datatype":"INT32","data":[1,2,3,4,5,6]}]}"#, "no input named 'z'"),
            (#"{"inputs":[]}"#, "missing input 'x'"),
            (#"{"inputs":[{"name":"x","shape":[2,3],"datatype":"INT33","data":[]}]}"#, "unknown datatype 'INT33'"),
            (#"{"inputs":[{"name":"x","shape":[2,-3],"datatype":"INT32","data":[]}]}"#, "non-negative integer"),
            (#"{"inputs":[{"name":"x","shape":[2,3],"datatype":"INT32"}]}"#, "neither 'data' nor"),
            (
                #"{"inputs":[{"name":"x","shape":[2,3],"datatype":"INT32","data":[1,2,3,4,5,"6"]}]}"#,
                "must be an integer"
            ),
            (
                #"{"inputs":[{"name":"x","shape":[2,3],"datatype":"INT32","data":[1,2,3,4,5,6.5]}]}"#,
                "is not a INT32 value"
            ),
            (
                #"{"inputs":[{"name":"x","shape":[2,3],"datatype":"INT32","data":[1,2,3,4,5,2147483648]}]}"#,
                "is not a INT32 value"
            ),
            (
                #"{"inputs":[{"name":"x","shape":[2,3],"datatype":"INT32","data":[1,2,3,4,5,6]},"#
                    + #"{"name":"x","shape":[2,3],"datatype":"INT32","data":[1,2,3,4,5,6]}]}"#,
                "more than once"
            ),
            (
                #"{"id":5,"inputs":[{"name":"x","shape":[2,3],"datatype":"INT32","data":[1,2,3,4,5,6]}]}"#,
                "'id' must be a string"
            ),
            (
                #"{"parameters":{"binary_data_output":"yes"},"#
                    + #""inputs":[{"name":"x","shape":[2,3],"datatype":"INT32","data":[1,2,3,4,5,6]}]}"#,
                "must be a boolean"
            ),
            (
                #"{"parameters":{"nested":{"a":1}},"#
                    + #""inputs":[{"name":"x","shape":[2,3],"datatype":"INT32","data":[1,2,3,4,5,6]}]}"#,
                "must be a string, number or boolean"
            ),
            (
                #"{"inputs":[{"name":"x","shape":[2,3],"datatype":"INT32","data":[1,2,3,4,5,6]}],"#
                    + #""outputs":[{"name":"y","parameters":{"classification":0}}]}"#,
                "'classification' of output 'y' must be a positive integer"
            ),
        ] as [(String, String)])
    func badRequests(_ body: String, _ expected: String) async throws {
        let (status, message) = try await send("identity_int32", body)
        #expect(status == .badRequest, "\(message)")
        #expect(message.contains(expected), "\(message)")
    }

    @Test(
        "the parameters extension: custom parameters are accepted, 'triton_' ones refused with Triton's text",
        arguments: [
            (#"{"my_int":42,"my_text":"a","my_flag":true,"my_real":1.5,"headers":"h"}"#, nil),
            (#"{"triton_enable_empty_final_response":true}"#, "triton_enable_empty_final_response"),
            (#"{"triton_x":1}"#, "triton_x"),
        ] as [(String, String?)])
    func requestParameters(_ parameters: String, _ refused: String?) async throws {
        // Input and output parameters are not checked (Triton does not check them either).
        let body =
            #"{"parameters":\#(parameters),"inputs":[{"name":"x","shape":[2,3],"datatype":"INT32","#
            + #""parameters":{"triton_in":1,"mine":"v"},"data":[1,2,3,4,5,6]}],"#
            + #""outputs":[{"name":"y","parameters":{"triton_out":true,"mine":7}}]}"#
        let server = try await ServerFixtures.shared()
        try await ServerFixtures.withClient(server) { (client) async throws in
            let response = try await client.post("/v2/models/identity_int32/infer", bytes: Array(body.utf8))
            if let refused {
                #expect(response.status == .badRequest)
                // Triton 2.51's REST text (checked against tritonserver), then the key.
                #expect(
                    response.errorMessage
                        == "parameter keys starting with 'triton_' are reserved for Triton usage and should not be "
                        + "specified (got '\(refused)')")
            } else {
                #expect(response.status == .ok, "\(response.errorMessage)")
                #expect(try response.json()["outputs"]?.arrayValue?.first?["data"] == .ints([1, 2, 3, 4, 5, 6]))
            }
        }
    }

    @Test("JSON element kinds are checked per datatype")
    func elementKinds() async throws {
        let cases: [(String, String, String)] = [
            ("identity_bool", #"[1,0,1,0,1,0]"#, "true or false"),
            ("identity_float32", #"[1,2,3,4,5,"x"]"#, "must be a number"),
            ("identity_string", #"[1,2,3,4,5,6]"#, "must be a string"),
            ("identity_uint8", #"[1,2,3,4,5,256]"#, "is not a UINT8 value"),
            ("identity_uint64", #"[1,2,3,4,5,-1]"#, "is not a UINT64 value"),
            ("identity_int8", #"[1,2,3,4,5,-129]"#, "is not a INT8 value"),
        ]
        for (model, data, expected) in cases {
            let server = try await ServerFixtures.shared()
            let datatype = try await ServerFixtures.withClient(server) { (client) async throws in
                try await client.getJSON("/v2/models/\(model)").1["inputs"]?.arrayValue?.first?["datatype"]?
                    .stringValue ?? "?"
            }
            let body = #"{"inputs":[{"name":"x","shape":[2,3],"datatype":"\#(datatype)","data":\#(data)}]}"#
            let (status, message) = try await send(model, body)
            #expect(status == .badRequest, "\(model): \(message)")
            #expect(message.contains(expected), "\(model): \(message)")
        }
    }

    @Test("BF16 is binary only: JSON input and JSON output are 400")
    func bf16JSON() async throws {
        let (status, message) = try await send(
            "identity_bfloat16", #"{"inputs":[{"name":"x","shape":[2,3],"datatype":"BF16","data":[1,2,3,4,5,6]}]}"#)
        #expect(status == .badRequest)
        #expect(message.contains("binary data"))

        let header = #"{"inputs":[{"name":"x","shape":[2,3],"datatype":"BF16","parameters":{"binary_data_size":12}}]}"#
        let (outputStatus, outputMessage) = try await send(
            "identity_bfloat16", header, headerLength: header.utf8.count, extra: Array(repeating: 0, count: 12))
        #expect(outputStatus == .badRequest)
        #expect(outputMessage.contains("can only be returned as binary data"), "\(outputMessage)")
    }

    @Test("binary data sizes must match the shape and the body")
    func binarySizes() async throws {
        func header(_ size: Int, datatype: String = "INT32") -> String {
            #"{"inputs":[{"name":"x","shape":[2,3],"datatype":"\#(datatype)","parameters":{"binary_data_size":\#(size)}}]}"#
        }
        // 20 bytes for 6 INT32 elements (24 needed).
        var (status, message) = try await send(
            "identity_int32", header(20), headerLength: header(20).utf8.count, extra: Array(repeating: 0, count: 20))
        #expect(status == .badRequest)
        #expect(message.contains("takes 24 bytes"), "\(message)")
        // More binary data in the body than the inputs declare.
        (status, message) = try await send(
            "identity_int32", header(24), headerLength: header(24).utf8.count, extra: Array(repeating: 0, count: 30))
        #expect(status == .badRequest)
        #expect(message.contains("add up to 24"), "\(message)")
        // Less binary data in the body than declared.
        (status, message) = try await send(
            "identity_int32", header(24), headerLength: header(24).utf8.count, extra: Array(repeating: 0, count: 10))
        #expect(status == .badRequest)
        #expect(message.contains("only 10 bytes"), "\(message)")
        // binary_data_size without the header.
        (status, message) = try await send("identity_int32", header(0))
        #expect(status == .badRequest)
        #expect(message.contains("Inference-Header-Content-Length"), "\(message)")
        // Header longer than the body.
        (status, message) = try await send("identity_int32", header(0), headerLength: 10_000)
        #expect(status == .badRequest)
        #expect(message.contains("Inference-Header-Content-Length is 10000"), "\(message)")
        // BOOL bytes other than 0 and 1.
        (status, message) = try await send(
            "identity_bool", header(6, datatype: "BOOL"), headerLength: header(6, datatype: "BOOL").utf8.count,
            extra: [0, 1, 2, 0, 1, 0])
        #expect(status == .badRequest)
        #expect(message.contains("0 or 1"), "\(message)")
    }

    @Test("BYTES binary elements must be complete and counted right")
    func bytesBinaryErrors() async throws {
        func header(_ size: Int) -> String {
            #"{"inputs":[{"name":"x","shape":[2,3],"datatype":"BYTES","parameters":{"binary_data_size":\#(size)}}]}"#
        }
        let five = LittleEndian.strings(["a", "b", "c", "d", "e"])
        var (status, message) = try await send(
            "identity_string", header(five.count), headerLength: header(five.count).utf8.count, extra: five)
        #expect(status == .badRequest)
        #expect(message.contains("holds 5 BYTES elements"), "\(message)")

        let truncated = LittleEndian.strings(["a", "b", "c", "d", "e"]) + [9, 0, 0, 0, 65]
        (status, message) = try await send(
            "identity_string", header(truncated.count), headerLength: header(truncated.count).utf8.count,
            extra: truncated)
        #expect(status == .badRequest)
        #expect(message.contains("says it has 9 bytes"), "\(message)")

        // A length prefix cut short after complete elements, and one more element than the shape holds.
        let short = LittleEndian.strings(["a", "b", "c", "d", "e"]) + [1, 0]
        (status, message) = try await send(
            "identity_string", header(short.count), headerLength: header(short.count).utf8.count, extra: short)
        #expect(status == .badRequest)
        #expect(message.contains("element 5 is truncated"), "\(message)")
        let seven = LittleEndian.strings(["a", "b", "c", "d", "e", "f", "g"])
        (status, message) = try await send(
            "identity_string", header(seven.count), headerLength: header(seven.count).utf8.count, extra: seven)
        #expect(status == .badRequest)
        #expect(message.contains("holds 7 or more BYTES elements"), "\(message)")
    }

    @Test("a bad Inference-Header-Content-Length header is 400")
    func headers() async throws {
        let server = try await ServerFixtures.shared()
        try await ServerFixtures.withClient(server) { (client) async throws in
            var headers = HTTPFields()
            headers[HTTPField.Name("Inference-Header-Content-Length")!] = "abc"
            let response = try await client.post("/v2/models/identity_int32/infer", bytes: [], headers: headers)
            #expect(response.status == .badRequest)
            #expect(response.errorMessage.contains("non-negative integer"))
        }
    }

    @Test("inference on an unknown model or version is 404")
    func unknownModel() async throws {
        let (status, message) = try await send("nope", "{}")
        #expect(status == .notFound)
        #expect(message == "Request for unknown model: 'nope' is not found in the model repository")
        let server = try await ServerFixtures.shared()
        try await ServerFixtures.withClient(server) { (client) async throws in
            let response = try await client.post("/v2/models/mnist/versions/3/infer", bytes: Array("{}".utf8))
            #expect(response.status == .notFound)
            #expect(
                response.errorMessage == "Request for unknown model: 'mnist' version 3 is not found; loaded versions: 1"
            )
        }
    }
}
#endif
