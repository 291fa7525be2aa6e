import Foundation
import KServeProtocol
import Testing

/// The parser's compact arrays of numbers (``JSONValue/numbers(_:)``, asked for by the server's inference request
/// decoding) against the general path, which is the reference: the same input gives an equal value, the same text
/// when written, and the same error at the same byte offset.
@Suite("JSON compact number arrays")
struct JSONCompactArrayTests {
    /// Parses `text` both ways; both must succeed with equal values or fail with the same error.
    private func expectSameResult(_ text: String, maximumDepth: Int = JSONParser.defaultMaximumDepth) {
        let general = Result { () throws(JSONParser.Error) in try JSONParser.parse(text, maximumDepth: maximumDepth) }
        let compact = Result { () throws(JSONParser.Error) in
            try JSONParser.parse(text, maximumDepth: maximumDepth, compactNumberArrays: true)
        }
        switch (general, compact) {
        case (.success(let reference), .success(let value)):
            // NaN is not equal to itself: compare the written text too, which names it.
            #expect(value == reference || text.contains("NaN"), "\(text)")
            #expect(value.jsonText == reference.jsonText, "\(text)")
            var referenceHasher = Hasher()
            reference.hash(into: &referenceHasher)
            var hasher = Hasher()
            value.hash(into: &hasher)
            #expect(hasher.finalize() == referenceHasher.finalize(), "\(text)")
        case (.failure(let reference), .failure(let error)):
            #expect(error == reference, "\(text)")
        default:
            Issue.record("\(text): general \(general), compact \(compact)")
        }
    }

    /// The error a compact parse of `text` gives, as its description (message and offset).
    private func compactError(_ text: String) -> String? {
        do {
            _ = try JSONParser.parse(text, compactNumberArrays: true)
            return nil
        } catch {
            return error.description
        }
    }

    @Test(
        "valid arrays parse to values equal to the general path's",
        arguments: [
            "[1,2,3]", " [ 1 , -2 ,\n3 ] ", "[0.5, 1, -2.25e3, 1E-2, -0.0, 0]", "[NaN]", "[Infinity, -Infinity, 1]",
            "[-9223372036854775808, 9223372036854775807, 18446744073709551615, 18446744073709551616]",
            "[1e400, -1e400, 1e-400, 5e-324, 4.9406564584124654e-324, 1.7976931348623157e308, 1e-342, 1e308]",
            "[12345678901234567890123456789, 0.1234567890123456789012345, 9007199254740993]",
            "[0.0039215688593685627, 0.99607843160629272, 0.50196081399917603]",
            "[0.0, -0.0, 0e500, -0e-500, 0.0000000000000000000000001, 0.00000000000000000000]",
            "[1, \"a\", 2]", "[\"a\", 1, 2]", "[1, 2, true]", "[1, null]", "[1, [2, 3], 4]", "[[1, 2], [3, 4]]",
            "[[1, 2], 3]", "[[], [1]]", "[]", "[[]]", "[1, {\"a\": [2, 3]}]", "{\"data\": [1, 2], \"shape\": [2]}",
            "[[[0.5]], [[1.5]]]", "[1,[2,[3,[4]]]]",
        ])
    func validArrays(_ text: String) {
        expectSameResult(text)
    }

