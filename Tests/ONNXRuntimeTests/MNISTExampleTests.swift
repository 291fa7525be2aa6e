import Foundation
import ONNXRuntime
import Testing

/// The MNIST example: its committed model run through the library on the committed 200-digit sample and compared
/// with what NumPy computed for the same digits (Examples/MNIST/sample/expected.json, written by train.py), and the
/// built `MNIST` executable run as a user would run it.
@Suite struct MNISTExampleTests {
    static let folder = Fixtures.root.appendingPathComponent("Examples/MNIST")
    static let modelPath = folder.appendingPathComponent("mnist-mlp.onnx").path
    static let sample = folder.appendingPathComponent("sample")

    /// NumPy's float64 forward pass of the model's weights on the sample.
    struct Expected: Decodable {
        let count: Int
        let correct: Int
        let labels: [Int]
        let predictions: [Int]
        let logits: [[Double]]
    }

    static func expected() throws -> Expected {
        let data = try Data(contentsOf: sample.appendingPathComponent("expected.json"))
        return try JSONDecoder().decode(Expected.self, from: data)
    }

    /// A plain IDX file of unsigned bytes: its dimensions and elements (read here independently of the example).
    static func readIDX(_ name: String, rank: Int) throws -> (dimensions: [Int], bytes: [UInt8]) {
        let bytes = [UInt8](try Data(contentsOf: sample.appendingPathComponent(name)))
        try #require(bytes.count >= 4 + 4 * rank)
        #expect(Array(bytes[0..<4]) == [0, 0, 0x08, UInt8(rank)], "magic number of \(name)")
        let dimensions = (0..<rank).map { axis in
            bytes[(4 + 4 * axis)..<(8 + 4 * axis)].reduce(0) { $0 << 8 | Int($1) }
        }
        let body = Array(bytes[(4 + 4 * rank)...])
        try #require(body.count == dimensions.reduce(1, *), "size of \(name)")
        return (dimensions, body)
    }

    static var executable: String {
        Fixtures.productsDirectory.appendingPathComponent("MNIST").path
    }

    @Test func modelDeclaresItsInputsOutputsAndMetadata() throws {
        let session = try Session(path: Self.modelPath, options: SessionOptions(intraOpThreads: 1))
        #expect(session.inputs.map(\.description) == ["input: tensor(float) [N, 1, 28, 28]"])
        #expect(session.outputs.map(\.name) == ["logits", "probabilities"])
        for output in session.outputs {
            #expect(output.type.tensorInfo?.shape == [.symbolic("N"), .fixed(10)])
        }
        #expect(session.metadata.producerName == "swift-onnxruntime MNIST example")
        #expect(session.metadata.description.contains("Test accuracy"))
        let recorded = try #require(session.metadata.custom["test_accuracy"].flatMap(Double.init))
        #expect(recorded >= 0.98)
    }

