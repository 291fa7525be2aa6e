import Foundation
import ONNXRuntime

/// What the example does with its options: evaluate the test set, or classify one digit.
enum Command {
    /// The package root, three levels above this file (Examples/MNIST/Command.swift).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let exampleFolder = packageRoot.appendingPathComponent("Examples/MNIST")
    static let defaultModel = exampleFolder.appendingPathComponent("mnist-mlp.onnx").path
    static let sharedData = packageRoot.appendingPathComponent("../shared/data/mnist").standardized.path
    static let sampleData = exampleFolder.appendingPathComponent("sample").path

    /// Runs the example; returns the exit status.
    static func main(_ arguments: [String]) -> Int32 {
        do {
            let options = try Options.parse(arguments)
            if options.help {
                print(Options.usage)
                return 0
            }
            if let path = options.image {
                try classifyImage(path, options)
                return 0
            }
            if let index = options.index {
                try classifyTestDigit(index, options)
                return 0
            }
            return try evaluate(options)
        } catch {
            fail("\(error)")
            return 1
        }
    }

    /// Prints an error as one line on standard error.
    static func fail(_ message: String) {
        let line = message.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: " ")
        FileHandle.standardError.write(Data("error: \(line)\n".utf8))
    }

    // MARK: - Inputs

    /// The test set: from --data, else the shared full set, else the committed sample (with a note).
    static func loadTestSet(_ options: Options) throws -> DigitSet {
        if let data = options.data { return try DigitSet.loadTestSet(from: data) }
        if IDX.find(in: sharedData, stem: "t10k-images", kind: "idx3") != nil
            && IDX.find(in: sharedData, stem: "t10k-labels", kind: "idx1") != nil
        {
            return try DigitSet.loadTestSet(from: sharedData)
        }
        print(
            """
            note: the full MNIST test set is not in \(sharedData); using the 200-digit sample in \(sampleData).
                  For all 10,000 test digits, get t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz
                  (see Examples/MNIST/README.md) and pass --data DIR.
            """)
        return try DigitSet.loadTestSet(from: sampleData)
    }

    static func loadModel(_ options: Options) throws -> Classifier {
        let path = options.model ?? defaultModel
        let classifier = try Classifier(modelPath: path, threads: options.threads)
        let metadata = classifier.session.metadata
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        print("model:      \(path) (\(size / 1024) KiB, from \"\(metadata.producerName)\")")
        if let accuracy = metadata.custom["test_accuracy"], let value = Double(accuracy) {
            print("            test accuracy recorded at training: \(percent(value))")
        }
        return classifier
    }

    // MARK: - The test set

    static func evaluate(_ options: Options) throws -> Int32 {
        let digits = try loadTestSet(options)
        guard digits.count > 0 else { throw ExampleError("\(digits.imagesPath) holds no digits") }
        print("runtime:    \(try RuntimeLibrary.load())")
        let classifier = try loadModel(options)
        print("data:       \(digits.imagesPath): \(digits.count) digits")
        var batch = options.batch
        if let fixed = classifier.fixedBatch, fixed != batch {
            print("note:       the model fixes the batch size at \(fixed)")
            batch = fixed
            guard digits.count % fixed == 0 else {
                throw ExampleError(
                    "\(digits.count) digits do not split into batches of \(fixed), the model's batch size")
            }
        }

        var predictions = [Int](repeating: 0, count: digits.count)
        var confidences = [Float](repeating: 0, count: digits.count)
        let pixelCount = DigitSet.pixelCount
        func runBatch(_ start: Int, _ count: Int) throws {
            try digits.pixels.withUnsafeBufferPointer { pixels in
                try classifier.classify(count: count) { input in
                    // The only pass over the pixels: bytes to floats, written straight into the tensor.
                    let source = pixels.baseAddress! + start * pixelCount
                    for offset in 0..<(count * pixelCount) { input[offset] = Float(source[offset]) / 255 }
                } read: { logits, scores in
                    for digit in 0..<count {
                        let best = Classifier.argmax(logits, digit)
                        predictions[start + digit] = best
                        confidences[start + digit] = scores[digit * 10 + best]
                    }
                }
            }
        }

        // One untimed run first: ORT sets up its kernels and memory plan on the first run.
        try runBatch(0, min(batch, digits.count))
        let clock = ContinuousClock()
        var batches = 0
        let elapsed = try clock.measure {
            for start in stride(from: 0, to: digits.count, by: batch) {
                try runBatch(start, min(batch, digits.count - start))
                batches += 1
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18

        var confusion = [[Int]](repeating: [Int](repeating: 0, count: 10), count: 10)
        for (index, label) in digits.labels.enumerated() { confusion[Int(label)][predictions[index]] += 1 }
        let right = (0..<10).reduce(0) { $0 + confusion[$1][$1] }
        let accuracy = Double(right) / Double(digits.count)
        let threads =
            options.threads == 0
            ? "threads chosen by ONNX Runtime" : "\(options.threads) thread\(options.threads == 1 ? "" : "s")"
        print(
            "classified: \(digits.count) digits in \(batches) batch\(batches == 1 ? "" : "es") of up to \(batch) "
                + "(\(threads))")
        print("accuracy:   \(percent(accuracy)) (\(right) right, \(digits.count - right) wrong)")
        print(
            "speed:      \(grouped(Int(Double(digits.count) / seconds))) digits/s, "
                + "\(String(format: "%.3f", seconds * 1000 / Double(batches))) ms per batch "
                + "(\(String(format: "%.1f", seconds * 1000)) ms in all: filling the input, running, reading)")
        print()
        printConfusion(confusion)

        if options.show > 0 {
            let rightOnes = (0..<digits.count).filter { predictions[$0] == Int(digits.labels[$0]) }.prefix(options.show)
            // The most confident mistakes are the most instructive.
            let wrongOnes = (0..<digits.count).filter { predictions[$0] != Int(digits.labels[$0]) }
                .sorted { confidences[$0] > confidences[$1] }
            print()
            show(
                Array(rightOnes), "The first \(rightOnes.count) recognised correctly:", digits, predictions, confidences
            )
            if wrongOnes.isEmpty {
                print("No digit was misclassified.")
            } else {
                let shown = Array(wrongOnes.prefix(options.show))
                let title =
                    wrongOnes.count <= shown.count
                    ? "All \(wrongOnes.count) misclassified:"
                    : "The \(shown.count) most confident of the \(wrongOnes.count) misclassified:"
                show(shown, title, digits, predictions, confidences)
                if wrongOnes.count > shown.count {
                    let all = wrongOnes.sorted()
                    let listed = all.prefix(30).map(String.init).joined(separator: " ")
                    let which = all.count > 30 ? "the first 30 of \(all.count)" : "all \(all.count)"
                    print("Misclassified test digits (\(which); see one with --index N): \(listed)")
                }
            }
        }

        if let minimum = options.minAccuracy {
            guard accuracy >= minimum else {
                fail("accuracy \(percent(accuracy)) is below --min-accuracy \(percent(minimum))")
                return 1
            }
            print("\naccuracy \(percent(accuracy)) >= \(percent(minimum)) (--min-accuracy): OK")
        }
        return 0
    }

    static func printConfusion(_ confusion: [[Int]]) {
        print("Confusion matrix (rows: true digit, columns: predicted; '.' is 0):")
        print("      " + (0..<10).map { pad("\($0)", 6) }.joined() + "    right")
        for label in 0..<10 {
            let row = confusion[label]
            let cells = row.map { pad($0 == 0 ? "." : "\($0)", 6) }.joined()
            let total = row.reduce(0, +)
            let share = total == 0 ? "     -" : pad(percent(Double(row[label]) / Double(total)), 9)
            print("  \(label) | " + cells + share)
        }
    }

    static func show(
        _ indices: [Int], _ title: String, _ digits: DigitSet, _ predictions: [Int], _ confidences: [Float]
    ) {
        guard !indices.isEmpty else { return }
        print(title)
        for group in stride(from: 0, to: indices.count, by: 3) {
            let chosen = indices[group..<min(group + 3, indices.count)]
            let captions = chosen.map { index in
                "#\(index): \(predictions[index]) (\(percent(Double(confidences[index])))), true \(digits.labels[index])"
            }
            let drawings = chosen.map { Drawing.small(digits.image($0)) }
            for line in Drawing.sideBySide(drawings, captions: captions) { print(line) }
        }
    }

    // MARK: - One digit

    static func classifyTestDigit(_ index: Int, _ options: Options) throws {
        let digits = try loadTestSet(options)
        guard index < digits.count else {
            throw ExampleError(
                "--index \(index) is out of range: \(digits.imagesPath) holds \(digits.count) digits (0 to "
                    + "\(digits.count - 1))")
        }
        let classifier = try loadModel(options)
        print("digit:      test digit \(index) of \(digits.imagesPath)")
        try classifyOne(digits.image(index), classifier, label: Int(digits.labels[index]))
    }

    static func classifyImage(_ path: String, _ options: Options) throws {
        let picture = try PGM.read(path)
        let (values, notes) = picture.mnistInput()
        let classifier = try loadModel(options)
        print("image:      \(path) (\(picture.width)x\(picture.height))")
        for note in notes { print("note:       \(note)") }
        try classifyOne(values, classifier, label: nil)
    }

    static func classifyOne(_ values: [Float], _ classifier: Classifier, label: Int?) throws {
        let count = classifier.fixedBatch ?? 1
        let result = try classifier.classify(count: count) { input in
            for offset in 0..<input.count { input[offset] = values[offset % values.count] }
        } read: { logits, probabilities in
            (best: Classifier.argmax(logits, 0), scores: Array(probabilities[0..<10]))
        }
        let (best, scores) = (result.best, result.scores)
        for line in Drawing.large(values) { print(line) }
        print("prediction: \(best) (\(percent(Double(scores[best]))))")
        print("top 3:")
        let ranked = (0..<10).sorted { scores[$0] > scores[$1] }.prefix(3)
        for digit in ranked {
            let probability = scores[digit]
            let bar = String(repeating: "#", count: Int((probability * 40).rounded()))
            let shown = probability < 0.00005 ? "<0.01%" : percent(Double(probability))
            print("  \(digit)  \(pad(shown, 8))" + (bar.isEmpty ? "" : "  \(bar)"))
        }
        if let label {
            print("label:      \(label) (\(label == best ? "right" : "wrong"))")
        }
    }

    // MARK: - Formatting

    static func percent(_ fraction: Double) -> String {
        String(format: "%.2f%%", fraction * 100)
    }

    static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }

    static func grouped(_ number: Int) -> String {
        let digits = Array(String(number))
        var result = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return result
    }
}
