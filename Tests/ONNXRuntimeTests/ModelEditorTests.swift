import Foundation
import Testing

@testable import ONNXRuntime

/// The model editor: graphs built in Swift must behave exactly like the same graphs built with `onnx.helper`
/// (`scripts/generate-test-models.py`, `editor_*` models), whose expected outputs NumPy computed.
@Suite("Model editor")
struct ModelEditorTests {
    /// Runs every case of a reference model's case file against a session built in Swift.
    func expectMatches(_ reference: String, _ session: Session) throws {
        let file = try ModelCaseFile.load(reference)
        let result = ModelCaseRunner().run(file, session: session)
        for problem in result.problems { Issue.record(Comment(rawValue: problem)) }
        #expect(result.casesRun == file.cases.count)
        #expect(result.elementsCompared > 0)
    }

    /// The weights of `editor_matmul_add`, as the generator makes them.
    static let matmulWeights: [Float] = (0..<32).map { (Float($0) - 12) / 4 }
    static let matmulBias: [Float] = (0..<8).map { (Float($0) - 3) / 2 }

    @Test("Add, matching onnx.helper")
    func add() throws {
        let model = Model(opsets: ["": 21]) {
            Input("x", .float32, shape: [2, 3])
            Input("y", .float32, shape: [2, 3])
            Node("Add", inputs: ["x", "y"], outputs: ["z"])
            Output("z", .float32, shape: [2, 3])
        }
        let session = try Session(model: model)
        #expect(session.inputs.map(\.name) == ["x", "y"])
        #expect(session.outputs.map(\.description) == ["z: tensor(float) [2, 3]"])
        try expectMatches("editor_add", session)
    }

    @Test("MatMul + Add with initializers and a symbolic dimension, matching onnx.helper")
    func matmulAdd() throws {
        // Built in a function so the arrays are gone from this scope: the session must keep W's storage alive.
        func makeSession() throws -> Session {
            let weights = Self.matmulWeights
            let bias = Self.matmulBias
            let model = try Model(opsets: ["": 21]) {
                Input("x", .float32, shape: [.symbolic("n"), 4])
                try Initializer("W", weights, shape: [4, 8])  // 128 bytes: read in place
                Initializer("b", try Tensor<Float>(bias, shape: [8]))  // 32 bytes: copied
                Node("MatMul", inputs: ["x", "W"], outputs: ["xw"])
                Node("Add", inputs: ["xw", "b"], outputs: ["y"])
                Output("y", .float32, shape: [.symbolic("n"), 8])
            }
            return try Session(model: model)
        }
        let session = try makeSession()
        #expect(session.inputs[0].type == .tensor(TensorInfo(elementType: .float32, shape: [.symbolic("n"), 4])))
        #expect(session.outputs[0].type == .tensor(TensorInfo(elementType: .float32, shape: [.symbolic("n"), 8])))
        try expectMatches("editor_matmul_add", session)
    }

