#if Server
import Foundation
import Testing

/// The README's "Tools and examples" commands, run as written (from the package root) against the built `ort`.
@Suite("README: the ort commands of 'Tools and examples'")
struct ReadmeToolsTests {
    /// The `ort` argument lists of the section's `swift run --traits Server ort ...` lines, comments removed.
    static func commands() throws -> [[String]] {
        let readme = try String(contentsOf: Paths.root.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "## Tools and examples").dropFirst().first)
        let block = try #require(section.components(separatedBy: "```").dropFirst().first)
        let prefix = "swift run --traits Server ort "
        return block.split(separator: "\n").compactMap { line in
            guard line.hasPrefix(prefix) else { return nil }
            let command = line.dropFirst(prefix.count).split(separator: "#", maxSplits: 1)[0]
            return command.split(separator: " ").map(String.init)
        }
    }

    /// What each command must print, computed independently (NumPy for `run`, the model file for `inspect`).
    static let expected: [String: [String]] = [
        "inspect": ["A: tensor(float) [N, 3]", "B: tensor(float) [N, 3]"],
        "run": [
            "plus1: tensor(float) [2, 3] = [2, 6, 4, 7, 3, 5]", "times2: tensor(float) [2, 3] = [2, 10, 6, 12, 4, 8]",
            "total: tensor(float) [] = [21]", "argmax: tensor(int64) [2] = [1, 0]",
        ],
        "bench": ["200 runs, concurrency 1"],
        "devices": ["CPUExecutionProvider"],
    ]

    @Test("every command runs from the package root and prints what it should")
    func commandsRun() throws {
        let commands = try Self.commands()
        #expect(Set(commands.map { $0[0] }) == Set(Self.expected.keys))
        for arguments in commands {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Paths.ort)
            process.arguments = arguments
            process.currentDirectoryURL = Paths.root
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try process.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "ort \(arguments.joined(separator: " ")): \(text)")
            for line in Self.expected[arguments[0]] ?? [] {
                #expect(text.contains(line), "ort \(arguments.joined(separator: " ")) printed:\n\(text)")
            }
        }
    }
}
#endif
