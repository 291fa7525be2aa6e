// A small gzip reader (RFC 1952) with its own DEFLATE decoder (RFC 1951), so that the example reads the original
// `.gz` MNIST files with no zlib binding and no external `gzip` program. Stored, fixed-Huffman and dynamic-Huffman
// blocks are supported, as are concatenated gzip members; the CRC-32 and length in each member's trailer are checked.

/// Decompression of gzip data.
enum Gzip {
    /// Whether the bytes start with the gzip magic number (1f 8b).
    static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }

    /// Decompresses every gzip member in `bytes`.
    /// - Throws: ``ExampleError`` saying what is wrong with the data (without naming the file).
    static func decompress(_ bytes: [UInt8]) throws(ExampleError) -> [UInt8] {
        var output: [UInt8] = []
        // The last member's trailer holds its uncompressed size modulo 2^32: a good first guess for the capacity.
        if bytes.count >= 4 {
            let size = bytes[(bytes.count - 4)...].reversed().reduce(0) { $0 << 8 | Int($1) }
            output.reserveCapacity(min(size, 1 << 30))
        }
        var position = 0
        repeat {
            position = try member(bytes, at: position, into: &output)
        } while position + 1 < bytes.count && bytes[position] == 0x1f && bytes[position + 1] == 0x8b
        if bytes[position...].contains(where: { $0 != 0 }) {
            throw ExampleError("unexpected data after the end of the gzip stream")
        }
        return output
    }

    /// Decodes one gzip member starting at `start`; returns the position after it.
    private static func member(_ bytes: [UInt8], at start: Int, into output: inout [UInt8]) throws(ExampleError)
        -> Int
    {
        guard bytes.count - start >= 18 else { throw ExampleError("gzip data is truncated (no complete header)") }
        guard bytes[start] == 0x1f, bytes[start + 1] == 0x8b else { throw ExampleError("not gzip data") }
        guard bytes[start + 2] == 8 else {
            throw ExampleError("unsupported gzip compression method \(bytes[start + 2]) (only 8, deflate, exists)")
        }
        let flags = bytes[start + 3]
        guard flags & 0xe0 == 0 else { throw ExampleError("gzip header has reserved flag bits set") }
        var position = start + 10  // after ID1 ID2 CM FLG MTIME(4) XFL OS
        func skipZeroTerminated() throws(ExampleError) {
            guard let end = bytes[position...].firstIndex(of: 0) else {
                throw ExampleError("gzip data is truncated (in the header)")
            }
            position = end + 1
        }
        if flags & 0x04 != 0 {  // FEXTRA
            guard position + 2 <= bytes.count else { throw ExampleError("gzip data is truncated (in the header)") }
            position += 2 + (Int(bytes[position]) | Int(bytes[position + 1]) << 8)
        }
        if flags & 0x08 != 0 { try skipZeroTerminated() }  // FNAME
        if flags & 0x10 != 0 { try skipZeroTerminated() }  // FCOMMENT
        if flags & 0x02 != 0 { position += 2 }  // FHCRC
        guard position <= bytes.count else { throw ExampleError("gzip data is truncated (in the header)") }

        let first = output.count
        var inflater = Inflater(bytes, from: position)
        try inflater.inflate(into: &output)
        position = inflater.bytePosition
        guard position + 8 <= bytes.count else { throw ExampleError("gzip data is truncated (no trailer)") }
        func littleEndian32(_ at: Int) -> UInt32 {
            (0..<4).reduce(0) { $0 | UInt32(bytes[at + $1]) << (8 * UInt32($1)) }
        }
        let crc = CRC32.checksum(output[first...])
        guard crc == littleEndian32(position) else {
            throw ExampleError(
                "gzip data is corrupt: CRC-32 is \(hex(crc)), the trailer says \(hex(littleEndian32(position)))")
        }
        guard UInt32(truncatingIfNeeded: output.count - first) == littleEndian32(position + 4) else {
            throw ExampleError(
                "gzip data is corrupt: \(output.count - first) bytes decompressed, the trailer says "
                    + "\(littleEndian32(position + 4))")
        }
        return position + 8
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }
}

