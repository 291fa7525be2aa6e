#if Server
import ArgumentParser
import Foundation
import ONNXFormats
import ONNXRuntime
import ORTCommands
import Testing

/// The conformance fixtures (written by `Fixtures/conformance/generate.py`).
enum ConformanceFixtures {
    /// `Tests/ORTCommandsTests/Fixtures/conformance`, found from this file's path.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/conformance")
    /// The folder holding the case folders.
    static let cases = root.appendingPathComponent("cases")

    /// The status each fixture case must get with the default tolerance.
    static let expected: [String: CaseResult.Status] = [
        "test_add_pass": .passed,
        "test_add_wrong": .failed,
        "test_sequence_output": .passed,
        "test_optional_empty_input": .passed,
        "test_optional_output": .passed,
        "test_float16": .passed,
        "test_string": .passed,
        "test_cast_int4": .passed,
        "test_empty_sequence_input": .passed,
        "test_nonexistent_op": .failed,
        "test_custom_domain_op": .skipped,
        "test_no_kernel": .skipped,
    ]

    static func allCases() throws -> [ConformanceCase] {
        try ConformanceCase.discover(in: [cases.path])
    }

    static func run(_ filter: String? = nil, tolerance: Tolerance = .onnxDefault) throws -> ConformanceSummary {
        let selected = try ConformanceCase.discover(in: [cases.path], filter: filter)
        return ConformanceRunner(tolerance: tolerance).run(selected)
    }
}

@Suite("Conformance: case discovery")
struct ConformanceDiscoveryTests {
    @Test("A folder of case folders yields every case, sorted, with the folder as suite")
    func folderOfCases() throws {
        let cases = try ConformanceFixtures.allCases()
        #expect(cases.map(\.name) == ConformanceFixtures.expected.keys.sorted())
        #expect(cases.allSatisfy { $0.suite == "cases" })
    }

    @Test("Cases two levels down are found, and a case folder is a case by itself")
    func depths() throws {
        let twoLevels = try ConformanceCase.discover(in: [ConformanceFixtures.root.path])
        #expect(twoLevels.count == ConformanceFixtures.expected.count)
        #expect(twoLevels.first?.suite == "cases")
        let single = try ConformanceCase.discover(
            in: [ConformanceFixtures.cases.appendingPathComponent("test_float16").path])
        #expect(single.map(\.description) == ["cases/test_float16"])
    }

    @Test("A path given twice yields its cases once")
    func deduplicated() throws {
        let path = ConformanceFixtures.cases.path
        #expect(try ConformanceCase.discover(in: [path, path]).count == ConformanceFixtures.expected.count)
    }

    @Test(
        "--filter is a regular expression over the name or suite/name",
        arguments: [
            ("^test_add", ["test_add_pass", "test_add_wrong"]),
            ("optional", ["test_optional_empty_input", "test_optional_output"]),
            ("^cases/test_f", ["test_float16"]),
            ("nothing matches this", []),
        ])
    func filter(pattern: String, names: [String]) throws {
        let cases = try ConformanceCase.discover(in: [ConformanceFixtures.cases.path], filter: pattern)
        #expect(cases.map(\.name) == names)
    }

    @Test("Bad paths and bad patterns are errors")
    func errors() {
        #expect(throws: CommandError.self) {
            try ConformanceCase.discover(in: ["/nonexistent/conformance"])
        }
        #expect(throws: ValidationError.self) {
            try ConformanceCase.discover(in: [ConformanceFixtures.cases.path], filter: "(unclosed")
        }
        // A folder with no model.onnx anywhere in two levels.
        #expect(throws: CommandError.self) {
            try ConformanceCase.discover(
                in: [ConformanceFixtures.cases.appendingPathComponent("test_float16/test_data_set_0").path])
        }
    }
}

@Suite("Conformance: running the fixture cases")
struct ConformanceRunnerTests {
    @Test("Every fixture case gets its expected status, and the summary line counts them")
    func statuses() throws {
        let summary = try ConformanceFixtures.run()
        let statuses = Dictionary(uniqueKeysWithValues: summary.results.map { ($0.name, $0.status) })
        #expect(statuses == ConformanceFixtures.expected)
        #expect(summary.line == "8 passed, 2 failed, 2 skipped")
        #expect((summary.passed, summary.failed, summary.skipped) == (8, 2, 2))
        for result in summary.results {
            #expect(result.reason.isEmpty == (result.status == .passed), "\(result)")
        }
    }

