#if Server
import Foundation
import ONNXFormats
import ONNXRuntime

/// Runs ONNX backend test cases through this package's API and compares the outputs with the expected ones.
///
/// For each case the model is loaded into a ``Session``; then, for each `test_data_set_<n>` folder, `input_<i>.pb`
/// is read as the message the session's `i`-th input type needs (TensorProto, SequenceProto, MapProto or
/// OptionalProto) and fed to that input (an optional holding nothing is left out), all outputs are computed, and
/// `output_<i>.pb`, read by the `i`-th output's type, is compared with the `i`-th output by ``Comparison``. Which
/// errors make a case skipped instead of failed is described by ``SkipRule``.
///
/// ```swift
/// let cases = try ConformanceCase.discover(in: ["onnx/backend/test/data/node"])
/// let summary = ConformanceRunner().run(cases)
/// print(summary.line)  // 1681 passed, 26 failed, 58 skipped (ORT 1.32, onnx 1.22 node cases)
/// ```
public struct ConformanceRunner: Sendable {
    /// How each case's session is built.
    public var sessionOptions: SessionOptions
    /// How close floating-point outputs must be.
    public var tolerance: Tolerance

    /// Creates a runner.
    /// - Parameters:
    ///   - sessionOptions: How each case's session is built.
    ///   - tolerance: How close floating-point outputs must be.
    public init(sessionOptions: SessionOptions = SessionOptions(), tolerance: Tolerance = .onnxDefault) {
        self.sessionOptions = sessionOptions
        self.tolerance = tolerance
    }

    /// Runs the cases one after another.
    /// - Parameters:
    ///   - cases: The cases.
    ///   - onResult: Called with each result as soon as it is known.
    /// - Returns: All results, in the order of `cases`, with the time taken.
    public func run(_ cases: [ConformanceCase], onResult: (CaseResult) -> Void = { _ in }) -> ConformanceSummary {
        let clock = ContinuousClock()
        let start = clock.now
        var results: [CaseResult] = []
        results.reserveCapacity(cases.count)
        for testCase in cases {
            let result = run(testCase)
            onResult(result)
            results.append(result)
        }
        let elapsed = clock.now - start
        let (seconds, attoseconds) = elapsed.components
        return ConformanceSummary(
            results: results, tolerance: tolerance, seconds: Double(seconds) + Double(attoseconds) / 1e18)
    }

    /// Runs one case.
    public func run(_ testCase: ConformanceCase) -> CaseResult {
        do {
            try check(testCase)
            return CaseResult(testCase, status: .passed)
        } catch let problem as Problem {
            return CaseResult(testCase, status: problem.skipped ? .skipped : .failed, reason: problem.message)
        } catch {
            return CaseResult(testCase, status: .failed, reason: "\(error)")
        }
    }

    /// Why a case did not pass.
    struct Problem: Error {
        var message: String
        var skipped = false

        /// A problem from an error ONNX Runtime or this package raised, skipped when ``SkipRule`` says so.
        init(_ context: String, _ error: any Error) {
            if let error = error as? ORTError {
                message = "\(context): \(Self.oneLine(error.description))"
                skipped = SkipRule.isSkip(runtimeCode: error.runtimeCode, message: error.message)
            } else {
                message = "\(context): \(Self.oneLine("\(error)"))"
            }
        }

        init(_ message: String) {
            self.message = message
        }

        static func oneLine(_ text: String) -> String {
            text.split(whereSeparator: \.isNewline).joined(separator: " ")
        }
    }

    private func check(_ testCase: ConformanceCase) throws {
        let session: Session
        do {
            session = try Session(path: testCase.modelURL.path, options: sessionOptions)
        } catch var error {
            // The reason is read next to the case's name: the full path adds nothing.
            error.message = error.message.replacingOccurrences(of: testCase.modelURL.path, with: "model.onnx")
            throw Problem("load", error)
        }
        let dataSets: [URL]
        do {
            dataSets = try testCase.dataSets()
        } catch {
            throw Problem("cannot list the case folder", error)
        }
        guard !dataSets.isEmpty else { throw Problem("no test_data_set_* folder") }
        for dataSet in dataSets {
            try check(dataSet, session: session)
        }
    }