    @Test(
        "malformed arrays are refused with the general path's error and offset",
        arguments: [
            "[1,]", "[1 2]", "[1,,2]", "[1", "[1,", "[1, 2", "[01]", "[1.]", "[-]", "[1e]", "[1e+]", "[.5]",
            "[-Inf]", "[-Infinity", "[NaN", "[Nan]", "[Infinit]", "[1, NaNa]", "[+1]", "[1, 2}", "[1, -]", "[1]]",
            "[1, 2, \"a", "[1, 2, x]", "[1,\t2,\n]", "[1 , , ]", "[0x10]", "[1, 2.5.5]", "[1, 2e5e5]", "[-01]",
        ])
    func malformedArrays(_ text: String) {
        expectSameResult(text)
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(text, compactNumberArrays: true) }
    }

    @Test("every truncation of a request's data array fails or succeeds as the general path does")
    func truncations() {
        let text = #"{"inputs":[{"data":[[1, -2.5e-3, NaN], [Infinity, -Infinity, 18446744073709551615]]}]}"#
        let bytes = Array(text.utf8)
        for end in 0...bytes.count {
            expectSameResult(String(decoding: bytes[0..<end], as: UTF8.self))
        }
        // By hand: the array is cut after "2", where ',' or ']' must follow.
        #expect(compactError("[1, 2") == "invalid JSON at byte 5: expected ',' or ']' in an array")
        #expect(compactError("[1, ") == "invalid JSON at byte 4: unexpected end of input, expected a value")
    }

    @Test("numbers are kept compactly with their exact values; other arrays stay general")
    func representation() throws {
        let value = try JSONParser.parse(
            "[1, -9223372036854775808, 18446744073709551615, 0.25, 1e400, NaN, -Infinity]", compactNumberArrays: true)
        guard case .numbers(let numbers) = value else {
            Issue.record("expected a compact array, got \(value)")
            return
        }
        #expect(numbers.count == 7)
        #expect(Array(numbers[0..<5]) == [.int(1), .int(.min), .uint(.max), .double(0.25), .double(.infinity)])
        #expect(numbers[5].doubleValue.isNaN)
        #expect(numbers[6] == .double(-.infinity))
        #expect(value.kindDescription == "an array")
        #expect(value.isArray)
        let elements = value.arrayValue ?? []
        #expect(elements.count == 7)
        #expect(
            Array(elements.prefix(5)) == [
                .number(.int(1)), .number(.int(.min)), .number(.uint(.max)), .number(.double(0.25)),
                .number(.double(.infinity)),
            ])
        #expect(value.jsonText == "[1,-9223372036854775808,18446744073709551615,0.25,Infinity,NaN,-Infinity]")

        let nested = try JSONParser.parse("[[1, 2], [3]]", compactNumberArrays: true)
        #expect(nested == .array([.numbers([.int(1), .int(2)]), .numbers([.int(3)])]))
        guard case .array(let rows) = nested, case .numbers = rows[0] else {
            Issue.record("expected an array of compact rows, got \(nested)")
            return
        }
        guard case .array = try JSONParser.parse("[1, \"a\"]", compactNumberArrays: true) else {
            Issue.record("a mixed array must stay general")
            return
        }
        #expect(try JSONParser.parse("[]", compactNumberArrays: true) == .array([]))
        // Without the option nothing changes.
        guard case .array = try JSONParser.parse("[1, 2]") else {
            Issue.record("the general path must not make compact arrays")
            return
        }
        // Zeros keep the literal's sign.
        guard case .numbers(let zeros) = try JSONParser.parse("[0.0, -0.0, -0e9]", compactNumberArrays: true) else {
            Issue.record("expected a compact array of zeros")
            return
        }
        #expect(zeros.map(\.doubleValue.sign) == [.plus, .minus, .minus])
        // Equal values hash alike, so a set holds one of each.
        let set: Set<JSONValue> = [
            .numbers([.int(1), .double(2.5)]), .array([.number(.int(1)), .number(.double(2.5))]),
        ]
        #expect(set.count == 1)
        #expect(JSONValue.numbers([.int(1)]) != .array([.number(.double(1))]))
        #expect(JSONValue.numbers([.int(1)]) != .array([.number(.int(1)), .number(.int(2))]))
    }

    @Test("nesting at the depth limit: a compact innermost array counts as one level, as before")
    func depthLimit() throws {
        let atLimit = String(repeating: "[", count: 63) + "[1, 2.5]" + String(repeating: "]", count: 63)
        expectSameResult(atLimit)
        var innermost = try JSONParser.parse(atLimit, compactNumberArrays: true)
        for _ in 0..<63 {
            guard case .array(let elements) = innermost, elements.count == 1 else {
                Issue.record("expected one element per level")
                return
            }
            innermost = elements[0]
        }
        #expect(innermost == .numbers([.int(1), .double(2.5)]))
        let beyond = String(repeating: "[", count: 64) + "[1, 2.5]" + String(repeating: "]", count: 64)
        expectSameResult(beyond)
        #expect(compactError(beyond) == "invalid JSON at byte 64: nesting deeper than 64 levels")
        expectSameResult("[[[1]]]", maximumDepth: 2)
        expectSameResult("[[1]]", maximumDepth: 2)
    }

    @Test("decimals in a compact array convert to the C library's strtod Double")
    func decimalsMatchStrtod() throws {
        var generator = SystemRandomNumberGenerator()
        // Fractions read eight digits at a time around the edges of that path: 7, 8, 9, 16 and 17 digits, 11 and 12
        // digits before the point, a non-digit inside the next eight bytes.
        var texts = [
            "0.1", "1e22", "1e23", "9007199254740993.0", "2.2250738585072014e-308", "1e-320", "8e307", "-0.0",
            "0.1234567", "0.12345678", "0.123456789", "0.1234567812345678", "0.12345678123456789", "-0.99999999",
            "12345678901.12345678", "123456789012.12345678", "0.1234567e5", "0.12345678e-5", "1.0000000000000002",
            "0.30000000000000004", "0.00000000", "0.000000001", "9.99999999999999999", "0.1234567890123456789",
        ]
        for _ in 0..<2000 {
            let digits = Int.random(in: 1...19, using: &generator)
            var mantissa = String(Int.random(in: 1...9, using: &generator))
            mantissa += String((1..<digits).map { _ in "0123456789".randomElement(using: &generator)! })
            texts.append("\(mantissa)e\(Int.random(in: -345...310, using: &generator))")
        }
        let value = try JSONParser.parse("[" + texts.joined(separator: ",") + "]", compactNumberArrays: true)
        guard case .numbers(let numbers) = value, numbers.count == texts.count else {
            Issue.record("expected a compact array of \(texts.count) numbers")
            return
        }
        for (text, number) in zip(texts, numbers) {
            let expected = text.withCString { strtod($0, nil) }
            #expect(number.doubleValue.bitPattern == expected.bitPattern, "\(text)")
        }
    }
}