    /// Every digit of the sample, in runs of 1, 64 (the last one partial) and all 200 at once: the same labels as
    /// NumPy and the same logits within 1e-4 (relative to the logit's size, for logits larger than 1).
    @Test(arguments: [200, 64, 1])
    func sampleMatchesNumPy(batch: Int) throws {
        let expected = try Self.expected()
        let images = try Self.readIDX("t10k-images.idx3-ubyte", rank: 3)
        let labels = try Self.readIDX("t10k-labels.idx1-ubyte", rank: 1)
        #expect(images.dimensions == [200, 28, 28])
        #expect(labels.dimensions == [200])
        #expect(expected.count == 200)
        #expect(labels.bytes.map(Int.init) == expected.labels)
        try #require(expected.logits.count == 200 && expected.logits.allSatisfy { $0.count == 10 })

        let session = try Session(path: Self.modelPath, options: SessionOptions(intraOpThreads: 1))
        var predictions: [Int] = []
        var logits: [Float] = []
        for start in stride(from: 0, to: 200, by: batch) {
            let count = min(batch, 200 - start)
            let input = try Tensor<Float>(shape: [count, 1, 28, 28]) { buffer in
                for offset in 0..<(count * 784) { buffer[offset] = Float(images.bytes[start * 784 + offset]) / 255 }
            }
            let outputs = try session.run(["input": input])
            let batchLogits = try outputs.tensor("logits", of: Float.self)
            let probabilities = try outputs.tensor("probabilities", of: Float.self)
            #expect(batchLogits.shape == [count, 10])
            #expect(probabilities.shape == [count, 10])
            let scores = batchLogits.scalars
            let chances = probabilities.scalars
            for digit in 0..<count {
                let row = Array(scores[(digit * 10)..<(digit * 10 + 10)])
                let predicted = row.indices.max { row[$0] < row[$1] }!
                predictions.append(predicted)
                let chance = Array(chances[(digit * 10)..<(digit * 10 + 10)])
                #expect(abs(chance.reduce(0, +) - 1) < 1e-5)
                #expect(chance.indices.max { chance[$0] < chance[$1] }! == predicted)
            }
            logits += scores
        }

        try #require(predictions.count == 200)
        let different = (0..<200).filter { predictions[$0] != expected.predictions[$0] }
            .map { "digit \($0): \(predictions[$0]), NumPy \(expected.predictions[$0])" }
        #expect(different.isEmpty, "predictions differ from NumPy's: \(different.joined(separator: "; "))")
        var largestDifference = 0.0
        for digit in 0..<200 {
            for label in 0..<10 {
                let want = expected.logits[digit][label]
                let difference = abs(Double(logits[digit * 10 + label]) - want)
                largestDifference = max(largestDifference, difference / max(1, abs(want)))
                #expect(
                    difference <= 1e-4 * max(1, abs(want)),
                    "digit \(digit), logit \(label): \(logits[digit * 10 + label]) vs NumPy \(want)")
            }
        }
        #expect(largestDifference <= 1e-4)