    private func check(_ dataSet: URL, session: Session) throws {
        let setName = dataSet.lastPathComponent
        let inputFiles = try ConformanceCase.numbered(in: dataSet, prefix: "input_", suffix: ".pb", directories: false)
        let outputFiles = try ConformanceCase.numbered(
            in: dataSet, prefix: "output_", suffix: ".pb", directories: false)
        guard inputFiles.count <= session.inputs.count else {
            throw Problem(
                "\(setName): \(inputFiles.count) input files, but the model has \(session.inputs.count) inputs")
        }
        guard outputFiles.count <= session.outputs.count else {
            throw Problem(
                "\(setName): \(outputFiles.count) output files, but the model has \(session.outputs.count) outputs")
        }
        var feeds: [String: any ValueConvertible] = [:]
        for (index, file) in inputFiles.enumerated() {
            let info = session.inputs[index]
            let context = "\(setName): input \(index) '\(info.name)'"
            let proto = try read(file, as: info.type, context: context)
            if case .optional(nil) = proto { continue }
            do {
                if proto.isEmptySequence, let elementType = EmptySequence.tensorElementType(of: info.type) {
                    feeds[info.name] = try EmptySequence.make(of: elementType)
                } else {
                    feeds[info.name] = try proto.makeValue()
                }
            } catch {
                throw Problem(context, error)
            }
        }
        let outputs: RunOutputs
        do {
            outputs = try session.run(feeds)
        } catch {
            throw Problem("\(setName): run", error)
        }
        for (index, file) in outputFiles.enumerated() {
            let info = session.outputs[index]
            let path = "\(setName): output \(index) '\(info.name)'"
            let expected = try read(file, as: info.type, context: path + " (expected)")
            guard let value = outputs[info.name] else { throw Problem("\(path): not computed") }
            let actual: ProtoValue
            do {
                actual = try ProtoValue(value)
            } catch {
                throw Problem(path, error)
            }
            if let difference = Comparison.difference(actual, expected: expected, tolerance: tolerance, path: path) {
                throw Problem(difference)
            }
        }
    }

    private func read(_ file: URL, as type: ValueType, context: String) throws -> ProtoValue {
        do {
            let data = try Data(contentsOf: file)
            return try ONNXProto.readValue(from: data, as: ProtoValue.Kind(type) ?? .tensor).value
        } catch {
            throw Problem(context, error)
        }
    }
}

/// The results of a conformance run.
public struct ConformanceSummary: Sendable {
    /// One result per case, in the order the cases ran.
    public var results: [CaseResult]
    /// The tolerance used.
    public var tolerance: Tolerance
    /// The wall-clock time of the run, in seconds.
    public var seconds: Double

    /// Creates a summary.
    public init(results: [CaseResult], tolerance: Tolerance, seconds: Double = 0) {
        self.results = results
        self.tolerance = tolerance
        self.seconds = seconds
    }

    /// The number of cases with this status.
    public func count(_ status: CaseResult.Status) -> Int {
        results.count(where: { $0.status == status })
    }

    /// The passed cases.
    public var passed: Int { count(.passed) }
    /// The failed cases.
    public var failed: Int { count(.failed) }
    /// The skipped cases.
    public var skipped: Int { count(.skipped) }

    /// `N passed, N failed, N skipped`.
    public var line: String { "\(passed) passed, \(failed) failed, \(skipped) skipped" }

    /// The skipped cases grouped by ``CaseResult/skipGroup``, largest group first (then by name).
    public var skipGroups: [(group: String, cases: [String])] {
        var groups: [String: [String]] = [:]
        for result in results {
            if let group = result.skipGroup { groups[group, default: []].append("\(result.suite)/\(result.name)") }
        }
        return groups.map { (group: $0.key, cases: $0.value) }.sorted {
            ($0.cases.count, $1.group) > ($1.cases.count, $0.group)
        }
    }

    /// The JSON report: `runner`, `onnxruntime` (version), `rtol`, `atol`, `seconds`, `passed`, `failed`,
    /// `skipped` and `cases` [{`name`, `suite`, `status` (`passed`, `failed` or `skipped`), `reason`}], keys sorted.
    public func reportJSON(runtimeVersion: String? = nil) throws -> Data {
        let report = Report(
            runner: "swift", onnxruntime: runtimeVersion ?? "", rtol: tolerance.relative, atol: tolerance.absolute,
            seconds: (seconds * 1000).rounded() / 1000, passed: passed, failed: failed, skipped: skipped,
            cases: results)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(report)
        data.append(contentsOf: Array("\n".utf8))
        return data
    }

    /// The report's contents.
    public struct Report: Sendable, Codable {
        /// `swift` for this runner, `python` for `scripts/conformance_python.py`.
        public var runner: String
        /// The ONNX Runtime version.
        public var onnxruntime: String
        /// The relative tolerance.
        public var rtol: Double
        /// The absolute tolerance.
        public var atol: Double
        /// The wall-clock time of the run.
        public var seconds: Double
        /// The number of passed cases.
        public var passed: Int
        /// The number of failed cases.
        public var failed: Int
        /// The number of skipped cases.
        public var skipped: Int
        /// Every case's result.
        public var cases: [CaseResult]
    }
}
#endif
