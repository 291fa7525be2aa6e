#if Server && Client
import Foundation
import HTTPTypes
import HummingbirdTesting
import ONNXRuntimeServer
import ONNXRuntimeServing
import Testing

/// Triton's system shared memory extension over REST, through the router: register, status and unregister, inputs
/// read from and outputs written to POSIX shared memory objects the tests create, and every bad offset and size.
/// Expected values are written out by hand.
@Suite("System shared memory (REST)", .serialized)
struct SharedMemoryTests {
    /// A server with the models these tests use, loaded once; tests use region names of their own, so they can run
    /// side by side on it.
    static func server() async throws -> InferenceServer {
        try await SharedMemoryServer.instance.server()
    }

    /// A region name no other test uses.
    static func regionName(_ label: String) -> String { "\(label)-\(UInt32.random(in: 0..<UInt32.max))" }

    static func register(
        _ client: some TestClientProtocol, _ name: String, key: String, offset: Int? = nil, byteSize: Int
    ) async throws -> (HTTPResponse.Status, String) {
        var body = #"{"key":"\#(key)","byte_size":\#(byteSize)"#
        if let offset { body += #","offset":\#(offset)"# }
        body += "}"
        let response = try await client.post(
            "/v2/systemsharedmemory/region/\(name)/register", bytes: Array(body.utf8))
        return (response.status, response.status == .ok ? "" : response.errorMessage)
    }

    static func infer(_ client: some TestClientProtocol, _ model: String, _ body: String) async throws -> (
        HTTPResponse.Status, JSONValue
    ) {
        let response = try await client.post("/v2/models/\(model)/infer", bytes: Array(body.utf8))
        return (response.status, try response.json())
    }

    @Test("register, status of all and of one, unregister one; an unknown region's status is 404")
    func registerStatusUnregister() async throws {
        let server = try await Self.server()
        let object = try SharedMemoryObject(size: 4096 + 64)
        let first = Self.regionName("a")
        let second = Self.regionName("b")
        try await ServerFixtures.withClient(server) { client in
            #expect(try await Self.register(client, first, key: object.key, byteSize: 64) == (.ok, ""))
            // An offset that is not a multiple of the page size is mapped too.
            #expect(try await Self.register(client, second, key: object.key, offset: 4100, byteSize: 60) == (.ok, ""))

            let (status, all) = try await client.getJSON("/v2/systemsharedmemory/status")
            #expect(status == .ok)
            let mine = (all.arrayValue ?? []).filter { [first, second].contains($0["name"]?.stringValue ?? "") }
            #expect(
                Set(mine) == [
                    .object([
                        "name": .string(first), "key": .string(object.key), "offset": .number(.int(0)),
                        "byte_size": .number(.int(64)),
                    ]),
                    .object([
                        "name": .string(second), "key": .string(object.key), "offset": .number(.int(4100)),
                        "byte_size": .number(.int(60)),
                    ]),
                ])

            let (oneStatus, one) = try await client.getJSON("/v2/systemsharedmemory/region/\(second)/status")
            #expect(oneStatus == .ok)
            #expect(one.arrayValue?.count == 1)
            #expect(one.arrayValue?.first?["offset"] == .number(.int(4100)))

            let unregister = try await client.post("/v2/systemsharedmemory/region/\(second)/unregister", bytes: [])
            #expect(unregister.status == .ok)
            let gone = try await client.execute(uri: "/v2/systemsharedmemory/region/\(second)/status", method: .get)
            #expect(gone.status == .notFound)
            #expect(gone.errorMessage == "Unable to find system shared memory region: '\(second)'")
            // Unregistering an unknown region is not an error, as in Triton.
            let again = try await client.post("/v2/systemsharedmemory/region/\(second)/unregister", bytes: [])
            #expect(again.status == .ok)
            _ = try await client.post("/v2/systemsharedmemory/region/\(first)/unregister", bytes: [])
        }
    }

    @Test("unregister without a name forgets every region")
    func unregisterAll() async throws {
        let repository = try TemporaryRepository()
        let server = await ServerFixtures.server(repository)
        let object = try SharedMemoryObject(size: 64)
        try await ServerFixtures.withClient(server) { client in
            for name in ["one", "two", "three"] {
                #expect(try await Self.register(client, name, key: object.key, byteSize: 16) == (.ok, ""))
            }
            #expect(server.engine.sharedMemoryRegionCount == 3)
            #expect(try await client.post("/v2/systemsharedmemory/unregister", bytes: []).status == .ok)
            #expect(server.engine.sharedMemoryRegionCount == 0)
            let (status, all) = try await client.getJSON("/v2/systemsharedmemory/status")
            #expect(status == .ok)
            #expect(all == .array([]))
        }
    }