/// CRC-32 (ISO-HDLC, reflected polynomial 0xEDB88320), as gzip uses it.
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { index in
        var crc = UInt32(index)
        for _ in 0..<8 { crc = crc & 1 != 0 ? 0xedb8_8320 ^ (crc >> 1) : crc >> 1 }
        return crc
    }

    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xffff_ffff
        table.withUnsafeBufferPointer { table in
            for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xff)] ^ (crc >> 8) }
        }
        return ~crc
    }
}

/// A canonical Huffman code as a lookup table indexed by the next `maxLength` input bits (least significant first).
private struct HuffmanTable {
    /// Each entry is `symbol << 4 | codeLength`; 0 marks bit patterns that are no code.
    var entries: [UInt16]
    var maxLength: Int

    /// Builds the table from the code length of each symbol (0: the symbol is unused).
    init(lengths: [UInt8], name: String) throws(ExampleError) {
        var counts = [Int](repeating: 0, count: 16)
        for length in lengths { counts[Int(length)] += 1 }
        counts[0] = 0
        // A code with more codes of some length than that length can hold is invalid (over-subscribed).
        var left = 1
        for length in 1...15 {
            left = left << 1 - counts[length]
            guard left >= 0 else { throw ExampleError("corrupt deflate data: over-subscribed \(name) code") }
        }
        maxLength = lengths.max().map(Int.init) ?? 0
        entries = [UInt16](repeating: 0, count: 1 << maxLength)
        var next = [Int](repeating: 0, count: 16)
        var code = 0
        for length in 1..<16 {
            code = (code + counts[length - 1]) << 1
            next[length] = code
        }
        for (symbol, length) in lengths.enumerated() where length > 0 {
            let length = Int(length)
            let code = next[length]
            next[length] += 1
            // Deflate sends Huffman codes most significant bit first, so the table index is the reversed code.
            var reversed = 0
            for bit in 0..<length where code & (1 << bit) != 0 { reversed |= 1 << (length - 1 - bit) }
            let entry = UInt16(symbol << 4 | length)
            var index = reversed
            while index < entries.count {
                entries[index] = entry
                index += 1 << length
            }
        }
    }
}

/// A DEFLATE decoder over a byte array.
private struct Inflater {
    let bytes: [UInt8]
    var position: Int
    var bitBuffer: UInt64 = 0
    var bitCount = 0

    init(_ bytes: [UInt8], from position: Int) {
        self.bytes = bytes
        self.position = position
    }

    /// The position of the first byte not yet consumed (after the last block, rounded up to a whole byte).
    var bytePosition: Int { position - bitCount / 8 }

