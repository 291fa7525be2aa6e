#if Server && Client
import ONNXRuntimeServing
import Testing

/// One datatype's test data: six elements for the `[2, 3]` identity model, as JSON and as binary tensor data.
struct DatatypeCase: Sendable, CustomTestStringConvertible {
    let datatype: DataType
    /// The elements as JSON (nil for BF16, which has no JSON form).
    let json: JSONValue?
    /// The same elements as binary tensor data.
    let binary: [UInt8]

    var testDescription: String { datatype.rawValue }
    var model: String { ServerFixtures.identityModels[datatype]! }

    static let strings = ["", "hello", "ünïcödé ✓", "quote\"back\\slash", "line\nbreak", "tab\t/"]
    /// BYTES elements only binary data carries: NULs, bytes that are not UTF-8, an empty element.
    static let byteStrings: [[UInt8]] = [[], [0x00], [0xFF, 0xFE], [0x61, 0x00, 0x62], [0x80], [0xC3, 0xA9, 0xC3]]
    static let fp16Values: [Float16] = [0, 1.5, -2.25, 65504, 0.00006103515625, -0.5]
    static let fp32Values: [Float] = [0.1, -1.5, .greatestFiniteMagnitude, 1e-7, -0.0, 123.456]
    static let fp64Values: [Double] = [0.1, -1e300, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 2.5, -0.0]
    static let bf16Bits: [UInt16] = [0x3F80, 0xC000, 0x0000, 0x7F7F, 0x3DCD, 0x8000]

    static let all: [DatatypeCase] = [
        DatatypeCase(
            datatype: .bool, json: .array([true, false, true, true, false, false].map(JSONValue.bool)),
            binary: [1, 0, 1, 1, 0, 0]),
        integers(.uint8, [0, 1, 2, 127, 128, 255] as [UInt8]),
        integers(.uint16, [0, 1, 255, 256, 32768, 65535] as [UInt16]),
        integers(.uint32, [0, 1, 65536, 2_147_483_648, 4_000_000_000, 4_294_967_295] as [UInt32]),
        integers(.uint64, [0, 1, 1 << 32, 1 << 63, (1 << 63) + 1, .max] as [UInt64]),
        integers(.int8, [-128, -1, 0, 1, 100, 127] as [Int8]),
        integers(.int16, [-32768, -1, 0, 1, 1000, 32767] as [Int16]),
        integers(.int32, [.min, -1, 0, 1, 123_456, .max] as [Int32]),
        integers(.int64, [.min, -1, 0, 1, (1 << 53) + 1, .max] as [Int64]),
        DatatypeCase(
            datatype: .fp16, json: .doubles(fp16Values.map(Double.init)),
            binary: LittleEndian.bytes(fp16Values.map(\.bitPattern))),
        DatatypeCase(
            datatype: .fp32, json: .doubles(fp32Values.map(Double.init)),
            binary: LittleEndian.bytes(fp32Values.map(\.bitPattern))),
        DatatypeCase(
            datatype: .fp64, json: .doubles(fp64Values), binary: LittleEndian.bytes(fp64Values.map(\.bitPattern))),
        DatatypeCase(datatype: .bytes, json: .strings(strings), binary: LittleEndian.strings(strings)),
        DatatypeCase(datatype: .bf16, json: nil, binary: LittleEndian.bytes(bf16Bits)),
    ]

    static var jsonCases: [DatatypeCase] { all.filter { $0.json != nil } }

    private static func integers<T: FixedWidthInteger>(_ datatype: DataType, _ values: [T]) -> DatatypeCase {
        let json: JSONValue = .array(
            values.map { value in
                .number(Int64(exactly: value).map(JSONNumber.int) ?? .uint(UInt64(value)))
            })
        return DatatypeCase(datatype: datatype, json: json, binary: LittleEndian.bytes(values))
    }

    /// Checks that JSON output `data` holds the same elements as this case (floats compared in their own
    /// precision, since the server writes the shortest text for the element type).
    func expectJSONOutput(_ data: JSONValue?, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let data, let json else {
            Issue.record("no data", sourceLocation: sourceLocation)
            return
        }
        switch datatype {
        case .fp16:
            #expect(data.doubles.map { Float16($0) } == Self.fp16Values, sourceLocation: sourceLocation)
        case .fp32:
            let values = data.doubles.map { Float($0) }
            #expect(values.map(\.bitPattern) == Self.fp32Values.map(\.bitPattern), sourceLocation: sourceLocation)
        case .fp64:
            #expect(data.doubles.map(\.bitPattern) == Self.fp64Values.map(\.bitPattern), sourceLocation: sourceLocation)
        default:
            #expect(data == json, sourceLocation: sourceLocation)
        }
    }
}
#endif