    @Test("a name registered twice is refused with Triton's text")
    func registerTwice() async throws {
        let server = try await Self.server()
        let object = try SharedMemoryObject(size: 64)
        let name = Self.regionName("twice")
        try await ServerFixtures.withClient(server) { client in
            #expect(try await Self.register(client, name, key: object.key, byteSize: 64) == (.ok, ""))
            let (status, message) = try await Self.register(client, name, key: object.key, byteSize: 32)
            #expect(status == .badRequest)
            #expect(message.hasPrefix("shared memory region '\(name)' already in manager"))
            // The first registration is untouched.
            let (_, one) = try await client.getJSON("/v2/systemsharedmemory/region/\(name)/status")
            #expect(one.arrayValue?.first?["byte_size"] == .number(.int(64)))
            _ = try await client.post("/v2/systemsharedmemory/region/\(name)/unregister", bytes: [])
        }
    }

    @Test("a key that names no shared memory object is 500, as in Triton")
    func registerUnknownKey() async throws {
        let server = try await Self.server()
        try await ServerFixtures.withClient(server) { client in
            let (status, message) = try await Self.register(
                client, Self.regionName("nokey"), key: "/ort-test-no-such-object-\(getpid())", byteSize: 8)
            #expect(status == .internalServerError)
            #expect(message.hasPrefix("Unable to open shared memory region: '/ort-test-no-such-object-"))
        }
    }

    @Test(
        "a range outside the object is refused before anything is mapped",
        arguments: [(0, 65), (64, 1), (60, 8), (Int(Int64.max), 1), (1, Int(Int64.max))])
    func registerPastEnd(offset: Int, byteSize: Int) async throws {
        let server = try await Self.server()
        let object = try SharedMemoryObject(size: 64)
        let name = Self.regionName("past")
        try await ServerFixtures.withClient(server) { client in
            let (status, message) = try await Self.register(
                client, name, key: object.key, offset: offset, byteSize: byteSize)
            #expect(status == .badRequest)
            #expect(message.hasPrefix("failed to register shared memory region '\(name)': invalid args"))
            #expect(message.contains("which has 64 bytes"))
        }
    }

