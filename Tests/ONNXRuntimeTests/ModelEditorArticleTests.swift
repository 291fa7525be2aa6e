import Foundation
import ONNXRuntime
import Testing

/// Keeps the samples of the "Building and editing models in Swift" article true: they are compiled and run here, and
/// the article must contain them verbatim.
@Suite struct ModelEditorArticleTests {
    static let article = "Sources/ONNXRuntime/Docs.docc/BuildingModels.md"

    func buildSample() throws -> (shape: [Int], scalars: [Float]) {
        // ARTICLE-BEGIN build
        let weights: [Float] = (0..<32).map { Float($0) / 8 }
        let model = try Model(opsets: ["": 21]) {
            Input("x", .float32, shape: [.symbolic("batch"), 4])
            try Initializer("W", weights, shape: [4, 8])  // 128 bytes: read in place, no copy
            Initializer("b", try Tensor<Float>(repeating: 0.5, shape: [8]))  // small: copied into the model
            Node("MatMul", inputs: ["x", "W"], outputs: ["xw"])
            Node("Add", inputs: ["xw", "b"], outputs: ["sum"])
            Node("Transpose", inputs: ["sum"], outputs: ["y"], attributes: ["perm": [1, 0]])
            Output("y", .float32, shape: [8, .symbolic("batch")])
        }
        let session = try Session(model: model)
        let x = try Tensor<Float>([1, 0, 0, 0], shape: [1, 4])
        let y = try session.run(["x": x]).tensor("y", of: Float.self)
        print(y.shape, y.scalars)  // [8, 1] [0.5, 0.625, 0.75, 0.875, 1.0, 1.125, 1.25, 1.375]
        // ARTICLE-END
        return (y.shape, y.scalars)
    }

    func augmentSample() throws -> [Float] {
        // ARTICLE-BEGIN augment
        let editor = try ModelEditorSession(path: "Tests/Models/editor_augment_base.onnx")  // z = x + y
        print(try editor.opset(for: ""))  // 21
        try editor.apply(
            Model(opsets: [:]) {
                Node("Mul", inputs: ["z", "z"], outputs: ["w"])
                Output("z", .float32, shape: [.symbolic("n"), 2])  // the whole list of outputs, old and new
                Output("w", .float32, shape: [.symbolic("n"), 2])
            })
        let augmented = try editor.finalize()
        let feeds = ["x": try Tensor<Float>([1, 2], shape: [1, 2]), "y": try Tensor<Float>([3, 4], shape: [1, 2])]
        print(try augmented.run(feeds).tensor("w", of: Float.self).scalars)  // [16.0, 36.0]
        // ARTICLE-END
        return try augmented.run(feeds).tensor("w", of: Float.self).scalars
    }

    @Test func samplesPrintWhatTheySay() throws {
        let previous = FileManager.default.currentDirectoryPath
        #expect(FileManager.default.changeCurrentDirectoryPath(Fixtures.root.path))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        let built = try buildSample()
        // Row 0 of W (k/8 for k in 0..<8) plus 0.5, transposed: worked out by hand.
        #expect(built.shape == [8, 1])
        #expect(built.scalars == [0.5, 0.625, 0.75, 0.875, 1.0, 1.125, 1.25, 1.375])
        #expect(try augmentSample() == [16, 36])  // (1+3)^2, (2+4)^2
    }

    @Test(arguments: ["build", "augment"])
    func articleShowsExactlyThisSample(_ name: String) throws {
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
        let article = try String(contentsOf: Fixtures.root.appendingPathComponent(Self.article), encoding: .utf8)
        let begin = try #require(source.range(of: "// ARTICLE-BEGIN \(name)\n"))
        let end = try #require(source.range(of: "        // ARTICLE-END", range: begin.upperBound..<source.endIndex))
        let sample = source[begin.upperBound..<end.lowerBound]
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.count >= 8 ? String($0.dropFirst(8)) : String($0) }
            .joined(separator: "\n")
        #expect(article.contains("```swift\n" + sample + "```"), "the article's \(name) sample differs from the test")
    }
}