    @Test("initializer memory handed over without a copy is read in place and kept alive by the session")
    func inPlaceInitializer() throws {
        // 32 floats of 1.0 in memory this test owns; the deallocator records when the memory is given back.
        let freed = Locked(false)
        let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: 128, alignment: 64)
        memory.bindMemory(to: Float.self).initialize(repeating: 1)
        var session: Session? = try {
            let value = try Value(
                bytesNoCopy: memory, elementType: .float32, shape: [4, 8],
                deallocator: .custom({ bytes in
                    bytes.deallocate()
                    freed.withLock { $0 = true }
                }))
            return try Session(
                model: Model(opsets: ["": 21]) {
                    Input("x", .float32, shape: [1, 4])
                    Initializer("W", value)
                    Node("MatMul", inputs: ["x", "W"], outputs: ["y"])
                    Output("y", .float32, shape: [1, 8])
                }, options: SessionOptions(optimization: .disabled))
        }()
        #expect(freed.withLock { $0 } == false)
        let y = try session!.run(["x": try Tensor<Float>([1, 2, 3, 4], shape: [1, 4])]).tensor("y", of: Float.self)
        #expect(y.scalars == Array(repeating: 10, count: 8))  // 1+2+3+4 for every column, by hand
        session = nil
        #expect(freed.withLock { $0 } == true)
    }

    @Test("an in-place initializer is read from the caller's memory, not from a copy")
    func inPlaceInitializerIsNotCopied() throws {
        let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: 128, alignment: 64)
        defer { memory.deallocate() }
        let floats = memory.bindMemory(to: Float.self)
        floats.initialize(repeating: 1)
        // The session (and every value over the memory) is gone before the memory is given back.
        try {
            let value = try Value(bytesNoCopy: memory, elementType: .float32, shape: [32], deallocator: .none)
            let session = try Session(
                model: Model(opsets: ["": 21]) {
                    Input("x", .float32, shape: [32])
                    Initializer("W", value)
                    Node("Add", inputs: ["x", "W"], outputs: ["y"])
                    Output("y", .float32, shape: [32])
                }, options: SessionOptions(optimization: .disabled))
            let x = try Tensor<Float>((0..<32).map { Float($0) })
            let plusOne = (0..<32).map { Float($0) + 1 }
            let plusTwo = (0..<32).map { Float($0) + 2 }
            #expect(try session.run(["x": x]).tensor("y", of: Float.self).scalars == plusOne)
            // Changing the memory changes what the session reads: it was never copied.
            for index in floats.indices { floats[index] = 2 }
            #expect(try session.run(["x": x]).tensor("y", of: Float.self).scalars == plusTwo)
        }()
    }

    @Test("int, float, ints, string, floats and strings attributes over several nodes, matching onnx.helper")
    func attributes() throws {
        let gw: [Float] = (0..<12).map { (Float($0) - 5) / 2 }
        let model = try Model(opsets: ["": 21]) {
            Input("x", .float32, shape: [2, 3])
            try Initializer("gw", gw, shape: [4, 3])
            try Initializer("gc", [1, -2, 0.5, 4] as [Float], shape: [4])
            Node(
                "Gemm", inputs: ["x", "gw", "gc"], outputs: ["g"], attributes: ["alpha": 0.5, "beta": 2.0, "transB": 1])
            Node("Transpose", inputs: ["g"], outputs: ["t"], attributes: ["perm": [1, 0]])
            Node("Cast", inputs: ["t"], outputs: ["ti"], attributes: ["to": .int(Int64(ElementType.int64.rawValue))])
            Node("Einsum", inputs: ["x", "x"], outputs: ["e"], attributes: ["equation": "bi,bj->ij"])
            Node("Constant", inputs: [], outputs: ["cf"], attributes: ["value_floats": [0.25, -1.5]])
            Node("Constant", inputs: [], outputs: ["cs"], attributes: ["value_strings": ["a", "bc"]])
            Output("ti", .int64, shape: [4, 2])
            Output("e", .float32, shape: [3, 3])
            Output("cf", .float32, shape: [2])
            Output("cs", .string, shape: [2])
        }
        try expectMatches("editor_attributes", try Session(model: model))
    }

    @Test("attribute literals choose the ONNX kind")
    func attributeLiterals() {
        let values: [Attribute] = [1, 0.5, "s", [1, 2], [1, 2.5], ["a"], [], ["a", 1]]
        #expect(
            values.map(\.storage) == [
                .int(1), .float(0.5), .string("s"), .ints([1, 2]), .floats([1, 2.5]), .strings(["a"]), .ints([]),
                .mixed,
            ])
    }

    @Test("graphs use if, for and switch")
    func builderControlFlow() throws {
        let layers = 3
        let model = Model(opsets: ["": 21]) {
            Input("v0", .float32, shape: [2])
            for layer in 0..<layers {
                Node("Add", inputs: ["v\(layer)", "v\(layer)"], outputs: ["v\(layer + 1)"])
            }
            if layers > 2 {
                Output("v\(layers)", .float32, shape: [2])
            } else {
                Output("v0", .float32, shape: [2])
            }
        }
        let session = try Session(model: model)
        let out = try session.run(["v0": try Tensor<Float>([1, -0.5])]).tensor("v3", of: Float.self)
        #expect(out.scalars == [8, -4])  // doubled three times, by hand
    }

    // MARK: - Augmenting a loaded model

    /// The graph that adds `w = z * z` as a second output of `editor_augment_base`.
    static let augment = Model(opsets: [:]) {
        Node("Mul", inputs: ["z", "z"], outputs: ["w"])
        Output("z", .float32, shape: [.symbolic("n"), 2])
        Output("w", .float32, shape: [.symbolic("n"), 2])
    }

    @Test("augmenting a model file with a node and an output matches the onnx.helper model")
    func augmentFile() throws {
        let editor = try ModelEditorSession(path: Fixtures.model("editor_augment_base"))
        #expect(try editor.opset(for: "") == 21)
        #expect(editor.outputs.map(\.name) == ["z"])
        try editor.apply(Self.augment)
        let session = try editor.finalize()
        #expect(session.outputs.map(\.name) == ["z", "w"])
        try expectMatches("editor_augmented", session)
        #expect(throws: ORTError.self) { try editor.finalize() }
        #expect(throws: ORTError.self) { try editor.apply(Self.augment) }
    }

    @Test("augmenting model bytes, with an initializer")
    func augmentBytes() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Fixtures.model("editor_augment_base")))
        let editor = try ModelEditorSession(modelData: bytes)
        try editor.apply(
            Model(opsets: [:]) {
                try Initializer("k", Self.matmulWeights.map { _ in Float(0.5) }, shape: [16, 2])  // 128 bytes
                Node("Mul", inputs: ["z", "z"], outputs: ["w"])
                Output("z", .float32, shape: [.symbolic("n"), 2])
                Output("w", .float32, shape: [.symbolic("n"), 2])
            })
        try expectMatches("editor_augmented", try editor.finalize())
    }

    @Test("an edit ORT refuses gives ORT's message and spends the editor", arguments: [false, true])
    func invalidEdit(unknownOperator: Bool) throws {
        let editor = try ModelEditorSession(path: Fixtures.model("editor_augment_base"))
        let error = try #require(throws: ORTError.self) {
            try editor.apply(
                Model(opsets: [:]) {
                    if unknownOperator {
                        Node("NoSuchOperator", inputs: ["z"], outputs: ["w"])
                    } else {
                        Node("Mul", inputs: ["z", "nowhere"], outputs: ["w"])
                    }
                    Output("w", .float32, shape: [.symbolic("n"), 2])
                })
        }
        #expect(error.message.contains(unknownOperator ? "NoSuchOperator" : "'nowhere'"), "\(error)")
        let spent = try #require(throws: ORTError.self) { try editor.finalize() }
        #expect(spent.message.contains("an earlier edit failed"))
        #expect(throws: ORTError.self) { try editor.opset(for: "") }
    }

    @Test("an edit refused by the Swift checks leaves the editor usable")
    func invalidEditCaughtEarly() throws {
        let editor = try ModelEditorSession(path: Fixtures.model("editor_augment_base"))
        #expect(throws: ORTError.self) {
            try editor.apply(Model(opsets: [:]) { Node("", inputs: ["z"], outputs: ["w"]) })
        }
        try expectMatches("editor_augment_base", try editor.finalize())
    }

    @Test("opset of a domain the model does not use")
    func unknownDomain() throws {
        let editor = try ModelEditorSession(path: Fixtures.model("editor_augment_base"))
        #expect(throws: ORTError.self) { try editor.opset(for: "com.example.none") }
    }

    @Test("an editor session from a missing file or empty bytes")
    func editorLoadErrors() throws {
        let missing = try #require(throws: ORTError.self) { try ModelEditorSession(path: "/nonexistent/x.onnx") }
        #expect(missing.code == .modelNotFound)
        let empty = try #require(throws: ORTError.self) { try ModelEditorSession(modelData: Data()) }
        #expect(empty.code == .invalidModel)
        let garbage = try #require(throws: ORTError.self) { try ModelEditorSession(modelData: Data([1, 2, 3, 4])) }
        #expect(garbage.code == .invalidModel)
    }

    // MARK: - Bad input

    /// A valid Add graph with one change.
    static func addModel(
        x: String = "x", z: String = "z", op: String = "Add", inputs: [String] = ["x", "x"],
        extra: [Graph.Component] = []
    ) -> Model {
        Model(opsets: ["": 21]) {
            Input(x, .float32, shape: [2])
            Node(op, inputs: inputs, outputs: ["z"])
            Output(z, .float32, shape: [2])
            extra
        }
    }

    static func expectError(
        _ model: Model, _ code: ORTError.Code?, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do {
            _ = try Session(model: model)
            Issue.record("the model was accepted", sourceLocation: sourceLocation)
        } catch {
            if let code { #expect(error.code == code, "\(error)", sourceLocation: sourceLocation) }
            #expect(error.message.contains(fragment), "\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("an unknown operator fails at session creation with a clear message")
    func unknownOperator() {
        Self.expectError(Self.addModel(op: "NoSuchOperator"), nil, "NoSuchOperator")
    }

    @Test("a node reading a value nothing produces")
    func unproducedInput() {
        Self.expectError(Self.addModel(inputs: ["x", "missing"]), .invalidArgument, "reads 'missing'")
    }

    @Test("a graph output nothing produces")
    func unproducedOutput() {
        Self.expectError(Self.addModel(z: "never"), .invalidArgument, "graph output 'never' is never produced")
    }

    @Test("a name used twice")
    func duplicateNames() throws {
        Self.expectError(
            Self.addModel(extra: [.input(Input("x", .float32, shape: [2]))]), .invalidArgument,
            "graph input 'x' is declared twice")
        Self.expectError(
            Self.addModel(extra: [.output(Output("z", .float32, shape: [2]))]), .invalidArgument,
            "graph output 'z' is declared twice")
        Self.expectError(
            Self.addModel(extra: [.node(Node("Neg", inputs: ["x"], outputs: ["z"]))]), .invalidArgument,
            "writes 'z', which is already")
        Self.expectError(
            Self.addModel(extra: [.node(Node("Neg", inputs: ["x"], outputs: ["x"]))]), .invalidArgument,
            "writes 'x', which is already")
        let w = try Tensor<Float>([1, 2])
        Self.expectError(
            Self.addModel(extra: [.initializer(Initializer("w", w)), .initializer(Initializer("w", w))]),
            .invalidArgument, "initializer 'w' is declared twice")
        Self.expectError(
            Self.addModel(extra: [
                .node(Node("Neg", name: "n", inputs: ["x"], outputs: ["a"])),
                .node(Node("Neg", name: "n", inputs: ["x"], outputs: ["b"])),
            ]), .invalidArgument, "node name 'n' is used by two nodes")
    }

    @Test("an initializer whose shape and data disagree is refused before ONNX Runtime is called")
    func initializerCountMismatch() {
        let error = #expect(throws: ORTError.self) { try Initializer("w", [1, 2, 3] as [Float], shape: [2, 2]) }
        #expect(error?.code == .countMismatch)
        #expect(error?.message.contains("shape [2, 2] holds 4 elements, but 3 were given") == true)
        #expect(throws: ORTError.self) { try Initializer("w", [1] as [Float], shape: [-1]) }
    }

    @Test("empty and NUL-containing names")
    func emptyNames() throws {
        Self.expectError(Self.addModel(x: "", inputs: ["", ""]), .invalidArgument, "a graph input has an empty name")
        Self.expectError(Self.addModel(z: ""), .invalidArgument, "a graph output has an empty name")
        Self.expectError(Self.addModel(op: ""), .invalidArgument, "operator type of node 0 has an empty name")
        Self.expectError(
            Self.addModel(extra: [.initializer(Initializer("", try Tensor<Float>([1])))]), .invalidArgument,
            "an initializer has an empty name")
        Self.expectError(
            Self.addModel(extra: [.node(Node("Neg", inputs: ["x"], outputs: ["a"], attributes: ["": 1]))]),
            .invalidArgument, "an attribute name of node 1 (Neg) has an empty name")
        Self.expectError(Self.addModel(x: "x\u{0}y", inputs: ["x\u{0}y", "x\u{0}y"]), .invalidArgument, "NUL")
        Self.expectError(
            Model(opsets: ["": 21]) {
                Input("x", .float32, shape: [.symbolic("")])
                Node("Neg", inputs: ["x"], outputs: ["y"])
                Output("y", .float32, shape: [.dynamic])
            }, .invalidArgument, "a symbolic dimension of graph input 'x' has an empty name")
        Self.expectError(
            Model(opsets: ["": 21]) {
                Input("x", .float32, shape: [-2])
                Node("Neg", inputs: ["x"], outputs: ["y"])
                Output("y", .float32, shape: [2])
            }, .invalidShape, "negative dimension -2")
    }

    @Test("attributes of the wrong kind or shape")
    func badAttributes() {
        Self.expectError(
            Self.addModel(extra: [.node(Node("Neg", inputs: ["x"], outputs: ["a"], attributes: ["l": ["a", 1]]))]),
            .invalidArgument, "mixes strings and numbers")
        // Gemm's alpha is a float: an int is ORT's to refuse, with an error rather than a crash.
        Self.expectError(
            Model(opsets: ["": 21]) {
                Input("a", .float32, shape: [2, 2])
                Node("Gemm", inputs: ["a", "a"], outputs: ["y"], attributes: ["alpha": 1])
                Output("y", .float32, shape: [2, 2])
            }, nil, "alpha")
    }

    @Test("initializers that cannot be used")
    func badInitializers() throws {
        Self.expectError(
            Self.addModel(extra: [.initializer(Initializer("s", try Tensor<String>(["a"])))]), .invalidArgument,
            "initializer 's' must be a numeric or bool tensor")
    }

    @Test("no opset for the operator's domain")
    func missingOpset() {
        var model = Self.addModel()
        model.opsets = [:]
        Self.expectError(model, nil, "opset")
        model.opsets = ["": 0]
        Self.expectError(model, .invalidArgument, "opset version 0")
    }

    @Test("a runtime older than 1.21 has no model editor")
    func olderRuntime() throws {
        let current = try API.get()
        let old = API(
            table: current.table, version: 20, runtimeVersionCString: current.runtimeVersionCString,
            pathCString: current.pathCString, cpuMemoryInfo: current.cpuMemoryInfo)
        let error = #expect(throws: ORTError.self) { try old.buildModel(Self.addModel(), complete: true) }
        #expect(error?.code == .unsupported)
        #expect(error?.message.contains("1.21") == true)
    }
}