    @Test(
        "malformed register bodies are 400 naming the field",
        arguments: [
            (#"{"offset":0,"byte_size":4}"#, "Shared memory register request has no 'key' field"),
            (#"{"key":"/x","offset":0}"#, "Shared memory register request has no 'byte_size' field"),
            ("", "Shared memory register request has no 'key' field"),
            (#"{"key":5,"byte_size":4}"#, "'key' must be a string"),
            (#"{"key":"/x","byte_size":-4}"#, "'byte_size' must be a non-negative integer, got -4"),
            (#"{"key":"/x","byte_size":4,"offset":-1}"#, "'offset' must be a non-negative integer, got -1"),
            (#"{"key":"/x","byte_size":"4"}"#, "'byte_size' must be a non-negative integer"),
            (#"{"key":"/x","byte_size":4.5}"#, "'byte_size' must be a non-negative integer"),
            (#"{"key":"/x","byte_size":0}"#, "byte_size positive"),
            (#"{"key":"","byte_size":4}"#, "the key must be a non-empty name"),
            (#"{"key":"/a\u0000b","byte_size":4}"#, "without NUL characters"),
            ("[1]", "must be a JSON object"),
            ("{", "not valid JSON"),
        ])
    func registerBadBody(body: String, expected: String) async throws {
        let server = try await Self.server()
        try await ServerFixtures.withClient(server) { client in
            let response = try await client.post(
                "/v2/systemsharedmemory/region/\(Self.regionName("bad"))/register", bytes: Array(body.utf8))
            #expect(response.status == .badRequest)
            #expect(response.errorMessage.contains(expected), "\(response.errorMessage)")
        }
    }

    @Test("register without a region name in the path is 400 with Triton's text")
    func registerWithoutName() async throws {
        let server = try await Self.server()
        try await ServerFixtures.withClient(server) { client in
            let response = try await client.post(
                "/v2/systemsharedmemory/register", bytes: Array(#"{"key":"/x","byte_size":4}"#.utf8))
            #expect(response.status == .badRequest)
            #expect(response.errorMessage == "'region name' is necessary to register system shared memory region")
        }
    }

    @Test("a directory or FIFO in the shared memory folder is refused, without blocking")
    func registerNotAnObject() async throws {
        let server = try await Self.server()
        let name = "ort-test-fifo-\(getpid())-\(UInt32.random(in: 0..<UInt32.max))"
        guard mkfifo("/dev/shm/\(name)", 0o600) == 0 else { return }  // no /dev/shm here: nothing to check
        defer { unlink("/dev/shm/\(name)") }
        try await ServerFixtures.withClient(server) { client in
            let (status, message) = try await Self.register(
                client, Self.regionName("fifo"), key: "/\(name)", byteSize: 4)
            #expect(status == .badRequest)
            #expect(message.contains("is not a shared memory object"))
        }
    }

    // MARK: - Inference

    @Test("INT32 inputs read from a region and the output written to another; the response has no data")
    func inputsAndOutputsInSharedMemory() async throws {
        let server = try await Self.server()
        let inputs = try SharedMemoryObject(size: 48)
        let outputs = try SharedMemoryObject(size: 64)
        inputs.write(LittleEndian.bytes([1, 2, 3, -4, 5, 2_000_000_000] as [Int32]))
        inputs.write(LittleEndian.bytes([10, 20, 30, 40, -50, 60] as [Int32]), at: 24)
        outputs.write([UInt8](repeating: 0xEE, count: 64))
        let input = Self.regionName("in")
        let output = Self.regionName("out")
        try await ServerFixtures.withClient(server) { client in
            #expect(try await Self.register(client, input, key: inputs.key, byteSize: 48) == (.ok, ""))
            #expect(try await Self.register(client, output, key: outputs.key, byteSize: 64) == (.ok, ""))
            let (status, json) = try await Self.infer(
                client, "add_int32",
                #"""
                {"id":"shm-1","inputs":[
                 {"name":"x","datatype":"INT32","shape":[2,3],"parameters":{"shared_memory_region":"\#(input)","shared_memory_byte_size":24}},
                 {"name":"y","datatype":"INT32","shape":[2,3],"parameters":{"shared_memory_region":"\#(input)","shared_memory_offset":24,"shared_memory_byte_size":24}}],
                 "outputs":[{"name":"z","parameters":{"binary_data":false,"shared_memory_region":"\#(output)","shared_memory_offset":8,"shared_memory_byte_size":40}}]}
                """#)
            #expect(status == .ok, "\(json)")
            #expect(json["id"] == .string("shm-1"))
            let z = try #require(json["outputs"]?.arrayValue?.first)
            #expect(z["data"] == nil)
            #expect(z["datatype"] == .string("INT32"))
            #expect(z["shape"] == .array([.number(.int(2)), .number(.int(3))]))
            #expect(
                z["parameters"]
                    == .object([
                        "shared_memory_region": .string(output), "shared_memory_offset": .number(.int(8)),
                        "shared_memory_byte_size": .number(.int(24)),
                    ]))
            // x + y, by hand (2e9 + 60 fits in INT32); the bytes around the output are untouched.
            #expect(
                LittleEndian.values(outputs.read(24, at: 8), as: Int32.self) == [11, 22, 33, 36, -45, 2_000_000_060])
            #expect(outputs.read(8) == [UInt8](repeating: 0xEE, count: 8))
            #expect(outputs.read(32, at: 32) == [UInt8](repeating: 0xEE, count: 32))
            for name in [input, output] {
                _ = try await client.post("/v2/systemsharedmemory/region/\(name)/unregister", bytes: [])
            }
        }
    }

    @Test("one input from shared memory, the other as JSON, the output as JSON")
    func mixedInputs() async throws {
        let server = try await Self.server()
        let object = try SharedMemoryObject(size: 24)
        object.write(LittleEndian.bytes([7, 8, 9, 10, 11, 12] as [Int32]))
        let name = Self.regionName("mixed")
        try await ServerFixtures.withClient(server) { client in
            #expect(try await Self.register(client, name, key: object.key, byteSize: 24) == (.ok, ""))
            let (status, json) = try await Self.infer(
                client, "add_int32",
                #"""
                {"inputs":[
                 {"name":"x","datatype":"INT32","shape":[2,3],"parameters":{"shared_memory_region":"\#(name)","shared_memory_byte_size":24}},
                 {"name":"y","datatype":"INT32","shape":[2,3],"data":[1,1,1,-1,-1,-1]}]}
                """#)
            #expect(status == .ok, "\(json)")
            #expect(
                json["outputs"]?.arrayValue?.first?["data"]
                    == .array([8, 9, 10, 9, 10, 11].map { .number(.int($0)) }))
            _ = try await client.post("/v2/systemsharedmemory/region/\(name)/unregister", bytes: [])
        }
    }

    @Test("BYTES in and out of shared memory: 4-byte little-endian lengths, any bytes, empty elements")
    func bytesInSharedMemory() async throws {
        let server = try await Self.server()
        let strings = ["", "a", "ünï", "with space", "x\ty", "last"]
        let layout: [UInt8] = strings.flatMap { text in [UInt8(text.utf8.count), 0, 0, 0] + Array(text.utf8) }
        let object = try SharedMemoryObject(size: 256)
        object.write(layout)
        let name = Self.regionName("bytes")
        try await ServerFixtures.withClient(server) { client in
            #expect(try await Self.register(client, name, key: object.key, byteSize: 256) == (.ok, ""))
            let (status, json) = try await Self.infer(
                client, "identity_string",
                #"""
                {"inputs":[{"name":"x","datatype":"BYTES","shape":[2,3],"parameters":{"shared_memory_region":"\#(name)","shared_memory_byte_size":\#(layout.count)}}],
                 "outputs":[{"name":"y","parameters":{"shared_memory_region":"\#(name)","shared_memory_offset":128,"shared_memory_byte_size":128}}]}
                """#)
            #expect(status == .ok, "\(json)")
            let y = try #require(json["outputs"]?.arrayValue?.first)
            #expect(y["parameters"]?["shared_memory_byte_size"] == .number(.int(Int64(layout.count))))
            #expect(object.read(layout.count, at: 128) == layout)
            _ = try await client.post("/v2/systemsharedmemory/region/\(name)/unregister", bytes: [])
        }
    }

    @Test("an FP32 input at an unaligned offset is copied, and read exactly")
    func unalignedInput() async throws {
        let server = try await Self.server()
        let values: [Float] = [0.5, -1.25, 3e-5, 1e30, -2, 7]
        let object = try SharedMemoryObject(size: 32)
        object.write(LittleEndian.floats(values), at: 3)
        let name = Self.regionName("unaligned")
        try await ServerFixtures.withClient(server) { client in
            #expect(try await Self.register(client, name, key: object.key, byteSize: 32) == (.ok, ""))
            let (status, json) = try await Self.infer(
                client, "identity_float32",
                #"""
                {"inputs":[{"name":"x","datatype":"FP32","shape":[2,3],"parameters":{"shared_memory_region":"\#(name)","shared_memory_offset":3,"shared_memory_byte_size":24}}]}
                """#)
            #expect(status == .ok, "\(json)")
            let data = try #require(json["outputs"]?.arrayValue?.first?["data"]?.arrayValue)
            #expect(data.compactMap { $0.doubleValue.map(Float.init) } == values)
            _ = try await client.post("/v2/systemsharedmemory/region/\(name)/unregister", bytes: [])
        }
    }

    /// Requests with bad shared memory parameters, against a 64-byte region named `R` (an `INT32 [2,3]` input takes
    /// 24 bytes): the status and the start of the message.
    static let hostileRequests: [(String, String, HTTPResponse.Status, String)] = [
        (
            "offset past the end",
            #""shared_memory_region":"R","shared_memory_offset":64,"shared_memory_byte_size":24"#,
            .badRequest, "Invalid offset for shared memory region: 'R'"
        ),
        (
            "size past the end", #""shared_memory_region":"R","shared_memory_offset":48,"shared_memory_byte_size":24"#,
            .badRequest, "Invalid offset + byte size for shared memory region: 'R'"
        ),
        (
            "offset plus size overflows",
            #""shared_memory_region":"R","shared_memory_offset":8,"shared_memory_byte_size":9223372036854775807"#,
            .badRequest, "Invalid offset + byte size for shared memory region: 'R'"
        ),
        (
            "negative offset", #""shared_memory_region":"R","shared_memory_offset":-8,"shared_memory_byte_size":24"#,
            .badRequest, "Unable to parse 'shared_memory_offset' of input 'x'"
        ),
        (
            "negative size", #""shared_memory_region":"R","shared_memory_byte_size":-24"#,
            .badRequest, "Unable to parse 'shared_memory_byte_size' of input 'x'"
        ),
        (
            "size smaller than the shape", #""shared_memory_region":"R","shared_memory_byte_size":20"#,
            .badRequest, "input byte size mismatch for input 'x': shape [2, 3] of INT32 takes 24 bytes"
        ),
        (
            "size larger than the shape", #""shared_memory_region":"R","shared_memory_byte_size":28"#,
            .badRequest, "input byte size mismatch for input 'x'"
        ),
        (
            "unregistered region", #""shared_memory_region":"nowhere","shared_memory_byte_size":24"#,
            .notFound, "Unable to find shared memory region: 'nowhere'"
        ),
        (
            "size without region", #""shared_memory_byte_size":24"#,
            .badRequest, "'shared_memory_byte_size' can not be specified without 'shared_memory_region'"
        ),
        (
            "region without size", #""shared_memory_region":"R""#,
            .badRequest, "input 'x' has 'shared_memory_region' but no 'shared_memory_byte_size'"
        ),
        (
            "region not a string", #""shared_memory_region":7,"shared_memory_byte_size":24"#,
            .badRequest, "Unable to parse 'shared_memory_region' of input 'x'"
        ),
        (
            "data and region", #""shared_memory_region":"R","shared_memory_byte_size":24},"data":[1,2,3,4,5,6],"p":{"#,
            .badRequest, "Input must set only one of the following fields"
        ),
    ]

    @Test("bad shared memory parameters of an input are refused before any byte is read", arguments: hostileRequests)
    func hostileInput(label: String, parameters: String, status: HTTPResponse.Status, expected: String) async throws {
        let server = try await Self.server()
        let object = try SharedMemoryObject(size: 64)
        let name = Self.regionName("hostile")
        try await ServerFixtures.withClient(server) { client in
            #expect(try await Self.register(client, name, key: object.key, byteSize: 64) == (.ok, ""))
            let body = #"""
                {"inputs":[{"name":"x","datatype":"INT32","shape":[2,3],"parameters":{\#(parameters)}},
                           {"name":"y","datatype":"INT32","shape":[2,3],"data":[1,2,3,4,5,6]}]}
                """#.replacingOccurrences(of: "\"R\"", with: "\"\(name)\"")
            let (replyStatus, json) = try await Self.infer(client, "add_int32", body)
            #expect(replyStatus == status, "\(label): \(json)")
            let message = json["error"]?.stringValue ?? ""
            #expect(
                message.hasPrefix(expected.replacingOccurrences(of: "'R'", with: "'\(name)'")), "\(label): \(message)")
            _ = try await client.post("/v2/systemsharedmemory/region/\(name)/unregister", bytes: [])
        }
    }

    /// Outputs with bad shared memory parameters, against a 64-byte region named `R` (the output takes 24 bytes).
    static let hostileOutputs: [(String, String, HTTPResponse.Status, String)] = [
        (
            "too small for the output", #""shared_memory_region":"R","shared_memory_byte_size":20"#, .badRequest,
            "shared memory size specified with the request for output 'z' (20 bytes) should be at least 24 bytes"
        ),
        (
            "past the end", #""shared_memory_region":"R","shared_memory_offset":48,"shared_memory_byte_size":24"#,
            .badRequest, "Invalid offset + byte size for shared memory region: 'R'"
        ),
        (
            "with binary_data", #""shared_memory_region":"R","shared_memory_byte_size":24,"binary_data":true"#,
            .badRequest, "Output can't set both 'shared_memory_region' and 'binary_data'"
        ),
        (
            "with classification", #""shared_memory_region":"R","shared_memory_byte_size":24,"classification":2"#,
            .badRequest, "Output can't set both 'shared_memory_region' and 'classification'"
        ),
        (
            "unregistered region", #""shared_memory_region":"nowhere","shared_memory_byte_size":24"#,
            .notFound, "Unable to find shared memory region: 'nowhere'"
        ),
        (
            "offset without region", #""shared_memory_offset":8"#,
            .badRequest, "'shared_memory_offset' can not be specified without 'shared_memory_region'"
        ),
    ]

    @Test("bad shared memory parameters of an output are refused, naming the sizes", arguments: hostileOutputs)
    func hostileOutput(label: String, parameters: String, status: HTTPResponse.Status, expected: String) async throws {
        let server = try await Self.server()
        let object = try SharedMemoryObject(size: 64)
        object.write([UInt8](repeating: 0xAB, count: 64))
        let name = Self.regionName("hostile-out")
        try await ServerFixtures.withClient(server) { client in
            #expect(try await Self.register(client, name, key: object.key, byteSize: 64) == (.ok, ""))
            let body = #"""
                {"inputs":[{"name":"x","datatype":"INT32","shape":[2,3],"data":[1,2,3,4,5,6]},
                           {"name":"y","datatype":"INT32","shape":[2,3],"data":[1,2,3,4,5,6]}],
                 "outputs":[{"name":"z","parameters":{\#(parameters)}}]}
                """#.replacingOccurrences(of: "\"R\"", with: "\"\(name)\"")
            let (replyStatus, json) = try await Self.infer(client, "add_int32", body)
            #expect(replyStatus == status, "\(label): \(json)")
            let message = json["error"]?.stringValue ?? ""
            #expect(
                message.hasPrefix(expected.replacingOccurrences(of: "'R'", with: "'\(name)'")), "\(label): \(message)")
            // Nothing was written.
            #expect(object.read(64) == [UInt8](repeating: 0xAB, count: 64), "\(label)")
            _ = try await client.post("/v2/systemsharedmemory/region/\(name)/unregister", bytes: [])
        }
    }

    @Test("a BYTES input whose lengths run past its byte size is refused")
    func hostileBytesInput() async throws {
        let server = try await Self.server()
        let object = try SharedMemoryObject(size: 64)
        // Six elements of one byte each would take 30 bytes; the second length says 200.
        object.write([1, 0, 0, 0, 65, 200, 0, 0, 0, 66])
        let name = Self.regionName("hostile-bytes")
        try await ServerFixtures.withClient(server) { client in
            #expect(try await Self.register(client, name, key: object.key, byteSize: 64) == (.ok, ""))
            let (status, json) = try await Self.infer(
                client, "identity_string",
                #"{"inputs":[{"name":"x","datatype":"BYTES","shape":[2,3],"parameters":{"shared_memory_region":"\#(name)","shared_memory_byte_size":30}}]}"#
            )
            #expect(status == .badRequest)
            #expect(json["error"]?.stringValue?.contains("BYTES element 1 says it has 200 bytes") == true, "\(json)")
            _ = try await client.post("/v2/systemsharedmemory/region/\(name)/unregister", bytes: [])
        }
    }

    @Test("a BOOL input from shared memory must hold 0 or 1 in each byte")
    func hostileBoolInput() async throws {
        let server = try await Self.server()
        let object = try SharedMemoryObject(size: 8)
        object.write([1, 0, 1, 2, 0, 0])
        let name = Self.regionName("hostile-bool")
        try await ServerFixtures.withClient(server) { client in
            #expect(try await Self.register(client, name, key: object.key, byteSize: 8) == (.ok, ""))
            let (status, json) = try await Self.infer(
                client, "identity_bool",
                #"{"inputs":[{"name":"x","datatype":"BOOL","shape":[2,3],"parameters":{"shared_memory_region":"\#(name)","shared_memory_byte_size":6}}]}"#
            )
            #expect(status == .badRequest)
            #expect(json["error"]?.stringValue?.contains("BOOL element 3 is 2") == true, "\(json)")
            _ = try await client.post("/v2/systemsharedmemory/region/\(name)/unregister", bytes: [])
        }
    }

    @Test("CUDA shared memory: status lists nothing, register is refused, unregister has nothing to do")
    func cuda() async throws {
        let server = try await Self.server()
        try await ServerFixtures.withClient(server) { client in
            let (status, all) = try await client.getJSON("/v2/cudasharedmemory/status")
            #expect(status == .ok)
            #expect(all == .array([]))
            let named = try await client.execute(uri: "/v2/cudasharedmemory/region/gpu/status", method: .get)
            #expect(named.status == .notFound)
            #expect(named.errorMessage == "Unable to find cuda shared memory region: 'gpu'")
            let register = try await client.post(
                "/v2/cudasharedmemory/region/gpu/register",
                bytes: Array(#"{"raw_handle":{"b64":"AAAA"},"device_id":0,"byte_size":4}"#.utf8))
            #expect(register.status == .badRequest)
            #expect(
                register.errorMessage.hasPrefix(
                    "failed to register CUDA shared memory region: 'gpu', GPUs not supported"))
            #expect(try await client.post("/v2/cudasharedmemory/unregister", bytes: []).status == .ok)
            #expect(try await client.post("/v2/cudasharedmemory/region/gpu/unregister", bytes: []).status == .ok)
        }
    }

    @Test("turned off: every endpoint and shared memory parameter is 403, and the metadata does not list it")
    func disabled() async throws {
        let repository = try TemporaryRepository()
        try repository.add("add_int32", file: ServerFixtures.model("add_int32"))
        var configuration = ServerConfiguration(
            port: 0, serving: ServingConfiguration(repositories: [repository.path]))
        configuration.serving.sharedMemoryEnabled = false
        let server = InferenceServer(configuration: configuration, logger: ServerFixtures.logger)
        await server.engine.start()
        let object = try SharedMemoryObject(size: 64)
        try await ServerFixtures.withClient(server) { client in
            let (_, metadata) = try await client.getJSON("/v2")
            #expect(metadata["extensions"]?.arrayValue?.contains(.string("system_shared_memory")) == false)
            let register = try await client.post(
                "/v2/systemsharedmemory/region/r/register",
                bytes: Array(#"{"key":"\#(object.key)","byte_size":8}"#.utf8))
            #expect(register.status == .forbidden)
            #expect(register.errorMessage.contains("--disable-shared-memory"))
            #expect(try await client.execute(uri: "/v2/systemsharedmemory/status", method: .get).status == .forbidden)
            #expect(try await client.post("/v2/systemsharedmemory/unregister", bytes: []).status == .forbidden)
            #expect(try await client.execute(uri: "/v2/cudasharedmemory/status", method: .get).status == .forbidden)
            let (status, json) = try await Self.infer(
                client, "add_int32",
                #"{"inputs":[{"name":"x","datatype":"INT32","shape":[2,3],"parameters":{"shared_memory_region":"r","shared_memory_byte_size":24}},{"name":"y","datatype":"INT32","shape":[2,3],"data":[1,2,3,4,5,6]}]}"#
            )
            #expect(status == .forbidden)
            #expect(json["error"]?.stringValue?.contains("system shared memory is disabled") == true)
        }
        let (_, enabledMetadata) = try await ServerFixtures.withClient(try await Self.server()) { client in
            try await client.getJSON("/v2")
        }
        #expect(enabledMetadata["extensions"]?.arrayValue?.contains(.string("system_shared_memory")) == true)
    }

    @Test("requests of a dynamic batching model, each with its own regions, get their own rows")
    func dynamicBatching() async throws {
        let server = try await Self.server()
        // Two requests of one row each; preferred_batch_size 2 runs them together.
        let rows: [[Float]] = [[1, 2, 3], [0.5, -1, 2]]
        // y = x @ [[1,-2],[3,0],[-1,4]] + [0.5,-0.25] and s = row sums, by hand.
        let expectedY: [[Float]] = [[4.5, 9.75], [-4, 6.75]]
        let expectedS: [Float] = [6, 1.5]
        let objects = try rows.map { row in
            let object = try SharedMemoryObject(size: 64)
            object.write(LittleEndian.floats(row))
            return object
        }
        let names = rows.indices.map { Self.regionName("batch\($0)") }
        try await ServerFixtures.withClient(server) { client in
            for (name, object) in zip(names, objects) {
                #expect(try await Self.register(client, name, key: object.key, byteSize: 64) == (.ok, ""))
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for name in names {
                    group.addTask {
                        let (status, json) = try await Self.infer(
                            client, "affine_batched",
                            #"""
                            {"inputs":[{"name":"x","datatype":"FP32","shape":[1,3],"parameters":{"shared_memory_region":"\#(name)","shared_memory_byte_size":12}}],
                             "outputs":[{"name":"y","parameters":{"shared_memory_region":"\#(name)","shared_memory_offset":16,"shared_memory_byte_size":8}},
                                        {"name":"s","parameters":{"shared_memory_region":"\#(name)","shared_memory_offset":32,"shared_memory_byte_size":4}}]}
                            """#)
                        #expect(status == .ok, "\(json)")
                    }
                }
                try await group.waitForAll()
            }
            for (index, object) in objects.enumerated() {
                #expect(
                    LittleEndian.values(object.read(8, at: 16), as: UInt32.self).map(Float.init(bitPattern:))
                        == expectedY[index])
                #expect(
                    Float(bitPattern: LittleEndian.values(object.read(4, at: 32), as: UInt32.self)[0])
                        == expectedS[index])
            }
            let statistics = try #require(try server.engine.statistics(model: "affine_batched", version: 1).first)
            #expect(statistics.batches.contains { $0.batchSize == 2 })
            for name in names {
                _ = try await client.post("/v2/systemsharedmemory/region/\(name)/unregister", bytes: [])
            }
        }
    }

    @Test("a region unregistered while a request waits in the queue stays mapped until the request is done")
    func unregisterWhileInFlight() async throws {
        let server = try await Self.server()
        let object = try SharedMemoryObject(size: 64)
        object.write(LittleEndian.floats([1, 2, 3]))
        let name = Self.regionName("inflight")
        try await ServerFixtures.withClient(server) { client in
            #expect(try await Self.register(client, name, key: object.key, byteSize: 64) == (.ok, ""))
            // One row alone waits max_queue_delay (1 s) for a second one that never comes.
            async let reply = Self.infer(
                client, "affine_batched",
                #"""
                {"inputs":[{"name":"x","datatype":"FP32","shape":[1,3],"parameters":{"shared_memory_region":"\#(name)","shared_memory_byte_size":12}}],
                 "outputs":[{"name":"y","parameters":{"shared_memory_region":"\#(name)","shared_memory_offset":16,"shared_memory_byte_size":8}}]}
                """#)
            // Wait until the request holds the region and waits in the queue, however slow the machine is.
            let deadline = ContinuousClock.now + .seconds(20)
            func pending() -> Double? {
                PrometheusText(String(decoding: server.metrics.exposition(), as: UTF8.self)).model(
                    "nv_inference_pending_request_count", "affine_batched")
            }
            while pending() != 1, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
            #expect(pending() == 1)
            let unregister = try await client.post("/v2/systemsharedmemory/region/\(name)/unregister", bytes: [])
            #expect(unregister.status == .ok)
            let (status, _) = try await client.getJSON("/v2/systemsharedmemory/region/\(name)/status")
            #expect(status == .notFound)
            let (inferStatus, json) = try await reply
            #expect(inferStatus == .ok, "\(json)")
            #expect(
                LittleEndian.values(object.read(8, at: 16), as: UInt32.self).map(Float.init(bitPattern:)) == [
                    4.5, 9.75,
                ])
            // Once unregistered, the region is unknown to new requests.
            let (after, afterJSON) = try await Self.infer(
                client, "affine_batched",
                #"{"inputs":[{"name":"x","datatype":"FP32","shape":[1,3],"parameters":{"shared_memory_region":"\#(name)","shared_memory_byte_size":12}}]}"#
            )
            #expect(after == .notFound)
            #expect(afterJSON["error"] == .string("Unable to find shared memory region: '\(name)'"))
        }
    }
}

/// Loads the shared memory tests' server once.
actor SharedMemoryServer {
    static let instance = SharedMemoryServer()
    private var task: Task<InferenceServer, any Error>?
    private var repository: TemporaryRepository?

    func server() async throws -> InferenceServer {
        if let task { return try await task.value }
        let repository = try TemporaryRepository()
        self.repository = repository
        let task = Task {
            for name in ["add_int32", "identity_string", "identity_float32", "identity_bool"] {
                try repository.add(name, file: ServerFixtures.model(name))
            }
            try repository.add(
                "affine_batched", file: ServerFixtures.model("batch_affine"),
                config: "max_batch_size: 8\ndynamic_batching { preferred_batch_size: [2] "
                    + "max_queue_delay_microseconds: 1000000 }\n")
            return await ServerFixtures.server(repository)
        }
        self.task = task
        return try await task.value
    }
}
#endif
