#if Server
/// Tokenizer and recursive-descent parser for `TextProtoMessage`.
struct TextProtoParser {
    enum TokenKind: Equatable {
        case identifier(String)
        case number(String)
        case string(String)
        case symbol(Character)
        case end
    }

    struct Token {
        var kind: TokenKind
        var line: Int
        var column: Int
    }

    private let characters: [Character]
    private let file: String?
    private var index = 0
    private var line = 1
    private var column = 1
    private var lookahead: Token?
    private var depth = 0

    init(text: String, file: String?) {
        self.characters = Array(text)
        self.file = file
    }

    mutating func parseTopLevel() throws(ModelConfigError) -> TextProtoMessage {
        let message = try parseFields(until: nil)
        let token = try next()
        guard token.kind == .end else { throw error(at: token, "unexpected \(describe(token.kind))") }
        return message
    }

    private mutating func parseFields(until closing: Character?) throws(ModelConfigError) -> TextProtoMessage {
        var fields: [TextProtoMessage.Field] = []
        while true {
            let token = try peek()
            switch token.kind {
            case .end:
                if let closing { throw error(at: token, "unexpected end of file: missing '\(closing)'") }
                return TextProtoMessage(fields: fields)
            case .symbol(let symbol) where symbol == closing:
                return TextProtoMessage(fields: fields)
            case .identifier(let name):
                _ = try next()
                try parseFieldValue(name: name, at: token, into: &fields)
                // Optional separator.
                if case .symbol(let symbol) = try peek().kind, symbol == "," || symbol == ";" { _ = try next() }
            default:
                throw error(at: token, "expected a field name, found \(describe(token.kind))")
            }
        }
    }

    private mutating func parseFieldValue(
        name: String, at nameToken: Token, into fields: inout [TextProtoMessage.Field]
    ) throws(ModelConfigError) {
        var token = try peek()
        var sawColon = false
        if token.kind == .symbol(":") {
            _ = try next()
            sawColon = true
            token = try peek()
        }
        func add(_ value: TextProtoMessage.Value) {
            fields.append(.init(name: name, line: nameToken.line, column: nameToken.column, value: value))
        }
        switch token.kind {
        case .symbol("{"), .symbol("<"):
            add(.message(try parseMessage()))
        case .symbol("["):
            _ = try next()
            if try peek().kind == .symbol("]") {
                _ = try next()
                return
            }
            while true {
                let element = try peek()
                switch element.kind {
                case .symbol("{"), .symbol("<"): add(.message(try parseMessage()))
                default:
                    guard sawColon else {
                        throw error(at: element, "a list of values needs ':' after the field name '\(name)'")
                    }
                    add(try parseScalar())
                }
                let separator = try next()
                if separator.kind == .symbol("]") { return }
                guard separator.kind == .symbol(",") else {
                    throw error(at: separator, "expected ',' or ']' in the list for '\(name)'")
                }
            }
        default:
            guard sawColon else {
                throw error(at: token, "expected ':' or '{' after the field name '\(name)'")
            }
            add(try parseScalar())
        }
    }

    private mutating func parseMessage() throws(ModelConfigError) -> TextProtoMessage {
        let open = try next()
        let closing: Character = open.kind == .symbol("<") ? ">" : "}"
        depth += 1
        defer { depth -= 1 }
        guard depth <= 32 else { throw error(at: open, "messages nested more than 32 levels deep") }
        let message = try parseFields(until: closing)
        _ = try next()  // the closing symbol
        return message
    }

    private mutating func parseScalar() throws(ModelConfigError) -> TextProtoMessage.Value {
        let token = try next()
        switch token.kind {
        case .number(let text): return .number(text)
        case .string(var text):
            // Adjacent strings concatenate.
            while case .string(let more) = try peek().kind {
                _ = try next()
                text += more
            }
            return .string(text)
        case .identifier(let text): return .identifier(text)
        default: throw error(at: token, "expected a value, found \(describe(token.kind))")
        }
    }

    // MARK: - Tokens

    private mutating func peek() throws(ModelConfigError) -> Token {
        if let lookahead { return lookahead }
        let token = try scan()
        lookahead = token
        return token
    }

    private mutating func next() throws(ModelConfigError) -> Token {
        let token = try peek()
        lookahead = nil
        return token
    }

    private mutating func scan() throws(ModelConfigError) -> Token {
        skipWhitespaceAndComments()
        let startLine = line
        let startColumn = column
        func token(_ kind: TokenKind) -> Token { Token(kind: kind, line: startLine, column: startColumn) }
        guard index < characters.count else { return token(.end) }
        let character = characters[index]
        if character.isLetter || character == "_" {
            var text = ""
            while index < characters.count,
                characters[index].isLetter || characters[index].isNumber || characters[index] == "_"
                    || characters[index] == "."
            {
                text.append(advance())
            }
            return token(.identifier(text))
        }
        if character.isNumber || character == "-" || character == "+" || character == "." {
            var text = ""
            while index < characters.count,
                characters[index].isNumber || characters[index].isLetter || "+-.".contains(characters[index])
            {
                // Signs are only valid first or right after an exponent marker.
                if "+-".contains(characters[index]), !text.isEmpty, !(text.last == "e" || text.last == "E") { break }
                text.append(advance())
            }
            guard text.contains(where: \.isNumber) else {
                throw ModelConfigError(
                    file: file, line: startLine, column: startColumn, "invalid number '\(text)'")
            }
            return token(.number(text))
        }
        if character == "\"" || character == "'" {
            return token(.string(try scanString(quote: character, line: startLine, column: startColumn)))
        }
        if "{}[]<>:,;".contains(character) {
            _ = advance()
            return token(.symbol(character))
        }
        throw ModelConfigError(file: file, line: startLine, column: startColumn, "unexpected character '\(character)'")
    }

    private mutating func scanString(quote: Character, line: Int, column: Int) throws(ModelConfigError) -> String {
        _ = advance()
        var text = ""
        while index < characters.count {
            let character = advance()
            if character == quote { return text }
            if character == "\n" { break }
            guard character == "\\" else {
                text.append(character)
                continue
            }
            guard index < characters.count else { break }
            let escape = advance()
            switch escape {
            case "n": text.append("\n")
            case "t": text.append("\t")
            case "r": text.append("\r")
            case "\\": text.append("\\")
            case "\"": text.append("\"")
            case "'": text.append("'")
            default:
                throw ModelConfigError(
                    file: file, line: self.line, column: self.column - 1, "unsupported escape '\\\(escape)' in a string"
                )
            }
        }
        throw ModelConfigError(file: file, line: line, column: column, "unterminated string")
    }

    private mutating func skipWhitespaceAndComments() {
        while index < characters.count {
            let character = characters[index]
            if character == "#" {
                while index < characters.count, characters[index] != "\n" { _ = advance() }
            } else if character.isWhitespace {
                _ = advance()
            } else {
                return
            }
        }
    }

    private mutating func advance() -> Character {
        let character = characters[index]
        index += 1
        if character == "\n" || character == "\r\n" {
            line += 1
            column = 1
        } else {
            column += 1
        }
        return character
    }

    private func error(at token: Token, _ message: String) -> ModelConfigError {
        ModelConfigError(file: file, line: token.line, column: token.column, message)
    }

    private func describe(_ kind: TokenKind) -> String {
        switch kind {
        case .identifier(let text): "'\(text)'"
        case .number(let text): "number \(text)"
        case .string(let text): "string \"\(text)\""
        case .symbol(let symbol): "'\(symbol)'"
        case .end: "end of file"
        }
    }
}
#endif