    @Test("A wrong expected value fails with the element, both values and the tolerance")
    func wrongValue() throws {
        let result = try #require(try ConformanceFixtures.run("test_add_wrong").results.first)
        #expect(result.status == .failed)
        #expect(
            result.reason
                == "test_data_set_0: output 0 'c': 1 of 6 elements outside rtol 0.001, atol 1e-07; first at 5: "
                + "expected 4.25, got 3.75")
    }

    @Test("Skips are grouped by reason; an unknown default-domain op is an invalid model, so a failure")
    func skipAndFailRules() throws {
        let summary = try ConformanceFixtures.run("op|kernel")
        #expect(
            summary.skipGroups.map(\.group).sorted() == [
                "no kernel: Max(13)", "unregistered operator: com.example:NoSuchOp",
            ])
        let invalid = try #require(summary.results.first { $0.name == "test_nonexistent_op" })
        #expect(invalid.status == .failed)
        #expect(invalid.reason.hasPrefix("load: "))
        #expect(invalid.reason.contains("No Op registered for NoSuchOp"))
        #expect(invalid.reason.contains("[ORT_INVALID_GRAPH]"))
        #expect(!invalid.reason.contains(ConformanceFixtures.cases.path), "the case path is shortened")
    }

    @Test("The skip rule: ORT_NOT_IMPLEMENTED or an unregistered operator, nothing else")
    func skipRule() {
        #expect(SkipRule.isSkip(runtimeCode: .notImplemented, message: "anything"))
        #expect(
            SkipRule.isSkip(
                runtimeCode: .fail,
                message: "Fatal error: ai.onnx.preview.training:Adam(-1) is not a registered function/op"))
        #expect(
            !SkipRule.isSkip(runtimeCode: .fail, message: "Type Error: Type parameter (T) bound to different types"))
        #expect(!SkipRule.isSkip(runtimeCode: .invalidGraph, message: "No Op registered for NoSuchOp"))
        #expect(!SkipRule.isSkip(runtimeCode: nil, message: "element type 25, unknown to this package"))
        #expect(SkipRule.group(of: "Failed to find kernel for Cast(25) (node:'' ep:'CPU')") == "no kernel: Cast(25)")
    }

    @Test("Relative tolerance: 0.5 off 4.25 passes with rtol 0.118 and fails with rtol 0.117")
    func relativeToleranceOnACase() throws {
        let inside = try ConformanceFixtures.run("test_add_wrong", tolerance: Tolerance(relative: 0.118, absolute: 0))
        #expect(inside.line == "1 passed, 0 failed, 0 skipped")
        let outside = try ConformanceFixtures.run("test_add_wrong", tolerance: Tolerance(relative: 0.117, absolute: 0))
        #expect(outside.line == "0 passed, 1 failed, 0 skipped")
        #expect(outside.results.first?.reason.contains("rtol 0.117, atol 0") == true)
    }

    @Test("Absolute tolerance: 0.5 off passes with atol 0.5 and fails with atol 0.4999")
    func absoluteToleranceOnACase() throws {
        let inside = try ConformanceFixtures.run("test_add_wrong", tolerance: Tolerance(relative: 0, absolute: 0.5))
        #expect(inside.passed == 1)
        let outside = try ConformanceFixtures.run(
            "test_add_wrong", tolerance: Tolerance(relative: 0, absolute: 0.4999))
        #expect(outside.failed == 1)
    }

    @Test("The JSON report has the totals and one {name, suite, status, reason} per case")
    func report() throws {
        let summary = try ConformanceFixtures.run("test_add|test_no_kernel")
        let data = try summary.reportJSON(runtimeVersion: "1.2.3")
        let report = try JSONDecoder().decode(ConformanceSummary.Report.self, from: data)
        #expect(report.runner == "swift")
        #expect(report.onnxruntime == "1.2.3")
        #expect((report.passed, report.failed, report.skipped) == (1, 1, 1))
        #expect((report.rtol, report.atol) == (1e-3, 1e-7))
        #expect(report.cases.map(\.status) == [.passed, .failed, .skipped])
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let first = try #require((object["cases"] as? [[String: Any]])?.first)
        #expect(Set(first.keys) == ["name", "suite", "status", "reason"])
        #expect(first["status"] as? String == "passed")
    }
}

