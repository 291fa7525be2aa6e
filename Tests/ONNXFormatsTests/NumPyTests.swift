import Foundation
import ONNXFormats
import ONNXRuntime
import Testing

/// `.npy` files written by NumPy decode to the expected values; what this package writes is byte-identical to what
/// `numpy.save` writes; and corrupt headers throw clear errors.
@Suite struct NumPyTests {
    static let decodable = Fixtures.expected.npy.filter { $0.error == nil }
    static let failing = Fixtures.expected.npy.filter { $0.error != nil }

    @Test func fixturesCoverEveryDtypeBothByteOrdersAndAllVersions() {
        let files = Set(Fixtures.expected.npy.map(\.file))
        for type in [
            "float16", "float", "double", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
            "uint64", "bool",
        ] {
            #expect(files.contains("npy_\(type)_v1.npy"))
            #expect(files.contains("npy_\(type)_v2.npy"))
            if !["int8", "uint8", "bool"].contains(type) { #expect(files.contains("npy_\(type)_be.npy")) }
        }
        #expect(files.isSuperset(of: ["npy_float_v2.npy", "npy_float_v3.npy", "npy_unicode_v1.npy"]))
    }

    @Test(arguments: decodable) func decodes(_ fixture: ExpectedFile.NumPyFile) throws {
        let data = try Fixtures.data(fixture.file)
        let value = try Snapshot(NumPy.readValue(from: data))
        #expect(value == fixture.value)
        let version = try NumPy.readHeader(from: data).version
        if fixture.file.hasSuffix("_v2.npy") { #expect(version == .version2) }
        if fixture.file.hasSuffix("_v3.npy") { #expect(version == .version3) }
    }

    /// Writing the decoded tensor gives the very bytes numpy.save wrote (header, padding and data).
    @Test(arguments: decodable.filter { $0.canonical == true })
    func rewritingIsByteIdentical(_ fixture: ExpectedFile.NumPyFile) throws {
        let original = try Fixtures.data(fixture.file)
        #expect(try NumPy.serialize(NumPy.readValue(from: original)) == original)
    }

    @Test(arguments: failing) func rejects(_ fixture: ExpectedFile.NumPyFile) throws {
        let data = try Fixtures.data(fixture.file)
        let error = expectORTError { _ = try NumPy.readValue(from: data) }
        #expect(error?.code.rawValue == fixture.error, "\(error?.message ?? "")")
    }

    @Test func fortranOrderAndObjectArraysSayWhy() throws {
        let fortran = expectORTError { _ = try NumPy.readValue(from: Fixtures.data("npy_error_fortran.npy")) }
        #expect(fortran?.message.contains("Fortran") == true)
        let object = expectORTError { _ = try NumPy.readValue(from: Fixtures.data("npy_error_object.npy")) }
        #expect(object?.message.contains("object array") == true)
    }

    /// bfloat16, float8, float4 and int4/uint4 are widened exactly as NumPy (with ml_dtypes) widens them.
    @Test(arguments: Fixtures.expected.widened) func wideningMatchesNumPy(_ fixture: ExpectedFile.Widened) throws {
        let value = try ONNXProto.readTensor(from: Fixtures.data(fixture.source)).value
        let written = try NumPy.serialize(value)
        let expected = try Fixtures.data(fixture.npy)
        #expect(written == expected)
        if written != expected {
            let mine = try NumPy.readValue(from: written).rawBytes.hex
            let theirs = try NumPy.readValue(from: expected).rawBytes.hex
            #expect(mine == theirs)
        }
    }

    @Test func headerIsReported() throws {
        let header = try NumPy.readHeader(from: Fixtures.data("npy_int32_be.npy"))
        #expect(header.version == .version1)
        #expect(header.descr == ">i4")
        #expect(header.fortranOrder == false)
        #expect(header.shape == [2, 3])
        #expect(header.dataOffset % 64 == 0)
    }

    @Test func largeHeadersNeedVersion2() throws {
        // 30,000 dimensions of 1 make a header longer than format 1.0's 65,535 bytes.
        let value = try Tensor<UInt8>([9], shape: Array(repeating: 1, count: 30_000)).value
        let error = expectORTError { _ = try NumPy.serialize(value, version: .version1) }
        #expect(error?.code == .invalidArgument)
        let bytes = try NumPy.serialize(value)
        #expect(try NumPy.readHeader(from: bytes).version == .version2)
        #expect(try NumPy.readValue(from: bytes).rawBytes == [9])
    }

    // MARK: - Corrupt files

    /// A `.npy` file with the given header text (padded as NumPy pads it) and data.
    static func npy(_ header: String, _ payload: [UInt8] = [], major: UInt8 = 1) -> Data {
        var text = Array(header.utf8)
        let lengthSize = major == 1 ? 2 : 4
        while (8 + lengthSize + text.count + 1) % 64 != 0 { text.append(0x20) }
        text.append(0x0A)
        var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, major, 0]
        for index in 0..<lengthSize { bytes.append(UInt8(truncatingIfNeeded: text.count >> (8 * index))) }
        return Data(bytes + text + payload)
    }

    static func header(descr: String = "<f4", fortran: String = "False", shape: String = "(2,)") -> String {
        "{'descr': '\(descr)', 'fortran_order': \(fortran), 'shape': \(shape), }"
    }

    func code(_ data: Data) -> ORTError.Code? {
        expectORTError { _ = try NumPy.readValue(from: data) }?.code
    }

    @Test func handMadeFilesDecode() throws {
        let floats = try NumPy.readValue(from: Self.npy(Self.header(), [0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0]))
        #expect(try floats.tensor(of: Float.self).scalars == [1, -2])
        // Python 2 wrote long integers with an L suffix; double quotes and other key orders are valid Python too.
        let legacy = Self.npy("{\"shape\": (2L,), \"fortran_order\": False, \"descr\": \"|u1\"}", [7, 8])
        #expect(try NumPy.readValue(from: legacy).rawBytes == [7, 8])
        let version3 = Self.npy(Self.header(descr: "<i2", shape: "(1,)"), [1, 0], major: 3)
        #expect(try NumPy.readValue(from: version3).tensor(of: Int16.self).scalars == [1])
    }

    @Test func wrongMagicOrVersion() {
        var bad = [UInt8](Self.npy(Self.header(), [UInt8](repeating: 0, count: 8)))
        bad[1] = 0x4F
        #expect(code(Data(bad)) == .malformedData)
        #expect(code(Data("not a numpy file at all".utf8)) == .malformedData)
        #expect(code(Data()) == .malformedData)
        var version = [UInt8](Self.npy(Self.header(), [UInt8](repeating: 0, count: 8)))
        version[6] = 4
        #expect(code(Data(version)) == .unsupported)
        version[6] = 1
        version[7] = 1
        #expect(code(Data(version)) == .unsupported)
    }

    @Test func headersThatLieAboutSize() {
        let eight = [UInt8](repeating: 0, count: 8)
        #expect(code(Self.npy(Self.header(shape: "(3,)"), eight)) == .malformedData)  // too little data
        #expect(code(Self.npy(Self.header(shape: "(1,)"), eight)) == .malformedData)  // data left over
        #expect(code(Self.npy(Self.header(shape: "(1000000000000,)"), eight)) == .malformedData)  // terabytes
        #expect(code(Self.npy(Self.header(shape: "(4611686018427387904, 4)"), eight)) == .invalidShape)
        #expect(code(Self.npy(Self.header(shape: "(-2,)"), eight)) == .invalidShape)
        #expect(code(Self.npy(Self.header(shape: "(99999999999999999999999,)"), eight)) == .malformedData)
        var longHeader = [UInt8](Self.npy(Self.header(), eight))
        longHeader[8] = 0xFF
        longHeader[9] = 0xFF
        #expect(code(Data(longHeader)) == .malformedData)  // header length past the end
    }

    @Test func malformedHeaders() {
        let eight = [UInt8](repeating: 0, count: 8)
        let cases: [(String, ORTError.Code)] = [
            ("[1, 2]", .malformedData),
            ("{'descr': '<f4', 'shape': (2,), }", .malformedData),  // missing key
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}", .malformedData),
            ("{'descr': '<f4', 'fortran_order': 0, 'shape': (2,), }", .malformedData),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': [2], }", .malformedData),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), } trailing", .malformedData),
            ("{'descr': '<f4, 'fortran_order': False, 'shape': (2,), }", .malformedData),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (2,)", .malformedData),
            ("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2,), }", .malformedData),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': ('2',), }", .malformedData),
            ("{'descr': 7, 'fortran_order': False, 'shape': (2,), }", .malformedData),
            (Self.header(descr: "<f3"), .unsupported),
            (Self.header(descr: "<x4"), .malformedData),
            (Self.header(descr: "<f"), .malformedData),
            (Self.header(descr: "<U0"), .unsupported),
            (Self.header(descr: "|O"), .unsupported),
            (Self.header(fortran: "True"), .unsupported),
            (String(repeating: "(", count: 5000) + String(repeating: ")", count: 5000), .malformedData),
        ]
        for (header, expected) in cases {
            #expect(code(Self.npy(header, eight)) == expected, "\(header.prefix(80))")
        }
    }

    @Test func invalidUnicode() {
        // One '<U1' element holding 0x110000, beyond Unicode; then a lone surrogate.
        #expect(code(Self.npy(Self.header(descr: "<U1", shape: "(1,)"), [0, 0, 0x11, 0])) == .malformedData)
        #expect(code(Self.npy(Self.header(descr: "<U1", shape: "(1,)"), [0, 0xD8, 0, 0])) == .malformedData)
    }

    @Test func byteStringsAreBytes() throws {
        // '|S2' [b'\xff', b'ab', b'\x00c']: NumPy pads the first with a NUL; any byte is data, only padding goes.
        let file = Self.npy(Self.header(descr: "|S2", shape: "(3,)"), [0xFF, 0x00, 0x61, 0x62, 0x00, 0x63])
        let read = try NumPy.readValue(from: file)
        #expect(try read.tensor(of: [UInt8].self).scalars == [[0xFF], [0x61, 0x62], [0x00, 0x63]])
        // Written back: not all UTF-8, so '|S2' again, byte for byte the same file (numpy.save's 1.0 header).
        let written = try NumPy.serialize(read)
        #expect(written == Self.npy(Self.header(descr: "|S2", shape: "(3,)"), [0xFF, 0x00, 0x61, 0x62, 0x00, 0x63]))
        // Text stays text ('<U'); an empty byte string widens to '|S1', as NumPy does.
        let text = try NumPy.serialize(Tensor<[UInt8]>([Array("é".utf8)]).value)
        #expect(String(decoding: text.prefix(64), as: UTF8.self).contains("'descr': '<U1'"))
        let blanks = try NumPy.serialize(Tensor<[UInt8]>([[0x80], []]).value)
        #expect(blanks.suffix(2) == Data([0x80, 0x00]))
        #expect(String(decoding: blanks.prefix(64), as: UTF8.self).contains("'descr': '|S1'"))
        #expect(try NumPy.readValue(from: blanks).tensor(of: [UInt8].self).scalars == [[0x80], []])
    }

    @Test func stringsKeepInnerButNotTrailingNULs() throws {
        let value = try Tensor<String>(["a\0b", "c\0\0", "\0"]).value
        let read = try Tensor<String>(NumPy.readValue(from: NumPy.serialize(value))).scalars
        #expect(read == ["a\0b", "c", ""])
    }

    @Test func onlyTensorsAreWritten() throws {
        let sequence = try Value(sequence: [Tensor<Float>([1]).value])
        #expect(expectORTError { _ = try NumPy.serialize(sequence) }?.code == .typeMismatch)
    }

    @Test(arguments: ["npy_float_v1.npy", "npy_unicode_v2.npy", "npy_int64_be.npy", "npy_scalar.npy"])
    func truncationAtEveryOffsetThrows(_ file: String) throws {
        let data = try Fixtures.data(file)
        for length in 0..<data.count {
            let error = expectORTError("\(file) cut to \(length) bytes") {
                _ = try NumPy.readValue(from: data.prefix(length))
            }
            #expect(error?.code == .malformedData, "\(file) cut to \(length) bytes: \(error?.message ?? "")")
        }
    }
}
