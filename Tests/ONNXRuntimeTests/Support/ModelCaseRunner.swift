import Foundation
import ONNXRuntime

/// Runs every case of a case file against its model and compares all outputs.
struct ModelCaseRunner {
    /// What running one case file found.
    struct Result: Sendable {
        var model: String
        var casesRun = 0
        var outputsCompared = 0
        var elementsCompared = 0
        /// Every problem found, one readable line each (names, types, run errors, value mismatches).
        var problems: [String] = []
    }

    /// How the session is built.
    var options: SessionOptions = SessionOptions()
    /// How input tensors are built.
    var feedMode: FeedMode = .copy

    /// Checks the session's declared names and types against the file, then runs and compares every case.
    /// - Parameter given: A session to run instead of one loaded from the file's model (for models built in Swift).
    func run(_ file: ModelCaseFile, session given: Session? = nil) -> Result {
        var result = Result(model: file.name)
        let session: Session
        do {
            session = try given ?? Session(path: file.modelPath, options: options)
        } catch {
            result.problems.append("\(file.name): cannot load \(file.model): \(error)")
            return result
        }
        result.problems += Self.declarationProblems(file, session)
        for testCase in file.cases {
            let place = "\(file.name)/\(testCase.name)"
            let outputs: RunOutputs
            do {
                outputs = try session.run(try testCase.feeds(feedMode))
            } catch {
                result.problems.append("\(place): run failed: \(error)")
                continue
            }
            result.casesRun += 1
            // All outputs were requested: they must come back in model order.
            let declared = session.outputs.map(\.name)
            if outputs.names != declared {
                result.problems.append("\(place): outputs came back as \(outputs.names), model order is \(declared)")
            }
            var comparer = ValueComparer(tolerance: file.tolerance)
            for entry in testCase.outputs {
                comparer.compare(entry.value, outputs[entry.name], at: "\(place): output '\(entry.name)'")
                result.outputsCompared += 1
            }
            result.elementsCompared += comparer.comparedElements
            result.problems += comparer.mismatches
        }
        return result
    }

    /// Problems with the file's input/output names and types compared with what the session declares.
    static func declarationProblems(_ file: ModelCaseFile, _ session: Session) -> [String] {
        var problems: [String] = []
        let inputs = Dictionary(session.inputs.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let initializers = Dictionary(
            session.overridableInitializers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let outputs = Dictionary(session.outputs.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for testCase in file.cases {
            let place = "\(file.name)/\(testCase.name)"
            let given = Set(testCase.inputs.map(\.name))
            // Every model input appears in every case (an absent optional is written with "element": null);
            // overridable initializers may be left out.
            let missing = Set(inputs.keys).subtracting(given)
            if !missing.isEmpty { problems.append("\(place): model inputs \(missing.sorted()) missing from the case") }
            for entry in testCase.inputs {
                guard let info = inputs[entry.name] ?? initializers[entry.name] else {
                    problems.append(
                        "\(place): case input '\(entry.name)' is neither a model input \(inputs.keys.sorted()) nor an "
                            + "overridable initializer \(initializers.keys.sorted())")
                    continue
                }
                if let problem = entry.value.mismatch(against: info.type) {
                    problems.append("\(place): input '\(entry.name)': \(problem)")
                }
            }
            let expectedOutputs = Set(testCase.outputs.map(\.name))
            if expectedOutputs != Set(outputs.keys) {
                problems.append(
                    "\(place): case outputs \(expectedOutputs.sorted()) differ from model outputs "
                        + "\(outputs.keys.sorted())")
            }
            for entry in testCase.outputs {
                guard let info = outputs[entry.name] else { continue }
                if let problem = entry.value.mismatch(against: info.type) {
                    problems.append("\(place): output '\(entry.name)': \(problem)")
                }
            }
        }
        return problems
    }
}