    static let truncated = ExampleError("gzip data is truncated (the compressed stream ends early)")
    static let lengthBase: [Int] = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227,
        258,
    ]
    static let lengthExtra: [Int] = [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
    ]
    static let distanceBase: [Int] = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
        6145, 8193, 12289, 16385, 24577,
    ]
    static let distanceExtra: [Int] = [
        0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
    ]
    static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    mutating func refill() {
        while bitCount <= 56 && position < bytes.count {
            bitBuffer |= UInt64(bytes[position]) << UInt64(bitCount)
            position += 1
            bitCount += 8
        }
    }

    mutating func bits(_ count: Int) throws(ExampleError) -> Int {
        if bitCount < count {
            refill()
            guard bitCount >= count else { throw Self.truncated }
        }
        let value = Int(bitBuffer & ((1 << UInt64(count)) - 1))
        bitBuffer >>= UInt64(count)
        bitCount -= count
        return value
    }

    mutating func decode(_ table: HuffmanTable) throws(ExampleError) -> Int {
        if bitCount < table.maxLength { refill() }
        let entry = Int(table.entries[Int(bitBuffer & ((1 << UInt64(table.maxLength)) - 1))])
        let length = entry & 15
        guard length > 0 else { throw ExampleError("corrupt deflate data: a bit pattern that is no Huffman code") }
        guard length <= bitCount else { throw Self.truncated }
        bitBuffer >>= UInt64(length)
        bitCount -= length
        return entry >> 4
    }

    mutating func inflate(into output: inout [UInt8]) throws(ExampleError) {
        var last = false
        while !last {
            last = try bits(1) == 1
            switch try bits(2) {
            case 0: try stored(into: &output)
            case 1: try huffman(Self.fixedLiterals, Self.fixedDistances, into: &output)
            case 2:
                let (literals, distances) = try dynamicTables()
                try huffman(literals, distances, into: &output)
            default: throw ExampleError("corrupt deflate data: invalid block type 3")
            }
        }
    }

    mutating func stored(into output: inout [UInt8]) throws(ExampleError) {
        // Skip to a byte boundary, then LEN and NLEN (one's complement of LEN), then LEN raw bytes.
        _ = try bits(bitCount % 8)
        let length = try bits(16)
        let complement = try bits(16)
        guard length == ~complement & 0xffff else {
            throw ExampleError("corrupt deflate data: stored block length does not match its complement")
        }
        position = bytePosition
        bitBuffer = 0
        bitCount = 0
        guard position + length <= bytes.count else { throw Self.truncated }
        output.append(contentsOf: bytes[position..<(position + length)])
        position += length
    }

    static let fixedLiterals = try! HuffmanTable(
        lengths: (0..<288).map { $0 < 144 ? 8 : $0 < 256 ? 9 : $0 < 280 ? 7 : 8 }, name: "fixed literal/length")
    static let fixedDistances = try! HuffmanTable(lengths: [UInt8](repeating: 5, count: 30), name: "fixed distance")

    mutating func dynamicTables() throws(ExampleError) -> (HuffmanTable, HuffmanTable) {
        let literalCount = try bits(5) + 257
        let distanceCount = try bits(5) + 1
        let codeLengthCount = try bits(4) + 4
        guard literalCount <= 286, distanceCount <= 30 else {
            throw ExampleError("corrupt deflate data: too many literal/length or distance codes")
        }
        var codeLengthLengths = [UInt8](repeating: 0, count: 19)
        for index in 0..<codeLengthCount {
            codeLengthLengths[Self.codeLengthOrder[index]] = UInt8(try bits(3))
        }
        let codeLengths = try HuffmanTable(lengths: codeLengthLengths, name: "code length")
        var lengths: [UInt8] = []
        lengths.reserveCapacity(literalCount + distanceCount)
        while lengths.count < literalCount + distanceCount {
            let symbol = try decode(codeLengths)
            var repeated: UInt8 = 0
            var times = 1
            switch symbol {
            case 0...15: repeated = UInt8(symbol)
            case 16:
                guard let previous = lengths.last else {
                    throw ExampleError("corrupt deflate data: a repeat code with nothing to repeat")
                }
                repeated = previous
                times = 3 + (try bits(2))
            case 17: times = 3 + (try bits(3))
            default: times = 11 + (try bits(7))
            }
            guard lengths.count + times <= literalCount + distanceCount else {
                throw ExampleError("corrupt deflate data: code lengths run past their end")
            }
            lengths.append(contentsOf: repeatElement(repeated, count: times))
        }
        guard lengths[256] != 0 else { throw ExampleError("corrupt deflate data: no end-of-block code") }
        return (
            try HuffmanTable(lengths: Array(lengths[..<literalCount]), name: "literal/length"),
            try HuffmanTable(lengths: Array(lengths[literalCount...]), name: "distance")
        )
    }

    mutating func huffman(_ literals: HuffmanTable, _ distances: HuffmanTable, into output: inout [UInt8])
        throws(ExampleError)
    {
        while true {
            let symbol = try decode(literals)
            if symbol < 256 {
                output.append(UInt8(symbol))
                continue
            }
            if symbol == 256 { return }
            let lengthCode = symbol - 257
            guard lengthCode < 29 else { throw ExampleError("corrupt deflate data: invalid length code \(symbol)") }
            let length = Self.lengthBase[lengthCode] + (try bits(Self.lengthExtra[lengthCode]))
            let distanceCode = try decode(distances)
            guard distanceCode < 30 else {
                throw ExampleError("corrupt deflate data: invalid distance code \(distanceCode)")
            }
            let distance = Self.distanceBase[distanceCode] + (try bits(Self.distanceExtra[distanceCode]))
            guard distance <= output.count else {
                throw ExampleError("corrupt deflate data: a match reaches back before the start of the output")
            }
            // Byte by byte: a match may overlap the bytes it produces (distance < length).
            let start = output.count - distance
            for offset in 0..<length { output.append(output[start + offset]) }
        }
    }
}
