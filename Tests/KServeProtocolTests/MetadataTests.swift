#if Client || Server
import KServeGRPCProtocol
import KServeProtocol
import Testing

/// Server and model metadata and repository index entries: the JSON the server writes (written out by hand from the
/// KServe V2 document) and what the client reads from it.
@Suite struct MetadataTests {
    @Test func serverMetadata() throws {
        let metadata = ServerMetadata(name: "s", version: "1.0", extensions: ["binary_tensor_data", "statistics"])
        let text = #"{"name":"s","version":"1.0","extensions":["binary_tensor_data","statistics"]}"#
        #expect(metadata.json.jsonText == text)
        #expect(try ServerMetadata(json: try JSONParser.parse(text)) == metadata)
        #expect(
            try ServerMetadata(json: try JSONParser.parse(#"{"name":"t"}"#))
                == .init(name: "t", version: "", extensions: []))
        #expect(throws: JSONDecodingError("server metadata has no 'name'")) { try ServerMetadata(json: .object([:])) }
    }

    @Test func modelMetadata() throws {
        let metadata = ModelMetadata(
            name: "m", versions: ["1", "3"], platform: "onnxruntime_onnx",
            inputs: [TensorMetadata(name: "x", datatype: "FP32", shape: [-1, 3])],
            outputs: [TensorMetadata(name: "y", datatype: "BYTES", shape: [])])
        let text =
            #"{"name":"m","versions":["1","3"],"platform":"onnxruntime_onnx","#
            + #""inputs":[{"name":"x","datatype":"FP32","shape":[-1,3]}],"outputs":[{"name":"y","datatype":"BYTES","shape":[]}]}"#
        #expect(metadata.json.jsonText == text)
        #expect(try ModelMetadata(json: try JSONParser.parse(text)) == metadata)
        #expect(metadata.inputs[0].dataType == .fp32)
        #expect(TensorMetadata(name: "z", datatype: "COMPLEX", shape: []).dataType == nil)
        let bare = try ModelMetadata(json: try JSONParser.parse(#"{"name":"m"}"#))
        #expect(bare.versions == nil && bare.platform == "" && bare.inputs.isEmpty)
        #expect(bare.json.jsonText == #"{"name":"m","platform":"","inputs":[],"outputs":[]}"#)
        #expect(throws: JSONDecodingError("tensor metadata 'x' has a non-integer dim")) {
            try ModelMetadata(
                json: try JSONParser.parse(#"{"name":"m","inputs":[{"name":"x","datatype":"FP32","shape":[1.5]}]}"#))
        }
    }

    @Test func repositoryIndexEntries() throws {
        let ready = RepositoryIndexEntry(name: "m", version: "1", state: .ready)
        #expect(ready.json.jsonText == #"{"name":"m","version":"1","state":"READY","reason":""}"#)
        #expect(RepositoryIndexEntry(name: "n").json.jsonText == #"{"name":"n"}"#)
        let failed = RepositoryIndexEntry(name: "m", state: .unavailable, reason: "no model file")
        #expect(try RepositoryIndexEntry(json: try JSONParser.parse(failed.json.jsonText)) == failed)
        // A state this server never reports is kept as it came, and a string literal compares with a state.
        let other = try RepositoryIndexEntry(json: try JSONParser.parse(#"{"name":"m","state":"UNKNOWN"}"#))
        #expect(other.state == "UNKNOWN" && other.state?.rawValue == "UNKNOWN" && other.reason == "")
        #expect(RepositoryIndexEntry.State.ready == "READY")
        #expect(throws: JSONDecodingError.self) { try RepositoryIndexEntry(json: .array([])) }
    }

    @Test func grpcBothWays() {
        let server = ServerMetadata(name: "s", version: "1.0", extensions: ["statistics"])
        #expect(server.message.name == "s" && server.message.extensions == ["statistics"])
        #expect(ServerMetadata(message: server.message) == server)

        let model = ModelMetadata(
            name: "m", versions: ["2"], platform: "onnxruntime_onnx",
            inputs: [TensorMetadata(name: "x", datatype: "INT64", shape: [-1, 4])], outputs: [])
        #expect(model.message.inputs[0].shape == [-1, 4] && model.message.versions == ["2"])
        #expect(ModelMetadata(message: model.message) == model)
        // gRPC has no absent version list: unknown versions go as an empty one and come back as such.
        let unknown = ModelMetadata(name: "m", versions: nil, platform: "", inputs: [], outputs: [])
        #expect(ModelMetadata(message: unknown.message).versions == [])

        let entries = [
            RepositoryIndexEntry(name: "a", version: "1", state: .ready),
            RepositoryIndexEntry(name: "b", state: .unavailable, reason: "failed"),
            RepositoryIndexEntry(name: "c"),
        ]
        #expect(entries.map(\.message.state) == ["READY", "UNAVAILABLE", ""])
        #expect(entries.map { RepositoryIndexEntry(message: $0.message) } == entries)
    }
}
#endif