@Suite("Conformance: tolerance and comparison rules")
struct ConformanceComparisonTests {
    let tolerance = Tolerance.onnxDefault

    @Test("Just inside and just outside rtol and atol")
    func boundaries() {
        // |a - e| <= 1e-7 + 1e-3 * |e|
        #expect(tolerance.accepts(1000.0 + 1.0 - 1e-9, expected: 1000))
        #expect(!tolerance.accepts(1000.0 + 1.0 + 1e-6, expected: 1000))
        #expect(tolerance.accepts(0.99e-7, expected: 0))
        #expect(!tolerance.accepts(1.01e-7, expected: 0))
        #expect(tolerance.accepts(-1.0009, expected: -1))
        #expect(!tolerance.accepts(-1.0011, expected: -1))
        // Relative to the expected value, not the actual one.
        let wide = Tolerance(relative: 0.5, absolute: 0)
        #expect(wide.accepts(3, expected: 2))
        #expect(!wide.accepts(2, expected: 1.3))
    }

    @Test("NaN equals NaN only; infinities must match exactly")
    func specials() {
        #expect(tolerance.accepts(.nan, expected: .nan))
        #expect(tolerance.accepts(-.nan, expected: .nan))
        #expect(!tolerance.accepts(0, expected: .nan))
        #expect(!tolerance.accepts(.nan, expected: 0))
        #expect(tolerance.accepts(.infinity, expected: .infinity))
        #expect(!tolerance.accepts(-.infinity, expected: .infinity))
        #expect(!tolerance.accepts(.greatestFiniteMagnitude, expected: .infinity))
        #expect(!Tolerance(relative: 1e9, absolute: 1e9).accepts(.infinity, expected: 1))
    }

    private func difference(_ actual: Value, _ expected: Value) -> String? {
        Comparison.difference(actual, expected: expected, tolerance: tolerance, path: "y")
    }

    @Test("Element types and shapes must match")
    func typesAndShapes() throws {
        let floats = try Tensor<Float>([1, 2], shape: [2]).value
        let doubles = try Tensor<Double>([1, 2], shape: [2]).value
        let column = try Tensor<Float>([1, 2], shape: [2, 1]).value
        #expect(difference(floats, floats) == nil)
        #expect(difference(doubles, floats) == "y: expected tensor(float), got tensor(double)")
        #expect(difference(column, floats) == "y: expected shape [2], got [2, 1]")
    }

    @Test("Integers, bools and strings must be equal")
    func exact() throws {
        #expect(difference(try Tensor<Int64>([1, 2]).value, try Tensor<Int64>([1, 3]).value) != nil)
        #expect(difference(try Tensor<UInt64>([.max]).value, try Tensor<UInt64>([.max]).value) == nil)
        #expect(difference(try Tensor<Bool>([true]).value, try Tensor<Bool>([false]).value) != nil)
        #expect(difference(try Tensor<String>(["é"]).value, try Tensor<String>(["é"]).value) == nil)
        // Canonically equivalent but different bytes: e + combining acute accent.
        let decomposed = try Tensor<String>(["e\u{301}"]).value
        #expect(difference(decomposed, try Tensor<String>(["é"]).value) != nil)
    }

