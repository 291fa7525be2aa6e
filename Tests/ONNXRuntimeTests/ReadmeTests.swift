import Foundation
import ONNXRuntime
import Testing

/// Keeps the README's example true: the same code is compiled and run here, and the README must contain it.
@Suite struct ReadmeTests {
    /// The README example, verbatim between the markers (paths are relative to the package root).
    func readmeExample() throws -> (shape: [Int], scalars: [Float], maximum: Float) {
        // README-BEGIN
        let session = try Session(path: "Tests/Models/add_f32.onnx", options: SessionOptions(intraOpThreads: 1))
        for input in session.inputs { print(input) }  // A: tensor(float) [N, 3]

        let a = try Tensor<Float>([1, 2, 3, 4, 5, 6], shape: [2, 3])  // copies the array
        let b = try Tensor<Float>(borrowing: [10, 20, 30, 40, 50, 60], shape: [2, 3])  // shares the array, no copy
        let outputs = try session.run(["A": a, "B": b])
        let c = try outputs.tensor("C", of: Float.self)
        print(c.shape, c.scalars)  // [2, 3] [11.0, 22.0, 33.0, 44.0, 55.0, 66.0]
        c.withUnsafeBufferPointer { print($0.max()!) }  // 66.0, read in place
        // README-END
        return (c.shape, c.scalars, c.withUnsafeBufferPointer { $0.max()! })
    }

    @Test func exampleRunsAndPrintsWhatItSays() throws {
        let previous = FileManager.default.currentDirectoryPath
        #expect(FileManager.default.changeCurrentDirectoryPath(Fixtures.root.path))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        let result = try readmeExample()
        #expect(result.shape == [2, 3])
        #expect(result.scalars == [11, 22, 33, 44, 55, 66])
        #expect(result.maximum == 66)
    }

    @Test func readmeShowsExactlyThisExample() throws {
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
        let readme = try String(contentsOf: Fixtures.root.appendingPathComponent("README.md"), encoding: .utf8)
        let begin = try #require(source.range(of: "// README-BEGIN\n"))
        let end = try #require(source.range(of: "        // README-END"))
        let example = source[begin.upperBound..<end.lowerBound]
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.count >= 8 ? String($0.dropFirst(8)) : String($0) }
            .joined(separator: "\n")
        let block = "```swift\nimport ONNXRuntime\n\n\(example)```"
        #expect(readme.contains(block))
    }

    @Test func changelogNamesThisVersionAsTheLatestRelease() throws {
        let changelog = try String(
            contentsOf: Fixtures.root.appendingPathComponent("CHANGELOG.md"), encoding: .utf8)
        let firstRelease = changelog.split(separator: "\n").first { $0.hasPrefix("## ") }
        #expect(firstRelease?.hasPrefix("## \(PackageVersion.string) ") == true, "\(firstRelease ?? "none")")
    }

    @Test func readmeNamesTheLicence() throws {
        let readme = try String(contentsOf: Fixtures.root.appendingPathComponent("README.md"), encoding: .utf8)
        let licence = try String(contentsOf: Fixtures.root.appendingPathComponent("LICENSE"), encoding: .utf8)
        #expect(licence.contains("Apache License\n                           Version 2.0, January 2004"))
        #expect(readme.contains("Apache License 2.0"))
    }
}
