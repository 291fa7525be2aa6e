#if Server
import Foundation
import ONNXRuntime

/// The outcome of one conformance case.
public struct CaseResult: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Whether a case passed.
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        /// Every output of every data set matched.
        case passed
        /// Something went wrong that ONNX Runtime does not declare unsupported: a load or run error, an input or
        /// output file that could not be read or fed, or an output that differs from the expected one.
        case failed
        /// ONNX Runtime declares that it does not implement something the case needs (see ``SkipRule``).
        case skipped
    }

    /// The case folder's name, such as `test_abs`.
    public var name: String
    /// The folder the case was found in, such as `node`.
    public var suite: String
    /// The outcome.
    public var status: Status
    /// Why the case failed or was skipped; empty when it passed.
    public var reason: String

    /// Creates a result.
    public init(name: String, suite: String, status: Status, reason: String = "") {
        self.name = name
        self.suite = suite
        self.status = status
        self.reason = reason
    }

    /// Creates a result for a case.
    public init(_ testCase: ConformanceCase, status: Status, reason: String = "") {
        self.init(name: testCase.name, suite: testCase.suite, status: status, reason: reason)
    }

    /// `suite/name: status (reason)`.
    public var description: String {
        "\(suite)/\(name): \(status.rawValue)\(reason.isEmpty ? "" : " (\(reason))")"
    }

    /// For a skipped case, the short reason it is grouped under, such as `no kernel: Max(13)`.
    public var skipGroup: String? {
        guard status == .skipped else { return nil }
        return SkipRule.group(of: reason)
    }
}

/// When a case counts as skipped rather than failed.
///
/// A case is skipped only when ONNX Runtime itself says it does not implement what the case needs, which is never
/// this package's fault:
/// - ORT returns the status code `ORT_NOT_IMPLEMENTED`, while loading the model or running it (typically "Could not
///   find an implementation for Op(version) node", no CPU kernel for that operator version and type); or
/// - loading fails with "Op(-1) is not a registered function/op": the operator (for example one of the
///   `ai.onnx.preview.training` operators) is unknown to ORT's operator registry. ORT reports this with `ORT_FAIL`,
///   so it is recognised by its message.
///
/// Everything else is a failure: other load errors, run errors, input or output files this package cannot read or
/// feed, element types it cannot represent, and outputs that differ.
public enum SkipRule {
    /// The message ORT uses for operators its registry does not know.
    static let unregisteredOperator = "is not a registered function/op"

    /// Whether an ORT error means the case is skipped.
    public static func isSkip(runtimeCode: ORTError.RuntimeCode?, message: String) -> Bool {
        runtimeCode == .notImplemented || message.contains(unregisteredOperator)
    }

    /// The group a skip reason is reported under: `no kernel: Op(version)`, `unregistered operator: domain:Op`, or
    /// the first line of the message.
    public static func group(of reason: String) -> String {
        let patterns: [(String, String)] = [
            (#"Could not find an implementation for (\S+\(\d+\))"#, "no kernel: "),
            (#"Failed to find kernel for (\S+\(\d+\))"#, "no kernel: "),
            (#"([\w.]+:\w+|\w+)\(-?\d+\) is not a registered function/op"#, "unregistered operator: "),
        ]
        for (pattern, label) in patterns {
            if let regex = try? NSRegularExpression(pattern: pattern),
                let match = regex.firstMatch(in: reason, range: NSRange(reason.startIndex..., in: reason)),
                let range = Range(match.range(at: 1), in: reason)
            {
                return label + reason[range]
            }
        }
        return String(reason.split(separator: "\n").first ?? "")
    }
}
#endif