    @Test("float16 and bfloat16 are compared as floats, with the tolerance")
    func halfFloats() throws {
        let half = { (bits: [UInt16]) in
            try Value(
                rawBytes: bits.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }, elementType: .float16,
                shape: [bits.count])
        }
        // 0x3C00 = 1.0, 0x3C01 = 1.0009765625 (inside 1e-3 · 1 + 1e-7), 0x3C02 = 1.001953125 (outside).
        #expect(difference(try half([0x3C01]), try half([0x3C00])) == nil)
        #expect(difference(try half([0x3C02]), try half([0x3C00])) != nil)
        #expect(difference(try half([0x7E00]), try half([0x7E01])) == nil, "NaN payloads do not matter")
        let brain = { (bits: [UInt16]) in
            try Value(
                rawBytes: bits.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }, elementType: .bfloat16,
                shape: [bits.count])
        }
        // 0x3F80 = 1.0, 0x3F81 = 1.0078125: outside.
        #expect(difference(try brain([0x3F81]), try brain([0x3F80])) != nil)
        #expect(try TensorContents(brain([0x3F80, 0xC000])) == .floats([1, -2]))
    }

    @Test("float8 formats decode exactly, NaN and infinity included")
    func float8() throws {
        func decode(_ bytes: [UInt8], _ type: ElementType) throws -> [Double] {
            guard
                case .floats(let values) = try TensorContents(
                    Value(rawBytes: bytes, elementType: type, shape: [bytes.count]))
            else { return [] }
            return values
        }
        #expect(try decode([0x7E, 0x01, 0xC0], .float8e4m3fn) == [448, 0.001953125, -2])
        #expect(try decode([0x7F], .float8e4m3fn).first?.isNaN == true)
        #expect(try decode([0x7C, 0xFC, 0x7B], .float8e5m2) == [.infinity, -.infinity, 57344])
        #expect(try decode([0x80], .float8e4m3fnuz).first?.isNaN == true)
        #expect(try decode([0x7F], .float8e4m3fnuz) == [240])
        #expect(try decode([0x80], .float8e5m2fnuz).first?.isNaN == true)
        let fn = { (bytes: [UInt8]) in try Value(rawBytes: bytes, elementType: .float8e4m3fn, shape: [bytes.count]) }
        #expect(difference(try fn([0x38]), try fn([0x38])) == nil)
        #expect(difference(try fn([0x39]), try fn([0x38])) != nil, "1.125 is not within 1e-3 of 1")
    }

    @Test("int4 and uint4 are compared by unpacked value")
    func fourBit() throws {
        let int4 = try Value(rawBytes: [0xF8, 0x07], elementType: .int4, shape: [3])
        #expect(try TensorContents(int4) == .integers([-8, -1, 7]))
        // The unused high nibble of the last byte does not count.
        #expect(difference(try Value(rawBytes: [0xF8, 0x77], elementType: .int4, shape: [3]), int4) == nil)
        #expect(difference(try Value(rawBytes: [0xF8, 0x06], elementType: .int4, shape: [3]), int4) != nil)
        let uint4 = try Value(rawBytes: [0xF8], elementType: .uint4, shape: [2])
        #expect(try TensorContents(uint4) == .unsigned([8, 15]))
    }

    @Test("int2 and uint2 are unpacked four to a byte; float8e8m0 is a power of two")
    func twoBitAndE8M0() throws {
        // 0b10_01_11_00: fields 0, 3, 1, 2 from the lowest bits up; one more field in the next byte.
        let int2 = try Value(rawBytes: [0b1001_1100, 0b0000_0011], elementType: .int2, shape: [5])
        #expect(try TensorContents(int2) == .integers([0, -1, 1, -2, -1]))
        let uint2 = try Value(rawBytes: [0b1001_1100, 0b0000_0011], elementType: .uint2, shape: [5])
        #expect(try TensorContents(uint2) == .unsigned([0, 3, 1, 2, 3]))
        let other = try Value(rawBytes: [0b1001_1100, 0b0000_0010], elementType: .uint2, shape: [5])
        #expect(difference(other, uint2) != nil)
        let e8m0 = try Value(rawBytes: [127, 0, 254, 0xFF], elementType: .float8e8m0, shape: [4])
        guard case .floats(let values) = try TensorContents(e8m0) else {
            Issue.record("float8e8m0 should decode to floats")
            return
        }
        #expect(Array(values.prefix(3)) == [1, 0x1p-127, 0x1p127])
        #expect(values[3].isNaN)
    }

    @Test("Sequences element-wise, optionals none against value, maps key by key")
    func containers() throws {
        let a = ProtoValue.tensor(try Tensor<Float>([1]).value)
        let b = ProtoValue.tensor(try Tensor<Float>([2]).value)
        let compare = { (actual: ProtoValue, expected: ProtoValue) in
            Comparison.difference(actual, expected: expected, tolerance: .onnxDefault, path: "y")
        }
        #expect(compare(.sequence([a, b]), .sequence([a, b])) == nil)
        #expect(compare(.sequence([a]), .sequence([a, b])) == "y: expected a sequence of 2, got 1 elements")
        #expect(compare(.sequence([b, a]), .sequence([a, b]))?.hasPrefix("y[0]: ") == true)
        #expect(compare(.optional(nil), .optional(nil)) == nil)
        #expect(compare(a, .optional(a)) == nil, "ORT returns an optional holding a value as the value")
        #expect(compare(.optional(nil), .optional(a)) == "y: expected a value, got an optional holding nothing")
        #expect(compare(a, .optional(nil)) == "y: expected an optional holding nothing, got a value")
        #expect(compare(a, .sequence([a])) == "y: expected a sequence, got a tensor(float)")

        let keys = try Tensor<Int64>([1, 2]).value
        let swapped = try Tensor<Int64>([2, 1]).value
        #expect(compare(.map(keys: swapped, values: [b, a]), .map(keys: keys, values: [a, b])) == nil)
        #expect(compare(.map(keys: swapped, values: [a, b]), .map(keys: keys, values: [a, b])) != nil)
        let other = try Tensor<Int64>([1, 3]).value
        #expect(
            compare(.map(keys: other, values: [a, b]), .map(keys: keys, values: [a, b]))?.contains("keys differ")
                == true)
    }
}

