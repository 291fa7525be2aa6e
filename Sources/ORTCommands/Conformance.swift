#if Server
import ArgumentParser
import Foundation
import ONNXRuntime

/// `ort conformance DIR...`: runs ONNX backend test cases (a folder with `model.onnx` and `test_data_set_*`
/// folders) and reports which pass, fail or are skipped.
///
/// One line is printed per failed case, then the skipped cases grouped by reason, and finally exactly
/// `N passed, N failed, N skipped`. The exit status is non-zero only with `--fail-on-mismatch` when a case failed.
/// The rules are those of ``ConformanceRunner``, ``Comparison`` and ``SkipRule``.
public struct Conformance: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        abstract: "Run ONNX backend test cases and compare the outputs with the expected ones.",
        discussion: """
            Each DIR is a test case folder (model.onnx plus test_data_set_*/input_*.pb and output_*.pb) or a folder \
            of such folders, one or two levels down (for example onnx/backend/test/data/node, or .../data). Floats \
            pass when |actual - expected| <= atol + rtol * |expected| (NaN equals NaN); everything else must be \
            equal. A case is skipped only when ONNX Runtime reports ORT_NOT_IMPLEMENTED or an operator it does not \
            register; any other error is a failure.
            """)

    /// Test case folders, or folders holding them.
    @Argument(help: "Test case folders, or folders holding them.")
    public var directories: [String] = []

    /// A regular expression: only the cases whose name or `suite/name` it matches are run.
    @Option(help: "Run only the cases whose name (or suite/name) matches this regular expression.")
    public var filter: String?

    /// Where to write the JSON report (``ConformanceSummary/Report``).
    @Option(help: "Write a JSON report: per case {name, suite, status, reason}, and the totals.")
    public var report: String?

    /// The relative tolerance for floating-point outputs.
    @Option(help: "Relative tolerance for floating-point outputs.")
    public var rtol: Double = Tolerance.onnxDefault.relative

    /// The absolute tolerance for floating-point outputs.
    @Option(help: "Absolute tolerance for floating-point outputs.")
    public var atol: Double = Tolerance.onnxDefault.absolute

    /// Whether a failed case makes the command exit with a non-zero status.
    @Flag(help: "Exit with a non-zero status if any case failed.")
    public var failOnMismatch = false

    /// How each case's session is built.
    @OptionGroup public var options: ModelOptions

    /// Creates the command with its defaults (ArgumentParser fills in the arguments).
    public init() {}

    /// Checks that at least one folder is given and the tolerances are usable.
    public func validate() throws {
        guard !directories.isEmpty else { throw ValidationError("give at least one test case folder") }
        guard rtol >= 0, atol >= 0, rtol.isFinite, atol.isFinite else {
            throw ValidationError("--rtol and --atol must be finite and not negative")
        }
    }

    /// Runs the cases and prints the failures, the skip groups and the summary line.
    public func run() async throws {
        let cases = try ConformanceCase.discover(in: directories, filter: filter)
        var sessionOptions = try options.sessionOptions()
        // A failing case's error is reported once, in its result; ORT's own log line for it is noise here.
        sessionOptions.logSeverity = .fatal
        let runner = ConformanceRunner(
            sessionOptions: sessionOptions, tolerance: Tolerance(relative: rtol, absolute: atol))
        let summary = runner.run(cases) { result in
            if result.status == .failed { print("FAIL \(result.suite)/\(result.name): \(result.reason)") }
        }
        if let report {
            let version = try? RuntimeLibrary.info.version
            do {
                try summary.reportJSON(runtimeVersion: version).write(to: URL(fileURLWithPath: report))
            } catch {
                throw CommandError("cannot write the report '\(report)': \(error.localizedDescription)")
            }
        }
        for (group, names) in summary.skipGroups {
            let shown = names.prefix(3).joined(separator: ", ") + (names.count > 3 ? ", ..." : "")
            print("skipped \(names.count) (\(group)): \(shown)")
        }
        print(summary.line)
        if failOnMismatch && summary.failed > 0 { throw ExitCode.failure }
    }
}
#endif
