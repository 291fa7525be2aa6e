#if Server
/// The rules for model names and version numbers, which keep every name a plain directory name inside a
/// repository.
///
/// A name is 1 to 255 characters from `A-Z a-z 0-9 _ - .`, not starting with `.` (so `.`, `..` and hidden entries
/// are impossible), with no `/`, `\`, `%` or control characters. A version is a positive decimal integer without
/// leading zeros, as in Triton's repository layout.
package enum ModelName {
    /// Whether `name` is a valid model name.
    package static func isValid(_ name: String) -> Bool {
        let utf8 = name.utf8
        guard !utf8.isEmpty, utf8.count <= 255, utf8.first != UInt8(ascii: ".") else { return false }
        return utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."):
                true
            default: false
            }
        }
    }

    /// Checks a model name from a request.
    /// - Throws: ``ServingError`` (400) saying what a valid name looks like.
    package static func validate(_ name: String) throws(ServingError) -> String {
        guard isValid(name) else {
            throw .badRequest(
                "invalid model name \(quoted(name)): names are 1-255 characters from A-Z a-z 0-9 _ - . and do not "
                    + "start with '.'")
        }
        return name
    }

    /// Parses a version directory name: a positive integer without leading zeros; anything else is not a version.
    package static func version(fromDirectoryName text: String) -> Int? {
        guard let first = text.utf8.first, first != UInt8(ascii: "0"), text.utf8.count <= 18,
            text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }
        return Int(text)
    }

    /// Parses a version from a request path.
    /// - Throws: ``ServingError`` (400) if it is not a positive integer.
    package static func validateVersion(_ text: String) throws(ServingError) -> Int {
        guard let version = version(fromDirectoryName: text) else {
            throw .badRequest(
                "invalid model version \(quoted(text)): versions are positive integers without leading zeros")
        }
        return version
    }

    /// The text quoted for a message, with control characters escaped and long text cut.
    static func quoted(_ text: String) -> String {
        var shown = ""
        for scalar in text.unicodeScalars.prefix(80) {
            shown += scalar.value < 0x20 || scalar.value == 0x7F ? scalar.escaped(asASCII: true) : String(scalar)
        }
        return "'\(shown)\(text.unicodeScalars.count > 80 ? "…" : "")'"
    }
}
#endif
