/// Digits drawn as text, in ASCII shades from ' ' (black background) to '@' (white ink).
enum Drawing {
    static let shades: [Character] = Array(" .:-=+*#%@")

    static func shade(_ value: Float) -> Character {
        shades[min(shades.count - 1, max(0, Int(value * Float(shades.count))))]
    }

    /// A 28x28 digit at full resolution, two characters per pixel so that it keeps its shape, in a frame.
    static func large(_ values: [Float]) -> [String] {
        let side = DigitSet.side
        let edge = "+" + String(repeating: "-", count: 2 * side) + "+"
        var lines = [edge]
        for y in 0..<side {
            let row = (0..<side).map { x in String(repeating: shade(values[y * side + x]), count: 2) }.joined()
            lines.append("|" + row + "|")
        }
        lines.append(edge)
        return lines
    }

    /// A 28x28 digit in 28 columns and 14 lines: each character shows the mean of two pixels one above the other.
    static func small(_ values: [Float]) -> [String] {
        let side = DigitSet.side
        let edge = "+" + String(repeating: "-", count: side) + "+"
        var lines = [edge]
        for y in stride(from: 0, to: side, by: 2) {
            let row = (0..<side).map { x in shade((values[y * side + x] + values[(y + 1) * side + x]) / 2) }
            lines.append("|" + String(row) + "|")
        }
        lines.append(edge)
        return lines
    }

    /// Blocks of lines next to each other, each under its caption, separated by `gap` spaces.
    static func sideBySide(_ blocks: [[String]], captions: [String], gap: Int = 3) -> [String] {
        let widths = blocks.map { block in block.map(\.count).max() ?? 0 }
        let height = blocks.map(\.count).max() ?? 0
        func pad(_ text: String, _ width: Int) -> String {
            text.count >= width ? String(text.prefix(width)) : text + String(repeating: " ", count: width - text.count)
        }
        let separator = String(repeating: " ", count: gap)
        var lines = [zip(captions, widths).map { pad($0, $1) }.joined(separator: separator)]
        for row in 0..<height {
            lines.append(
                zip(blocks, widths).map { block, width in pad(row < block.count ? block[row] : "", width) }
                    .joined(separator: separator))
        }
        return lines.map { String($0.reversed().drop(while: { $0 == " " }).reversed()) }
    }
}