        let correct = zip(predictions, expected.labels).filter { $0 == $1 }.count
        #expect(correct == expected.correct)
        #expect(Double(correct) / 200 >= 0.98)
    }

    @Test func exampleClassifiesTestDigitZero() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable), "swift test builds MNIST")
        let label = try Self.readIDX("t10k-labels.idx1-ubyte", rank: 1).bytes[0]
        #expect(label == 7)
        let result = try Fixtures.run(Self.executable, ["--index", "0"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        let prediction = try #require(lines.first { $0.hasPrefix("prediction: ") })
        #expect(prediction.dropFirst("prediction: ".count).first == Character("\(label)"))
        #expect(lines.contains { $0.hasPrefix("label:") && $0.hasSuffix("7 (right)") })
        #expect(lines.contains("top 3:"))
    }

    /// A picture file of test digit 0, written as a plain (P2) PGM, gets the same answer as the digit itself.
    @Test func exampleClassifiesAPictureFile() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable), "swift test builds MNIST")
        let images = try Self.readIDX("t10k-images.idx3-ubyte", rank: 3)
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("seven.pgm").path
        var text = "P2\n# MNIST test digit 0\n28 28\n255\n"
        for row in 0..<28 {
            text += images.bytes[(row * 28)..<(row * 28 + 28)].map(String.init).joined(separator: " ") + "\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try Fixtures.run(Self.executable, ["--image", path])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("\nprediction: 7 ("))
    }

    @Test func exampleReportsABadImageInOneLine() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable), "swift test builds MNIST")
        let result = try Fixtures.run(Self.executable, ["--image", "/nonexistent.pgm"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 2 && lines[1].isEmpty, "one line, ending in a newline: \(result.stderr)")
        #expect(lines[0] == "error: image file /nonexistent.pgm does not exist")
    }

    /// The committed sample as the example's data: accuracy printed, and --min-accuracy passes.
    @Test func exampleEvaluatesTheSample() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable), "swift test builds MNIST")
        let expected = try Self.expected()
        let result = try Fixtures.run(
            Self.executable, ["--data", Self.sample.path, "--min-accuracy", "0.98", "--show", "1"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("\(expected.correct) right, \(200 - expected.correct) wrong"))
        #expect(result.stdout.contains("Confusion matrix"))
        #expect(result.stdout.contains("(--min-accuracy): OK"))
    }

    // MARK: - gzip

    /// `bytes` as one gzip member of stored (uncompressed) DEFLATE blocks, written by hand from RFC 1951 and 1952
    /// with a bitwise CRC-32, so that the example's zlib reader is checked against an independent writer.
    static func storedGzip(_ bytes: [UInt8]) -> [UInt8] {
        var crc: UInt32 = 0xffff_ffff
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xedb8_8320 : crc >> 1 }
        }
        crc = ~crc
        func littleEndian(_ value: UInt32, _ count: Int) -> [UInt8] {
            (0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
        }
        var out: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]  // no flags, no time, unknown OS
        var start = 0
        repeat {
            let count = min(65535, bytes.count - start)
            let last: UInt8 = start + count == bytes.count ? 1 : 0
            out += [last] + littleEndian(UInt32(count), 2) + littleEndian(UInt32(~UInt16(count)), 2)
            out += bytes[start..<(start + count)]
            start += count
        } while start < bytes.count
        return out + littleEndian(crc, 4) + littleEndian(UInt32(bytes.count), 4)
    }

    /// Runs the example on the sample's images and a labels file `labels.gz`; returns its exit status, output and
    /// error output.
    static func runWithGzipLabels(_ labels: [UInt8]) throws
        -> (status: Int32, stdout: String, stderr: String, path: String)
    {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(
            at: sample.appendingPathComponent("t10k-images.idx3-ubyte"),
            to: directory.appendingPathComponent("t10k-images.idx3-ubyte"))
        let path = directory.appendingPathComponent("t10k-labels.idx1-ubyte.gz").path
        try Data(labels).write(to: URL(fileURLWithPath: path))
        let result = try Fixtures.run(executable, ["--data", directory.path, "--min-accuracy", "0.98"])
        return (result.status, result.stdout, result.stderr, path)
    }

    /// The sample's labels as two gzip members one after the other, then a few zero bytes of padding: read as the
    /// plain file is.
    @Test func exampleReadsMultiMemberGzip() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable), "swift test builds MNIST")
        let labels = [UInt8](try Data(contentsOf: Self.sample.appendingPathComponent("t10k-labels.idx1-ubyte")))
        #expect(labels.count == 8 + 200)
        let gzip = Self.storedGzip(Array(labels[..<100])) + Self.storedGzip(Array(labels[100...])) + [0, 0, 0]
        let result = try Self.runWithGzipLabels(gzip)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let expected = try Self.expected()
        #expect(result.stdout.contains("\(expected.correct) right, \(200 - expected.correct) wrong"))
    }

    /// Damaged gzip files are refused in one line naming the file and what is wrong: a changed CRC-32, an invalid
    /// block type, a file cut short, a member followed by other data.
    @Test(arguments: [
        ("crc", "corrupt gzip data: incorrect data check"),
        ("block type", "corrupt gzip data: invalid block type"),
        ("truncated", "gzip data is truncated (the compressed stream ends early)"),
        ("header only", "gzip data is truncated (the compressed stream ends early)"),
        ("trailing", "unexpected data after the end of the gzip stream (3 bytes)"),
    ])
    func exampleRefusesDamagedGzip(damage: String, message: String) throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable), "swift test builds MNIST")
        let labels = [UInt8](try Data(contentsOf: Self.sample.appendingPathComponent("t10k-labels.idx1-ubyte")))
        var gzip = Self.storedGzip(labels)
        switch damage {
        case "crc": gzip[gzip.count - 8] ^= 0x01  // first byte of the CRC-32
        case "block type": gzip[10] = 0x07  // BFINAL 1, BTYPE 11 (reserved)
        case "truncated": gzip = Array(gzip[..<(gzip.count / 2)])
        case "header only": gzip = Array(gzip[..<10])
        default: gzip += [0x42, 0x42, 0x42]
        }
        let result = try Self.runWithGzipLabels(gzip)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "error: \(result.path): \(message)\n")
    }
}
