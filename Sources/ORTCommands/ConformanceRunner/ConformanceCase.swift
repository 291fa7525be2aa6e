#if Server
import ArgumentParser
import Foundation

/// One ONNX backend test case: a folder holding `model.onnx` and `test_data_set_*` folders of `input_<i>.pb` and
/// `output_<i>.pb` files.
public struct ConformanceCase: Sendable, Hashable, CustomStringConvertible {
    /// The case folder's name, such as `test_abs`.
    public var name: String
    /// The name of the folder holding the case folder, such as `node`.
    public var suite: String
    /// The case folder.
    public var directory: URL

    /// Creates a case from its folder.
    public init(directory: URL, suite: String? = nil) {
        self.directory = directory.standardizedFileURL
        name = self.directory.lastPathComponent
        self.suite = suite ?? self.directory.deletingLastPathComponent().lastPathComponent
    }

    /// `suite/name`.
    public var description: String { "\(suite)/\(name)" }

    /// The model file.
    public var modelURL: URL { directory.appendingPathComponent("model.onnx") }

    /// The `test_data_set_<n>` folders, in order of `n`.
    public func dataSets() throws -> [URL] {
        try Self.numbered(in: directory, prefix: "test_data_set_", suffix: "", directories: true)
    }

    /// The `<prefix><n><suffix>` entries of a folder, in order of `n`.
    static func numbered(in folder: URL, prefix: String, suffix: String, directories: Bool) throws -> [URL] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        let numbered: [(Int, String)] = names.compactMap { name in
            guard name.hasPrefix(prefix), name.hasSuffix(suffix), name.count > prefix.count + suffix.count else {
                return nil
            }
            let digits = name.dropFirst(prefix.count).dropLast(suffix.count)
            guard let number = Int(digits), digits.allSatisfy(\.isASCII) else { return nil }
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(
                atPath: folder.appendingPathComponent(name).path, isDirectory: &isDirectory)
            guard exists, isDirectory.boolValue == directories else { return nil }
            return (number, name)
        }
        return numbered.sorted { $0.0 < $1.0 }.map { folder.appendingPathComponent($0.1) }
    }

    /// The cases under each path: a path holding `model.onnx` is a case; otherwise every subfolder holding
    /// `model.onnx` is one, and so is every such folder one level further down (so both `data/node` and `data`
    /// work). Cases are sorted by suite and name; `filter`, a regular expression, keeps the cases whose name or
    /// `suite/name` it matches.
    /// - Throws: ``CommandError`` if a path is not a folder or holds no case; `ValidationError` if the filter is
    ///   not a valid regular expression.
    public static func discover(in paths: [String], filter: String? = nil) throws -> [ConformanceCase] {
        let regex = try filter.map { pattern in
            do {
                return try NSRegularExpression(pattern: pattern)
            } catch {
                throw ValidationError("--filter '\(pattern)' is not a valid regular expression")
            }
        }
        var cases: [ConformanceCase] = []
        var seen = Set<URL>()
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CommandError("'\(path)' is not a folder")
            }
            let root = URL(fileURLWithPath: path).standardizedFileURL
            var found: [ConformanceCase] = []
            if isCase(root) {
                found.append(ConformanceCase(directory: root))
            } else {
                for child in try subfolders(of: root) {
                    if isCase(child) {
                        found.append(ConformanceCase(directory: child, suite: root.lastPathComponent))
                        continue
                    }
                    for grandchild in try subfolders(of: child) where isCase(grandchild) {
                        found.append(ConformanceCase(directory: grandchild, suite: child.lastPathComponent))
                    }
                }
            }
            guard !found.isEmpty else {
                throw CommandError(
                    "'\(path)' holds no test case (a folder with model.onnx), neither itself nor its subfolders")
            }
            for testCase in found.sorted(by: { ($0.suite, $0.name) < ($1.suite, $1.name) })
            where seen.insert(testCase.directory).inserted {
                cases.append(testCase)
            }
        }
        guard let regex else { return cases }
        return cases.filter { testCase in
            [testCase.name, testCase.description].contains { text in
                regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
            }
        }
    }

    private static func isCase(_ folder: URL) -> Bool {
        FileManager.default.fileExists(atPath: folder.appendingPathComponent("model.onnx").path)
    }

    private static func subfolders(of folder: URL) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().compactMap { name in
            let url = folder.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue
            else { return nil }
            return url
        }
    }
}
#endif
