import ONNXRuntime

/// The subset of Python literal syntax a `.npy` header uses: a dict of string keys whose values are strings,
/// booleans, `None`, integers, and tuples or lists of those.
///
/// The parser is bounded: nesting is capped at ``maximumDepth`` and integers must fit in `Int`, so a hostile header
/// cannot exhaust the stack or trap.
indirect enum PythonLiteral: Equatable, Sendable {
    case dict([(key: String, value: PythonLiteral)])
    case tuple([PythonLiteral])
    case list([PythonLiteral])
    case string(String)
    case integer(Int)
    case bool(Bool)
    case none

    /// The deepest nesting of tuples, lists and dicts accepted.
    static let maximumDepth = 32

    static func == (lhs: PythonLiteral, rhs: PythonLiteral) -> Bool {
        switch (lhs, rhs) {
        case (.dict(let a), .dict(let b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case (.tuple(let a), .tuple(let b)), (.list(let a), .list(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.integer(let a), .integer(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.none, .none): true
        default: false
        }
    }

    /// Parses one literal that spans all of `text` but surrounding whitespace.
    /// - Throws: `ORTError.Code.malformedData` saying what was expected where.
    static func parse(_ text: String) throws(ORTError) -> PythonLiteral {
        var parser = Parser(scalars: Array(text.unicodeScalars))
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == parser.scalars.count else {
            throw parser.error("unexpected text after the literal")
        }
        return value
    }

    private struct Parser {
        let scalars: [Unicode.Scalar]
        var index = 0

        func error(_ message: String) -> ORTError {
            .malformed("\(message) at character \(index) of the header")
        }

        mutating func skipWhitespace() {
            while index < scalars.count, [" ", "\t", "\n", "\r"].contains(scalars[index]) {
                index += 1
            }
        }

        /// The next non-space character, without consuming it.
        mutating func peek() -> Unicode.Scalar? {
            skipWhitespace()
            return index < scalars.count ? scalars[index] : nil
        }

        mutating func expect(_ scalar: Unicode.Scalar) throws(ORTError) {
            guard peek() == scalar else { throw error("expected '\(scalar)'") }
            index += 1
        }

        mutating func value(depth: Int) throws(ORTError) -> PythonLiteral {
            guard depth <= PythonLiteral.maximumDepth else { throw error("literal nested too deeply") }
            guard let next = peek() else { throw error("unexpected end of the header") }
            switch next {
            case "{":
                index += 1
                var entries: [(key: String, value: PythonLiteral)] = []
                while peek() != "}" {
                    guard case .string(let key) = try value(depth: depth + 1) else {
                        throw error("dict keys must be strings")
                    }
                    try expect(":")
                    entries.append((key, try value(depth: depth + 1)))
                    guard peek() == "," else { break }
                    index += 1
                }
                try expect("}")
                return .dict(entries)
            case "(", "[":
                index += 1
                let close: Unicode.Scalar = next == "(" ? ")" : "]"
                var items: [PythonLiteral] = []
                var sawComma = false
                while peek() != close {
                    items.append(try value(depth: depth + 1))
                    guard peek() == "," else { break }
                    sawComma = true
                    index += 1
                }
                try expect(close)
                if next == "[" { return .list(items) }
                // `(x)` is just x in Python; `(x,)` is a one-element tuple.
                return items.count == 1 && !sawComma ? items[0] : .tuple(items)
            case "'", "\"":
                return .string(try string(quote: next))
            case "-", "0"..."9":
                return .integer(try integer())
            default:
                return try word()
            }
        }

        mutating func string(quote: Unicode.Scalar) throws(ORTError) -> String {
            index += 1
            var result = String.UnicodeScalarView()
            while index < scalars.count {
                let scalar = scalars[index]
                index += 1
                if scalar == quote { return String(result) }
                if scalar == "\\" {
                    guard index < scalars.count else { break }
                    result.append(scalars[index])
                    index += 1
                } else {
                    result.append(scalar)
                }
            }
            throw error("unterminated string")
        }

        mutating func integer() throws(ORTError) -> Int {
            let negative = scalars[index] == "-"
            if negative { index += 1 }
            var value = 0
            var digits = 0
            while index < scalars.count, ("0"..."9").contains(scalars[index]) {
                let digit = Int(scalars[index].value - 48)
                let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = shifted.addingReportingOverflow(digit)
                guard !overflow1, !overflow2 else { throw error("integer too large") }
                value = sum
                digits += 1
                index += 1
            }
            guard digits > 0 else { throw error("expected digits") }
            // Python 2 wrote long integers with an L suffix, and old .npy files keep it.
            if index < scalars.count, scalars[index] == "L" { index += 1 }
            return negative ? -value : value
        }

        mutating func word() throws(ORTError) -> PythonLiteral {
            var name = ""
            while index < scalars.count, scalars[index].properties.isAlphabetic {
                name.unicodeScalars.append(scalars[index])
                index += 1
            }
            switch name {
            case "True": return .bool(true)
            case "False": return .bool(false)
            case "None": return .none
            default: throw error(name.isEmpty ? "unexpected character" : "unexpected name '\(name)'")
            }
        }
    }
}
