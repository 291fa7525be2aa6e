#if Server
import Foundation

/// Files of this repository that the tests read.
enum TestFiles {
    /// The package root.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `Tests/Models/NAME.onnx`.
    static func model(_ name: String) -> String {
        root.appendingPathComponent("Tests/Models/\(name).onnx").path
    }
}
#endif
