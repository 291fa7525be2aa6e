import Foundation
import KServeProtocol
import Testing

@Suite("JSON parser and writer")
struct JSONTests {
    @Test("integers stay exact across the whole 64-bit ranges")
    func integers() throws {
        let value = try JSONParser.parse("[-9223372036854775808, 9223372036854775807, 18446744073709551615, 0, -0]")
        #expect(
            value
                == .array([
                    .number(.int(.min)), .number(.int(.max)), .number(.uint(.max)), .number(.int(0)), .number(.int(0)),
                ]))
        #expect(try JSONParser.parse("18446744073709551616") == .number(.double(18446744073709551616)))
        #expect(try JSONParser.parse("1.5e3") == .number(.double(1500)))
        #expect(try JSONParser.parse("-1E-2") == .number(.double(-0.01)))
    }

    @Test("decimal numbers parse to the same Double as the C library's strtod, on both sides of the fast path")
    func decimals() throws {
        var texts = [
            "0.0", "-0.0", "0.1", "0.2", "0.3", "1.7976931348623157e308", "5e-324", "2.2250738585072014e-308",
            "9007199254740993.0", "9007199254740992.5", "0.1e23", "1e22", "1e23", "1e-22", "1e-23",
            "123456789012345678.9", "0.00000000000000000000000000001", "3.14159265358979323846264338327950288",
            "0.11764706", "0.99607843", "1e400", "-1e400", "1e-400", "4.9406564584124654e-324",
            "12345678901234567890e-5",
            "8.98846567431158e307", "1.0000000000000002", "0.30000000000000004", "1E+2", "1e-0", "2.5E-3",
        ]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            let digits = Int.random(in: 1...20, using: &generator)
            let mantissa = String((0..<digits).map { _ in "0123456789".randomElement(using: &generator)! })
            let point = Int.random(in: 0...digits, using: &generator)
            var text = String(mantissa.prefix(point)) + "." + String(mantissa.dropFirst(point))
            if text.hasPrefix(".") { text = "0" + text }
            if text.hasSuffix(".") { text += "0" }
            while text.hasPrefix("0") && !text.hasPrefix("0.") { text.removeFirst() }
            if Bool.random(using: &generator) { text += "e\(Int.random(in: -30...30, using: &generator))" }
            texts.append(Bool.random(using: &generator) ? "-" + text : text)
        }
        try Self.expectStrtodResults(texts)
    }

    @Test("17- to 19-digit decimals over the whole exponent range parse to strtod's Double")
    func longDecimals() throws {
        var generator = SystemRandomNumberGenerator()
        var texts: [String] = []
        for _ in 0..<20000 {
            let digits = Int.random(in: 15...19, using: &generator)
            var mantissa = String(Int.random(in: 1...9, using: &generator))
            mantissa += String((1..<digits).map { _ in "0123456789".randomElement(using: &generator)! })
            texts.append("\(mantissa)e\(Int.random(in: -345...310, using: &generator))")
        }
        // Ties and their neighbours: (2t + 1) × 2^(s − 1) is exactly halfway between two doubles.
        for _ in 0..<2000 {
            let top = UInt64.random(in: (1 << 52)..<(1 << 53), using: &generator)
            let shift = UInt64.random(in: 1...10, using: &generator)
            let tie = (top << shift) + (1 << (shift - 1))
            texts += ["\(tie).0", "\(tie - 1).0", "\(tie + 1).0"]
        }
        try Self.expectStrtodResults(texts)
    }

    @Test("FP32 pixel values printed with 17 digits are converted without the C library, to strtod's Double")
    func pixelValuesTakeTheFastPath() throws {
        for level in 1..<255 {
            // As Python prints float32(level / 255) widened to float64: 16 or 17 significant digits.
            let text = "\(Double(Float(level) / 255))"
            let parts = text.split(separator: ".")
            let significand = UInt64(parts[0] + parts[1])!
            let converted = DecimalToDouble.convert(significand: significand, decimalExponent: -parts[1].count)
            let expected = text.withCString { strtod($0, nil) }
            #expect(converted?.bitPattern == expected.bitPattern, "\(text)")
        }
        // What it leaves to the C library: a tie, a subnormal, an overflow, a power of ten outside its table.
        #expect(DecimalToDouble.convert(significand: 9_007_199_254_740_993, decimalExponent: 0) == nil)
        #expect(DecimalToDouble.convert(significand: 49_406_564_584_124_654, decimalExponent: -340) == nil)
        #expect(DecimalToDouble.convert(significand: 17_976_931_348_623_159, decimalExponent: 292) == nil)
        #expect(DecimalToDouble.convert(significand: 1, decimalExponent: -343) == nil)
        #expect(DecimalToDouble.convert(significand: 1, decimalExponent: 309) == nil)
        #expect(DecimalToDouble.convert(significand: 0, decimalExponent: 5) == 0)
    }

    /// Each text parses as a number whose `Double` has the same bits as the C library's `strtod` gives.
    static func expectStrtodResults(_ texts: [String]) throws {
        for text in texts {
            let expected = text.withCString { strtod($0, nil) }
            guard case .number(let number) = try JSONParser.parse(text) else {
                Issue.record("\(text) did not parse as a number")
                continue
            }
            #expect(number.doubleValue.bitPattern == expected.bitPattern, "\(text)")
        }
    }

    @Test("strings: escapes, surrogate pairs, UTF-8")
    func strings() throws {
        #expect(try JSONParser.parse(#""a\"b\\c\/d\n\t\u00e9\ud83d\ude00ü""#) == .string("a\"b\\c/d\n\té😀ü"))
        var writer = JSONWriter()
        writer.write(.string("q\"\\\n\u{1}ü😀"))
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #""q\"\\\n\u0001ü😀""#)
        #expect(try JSONParser.parse(writer.bytes) == .string("q\"\\\n\u{1}ü😀"))
    }

    @Test("objects keep key order and round-trip")
    func objects() throws {
        let text = #"{"z":1,"a":[true,false,null],"m":{"k":"v"},"f":0.5}"#
        let value = try JSONParser.parse(text)
        #expect(value.objectValue?.keys == ["z", "a", "m", "f"])
        #expect(value.jsonText == text)
    }

    @Test(
        "malformed JSON is rejected with the offset",
        arguments: [
            "", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "tru", "\"abc", "\"\\x\"", "[1] 2", "{1:2}", "\"\u{1}\"",
            "\"\\ud800\"", "nul",
        ])
    func malformed(_ text: String) {
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(text) }
    }

    @Test("nesting depth is limited")
    func depth() throws {
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(deep) }
        let shallow = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        _ = try JSONParser.parse(shallow)
    }

    @Test("floats are written with the shortest text for their precision; non-finite values by name")
    func floats() {
        var writer = JSONWriter()
        writer.write(float: 0.1)
        writer.writeRaw(",")
        writer.write(double: 0.1)
        writer.writeRaw(",")
        writer.write(double: .infinity)
        writer.writeRaw(",")
        writer.write(float: -.infinity)
        writer.writeRaw(",")
        writer.write(double: .nan)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "0.1,0.1,Infinity,-Infinity,NaN")
    }

    // MARK: - Where the server's and the client's old readers differed

    @Test("integer accessors take integer literals only: 3.0 is not an integer (the client's old reader took it)")
    func integersAreLiterals() throws {
        #expect(try JSONParser.parse("3").int64Value == 3)
        #expect(try JSONParser.parse("3.0").int64Value == nil)
        #expect(try JSONParser.parse("3e0").int64Value == nil)
        #expect(try JSONParser.parse("18446744073709551615").uint64Value == 18_446_744_073_709_551_615)
        #expect(try JSONParser.parse("-1").uint64Value == nil)
        #expect(try JSONParser.parse("9223372036854775808").int64Value == nil)
        #expect(try JSONParser.parse("9223372036854775807").intValue == 9_223_372_036_854_775_807)
    }

    @Test("bytes that are not UTF-8 inside a string read as U+FFFD, as the server always did")
    func invalidUTF8InStrings() throws {
        let text: [UInt8] = [0x22, 0x61, 0xFF, 0x62, 0x22]  // "a\xFFb"
        #expect(try JSONParser.parse(text) == .string("a\u{FFFD}b"))
        let escaped: [UInt8] = [0x22, 0x5C, 0x6E, 0xC3, 0x22]  // "\n" then a lone lead byte
        #expect(try JSONParser.parse(escaped) == .string("\n\u{FFFD}"))
    }

    @Test("a caller may allow deeper nesting than the default (the client reads up to 512 levels)")
    func deeperNestingOnRequest() throws {
        let deep = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(deep) }
        _ = try JSONParser.parse(Array(deep.utf8), maximumDepth: 512)
        let deeper = "[" + deep + "]"
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(Array(deeper.utf8), maximumDepth: 512) }
    }

    @Test(
        "a Float written in its shortest form reads back exactly through Double (the client's old reader parsed Float directly)"
    )
    func floatsReadBackThroughDouble() throws {
        var values: [Float] = [
            0.1, 1 / 3, .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, 16_777_216,
            16_777_215, 3.4028235e38, 8.507059e37, 2.3509886e-38, -0.0,
            // 1.17549435e-38, 1.4e-45 and 7.006492e-45, by bit pattern (their literals warn of lost precision).
            Float(bitPattern: 0x0080_0000), Float(bitPattern: 1), Float(bitPattern: 5),
        ]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let value = Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &generator))
            if value.isFinite { values.append(value) }
        }
        for value in values {
            var writer = JSONWriter()
            writer.write(float: value)
            let read = try #require(try JSONParser.parse(writer.bytes).doubleValue)
            #expect(Float(read).bitPattern == value.bitPattern, "\(value)")
        }
    }
}