@Suite("Conformance: the command")
struct ConformanceCommandTests {
    /// Parses and runs `ort ARGUMENTS`, returning the exit code it would end with.
    private func exitCode(_ arguments: [String]) async -> Int32 {
        do {
            var command = try ORTCommand.parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return 0
        } catch {
            return ORTCommand.exitCode(for: error).rawValue
        }
    }

    @Test("Failures exit non-zero only with --fail-on-mismatch")
    func exitStatus() async {
        let cases = ConformanceFixtures.cases.path
        #expect(await exitCode(["conformance", cases]) == 0)
        #expect(await exitCode(["conformance", cases, "--fail-on-mismatch"]) != 0)
        #expect(await exitCode(["conformance", cases, "--filter", "pass|float16|kernel", "--fail-on-mismatch"]) == 0)
        #expect(
            await exitCode(["conformance", cases, "--filter", "test_add", "--rtol", "0.2", "--fail-on-mismatch"]) == 0)
    }

    @Test("Usage errors: no folder, a missing folder, negative tolerances")
    func usageErrors() async {
        #expect(await exitCode(["conformance"]) != 0)
        #expect(await exitCode(["conformance", "/nonexistent/folder"]) != 0)
        #expect(await exitCode(["conformance", ConformanceFixtures.cases.path, "--atol", "-1"]) != 0)
    }

    @Test("--report writes the JSON report")
    func reportFile() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("conformance-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(await exitCode(["conformance", ConformanceFixtures.cases.path, "--report", file.path]) == 0)
        let report = try JSONDecoder().decode(ConformanceSummary.Report.self, from: Data(contentsOf: file))
        #expect((report.passed, report.failed, report.skipped) == (8, 2, 2))
        #expect(report.cases.count == 12)
        #expect(report.onnxruntime.isEmpty == false)
    }

    /// The `ort` executable built next to the test bundle, if there is one.
    static let executable: URL? = {
        var folders = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        if let first = CommandLine.arguments.first {
            folders.append(URL(fileURLWithPath: first).deletingLastPathComponent())
        }
        for folder in folders {
            let candidate = folder.appendingPathComponent("ort")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }()

    @Test(
        "The ort executable prints one line per failure and ends with the summary line",
        .enabled(if: executable != nil, "the ort executable is not built next to the tests"))
    func executableOutput() throws {
        guard let executable = Self.executable else { return }
        let process = Process()
        process.executableURL = executable
        process.arguments = ["conformance", ConformanceFixtures.cases.path, "--fail-on-mismatch"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(process.terminationStatus != 0)
        #expect(lines.last == "8 passed, 2 failed, 2 skipped")
        #expect(lines.filter { $0.hasPrefix("FAIL ") }.count == 2)
        #expect(lines.contains { $0.hasPrefix("FAIL cases/test_add_wrong: ") })
        #expect(lines.contains { $0.hasPrefix("skipped 1 (no kernel: Max(13)): cases/test_no_kernel") })
    }
}
#endif
