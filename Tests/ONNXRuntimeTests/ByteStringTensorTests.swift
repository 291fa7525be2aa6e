import Foundation
import ONNXRuntime
import Testing

/// String tensors as byte strings: every byte kept, NULs and non-UTF-8 included. The expected elements are written
/// down by hand (or are the inputs themselves, for an identity).
@Suite struct ByteStringTensorTests {
    /// Elements a NUL-terminated or UTF-8-only API would damage: NULs at the start, middle and end, 0x80-0xFF bytes
    /// that are not UTF-8, an empty element, a truncated UTF-8 sequence, and valid UTF-8 for contrast.
    static let awkward: [[UInt8]] = [
        [0x00],
        [0x61, 0x00, 0x62],
        [],
        [0xFF, 0xFE, 0x80],
        [0xC3],
        [0x68, 0xC3, 0xA9, 0x00],
        Array(0x80...0xFF),
        [0x00, 0x00, 0x00],
        [0x7F],
    ]

    @Test func bytesRoundTripExactly() throws {
        let tensor = try Tensor<[UInt8]>(Self.awkward, shape: [3, 3])
        #expect(tensor.shape == [3, 3])
        #expect(tensor.count == 9)
        #expect(tensor.value.elementType == .string)
        let read = try tensor.scalars
        #expect(read == Self.awkward)
        // Checked by hand: the lengths ORT reports are the lengths given, NULs counted.
        #expect(read.map(\.count) == [1, 3, 0, 3, 1, 4, 128, 3, 1])
        // Through an ONNX Identity ([N, 3] strings): the output, a value ORT made, holds the same bytes.
        let session = try Session(path: Fixtures.model("batch_identity_string"))
        let output = try #require(try session.run(["x": tensor])["y"])
        #expect(output.shape == [3, 3])
        #expect(try Tensor<[UInt8]>(output).scalars == Self.awkward)
    }

    @Test func acceptsDataSlicesAndLazyCollections() throws {
        let data = [Data([0x00, 0xFF]), Data(), Data("ok".utf8)]
        #expect(try Tensor<[UInt8]>(data).scalars == [[0x00, 0xFF], [], [0x6F, 0x6B]])
        let buffer: [UInt8] = [1, 2, 0, 3, 4]
        let slices = [buffer[0..<2], buffer[2..<3], buffer[3..<3], buffer[3..<5]]
        #expect(try Tensor<[UInt8]>(slices, shape: [2, 2]).scalars == [[1, 2], [0], [], [3, 4]])
        let lazy = (0..<3).lazy.map { repeatElement(UInt8(0xF0 + $0), count: $0) }
        #expect(try Tensor<[UInt8]>(lazy).scalars == [[], [0xF1], [0xF2, 0xF2]])
    }

    @Test func emptyTensorsAndEmptyElements() throws {
        let none = try Tensor<[UInt8]>([[UInt8]](), shape: [0])
        #expect(none.count == 0)
        #expect(try none.scalars == [])
        let noRows = try Tensor<[UInt8]>([[UInt8]](), shape: [2, 0, 3])
        #expect(noRows.shape == [2, 0, 3])
        #expect(try noRows.scalars == [])
        #expect(try noRows.withUnsafeElements { $0.isEmpty && $0.bytes.isEmpty })
        let blanks = try Tensor<[UInt8]>([[], [], []])
        #expect(try blanks.scalars == [[], [], []])
        #expect(try blanks.withUnsafeElements { elements in elements.map(\.count) } == [0, 0, 0])
    }

    @Test func scalars() throws {
        let nul = try Tensor<[UInt8]>(scalar: [0x00, 0xFF])
        #expect(nul.shape == [])
        #expect(try nul.scalar == [0x00, 0xFF])
        #expect(try Tensor<[UInt8]>(scalar: [UInt8]()).scalar == [])
        #expect(throws: ORTError.self) { _ = try Tensor<[UInt8]>([[1], [2]]).scalar }
        #expect(try Tensor<String>(scalar: "x\u{0}y").scalar == "x\u{0}y")
    }

    @Test func oneMebibyteElement() throws {
        // 1 MiB whose bytes cycle through all 256 values (so it holds NULs every 256 bytes), between two short ones.
        let big = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0) }
        let tensor = try Tensor<[UInt8]>([[0x01], big, []])
        let read = try tensor.scalars
        #expect(read.count == 3)
        #expect(read[0] == [0x01])
        #expect(read[1].count == 1_048_576)
        #expect(read[1] == big)
        #expect(read[1][255] == 0xFF && read[1][256] == 0x00 && read[1][1_048_575] == 0xFF)
        #expect(read[2] == [])
        // Through identity_string ([2, 3] strings), beside elements that are empty or all NUL.
        let session = try Session(path: Fixtures.model("identity_string"))
        let inputs: [[UInt8]] = [[], big, [0x00], [0xFF], Array(big.prefix(3)), [0x00, 0x00]]
        let through = try session.run(["x": try Tensor<[UInt8]>(inputs, shape: [2, 3])])
        let elements = try through.tensor("y", of: [UInt8].self).scalars
        #expect(elements.map(\.count) == [0, 1_048_576, 1, 1, 3, 2])
        #expect(elements[1] == big)
        #expect(elements[4] == [0x00, 0x01, 0x02])
        #expect(elements[5] == [0x00, 0x00])
    }

    @Test func unsafeElementsView() throws {
        let tensor = try Tensor<[UInt8]>([[0x61, 0x00], [], [0xFF]])
        let (count, total, concatenated, parts) = try tensor.withUnsafeElements { elements in
            (elements.count, elements.bytes.count, Array(elements.bytes), elements.map { Array($0) })
        }
        #expect(count == 3)
        #expect(total == 3)
        #expect(concatenated == [0x61, 0x00, 0xFF])
        #expect(parts == [[0x61, 0x00], [], [0xFF]])
        struct Stop: Error {}
        #expect(throws: Stop.self) { try tensor.withUnsafeElements { _ in throw Stop() } }
    }

    @Test func stringViewRequiresUTF8() throws {
        let text = try Tensor<[UInt8]>([Array("héllo".utf8), [0x61, 0x00, 0x62], []])
        #expect(try Tensor<String>(text.value).scalars == ["héllo", "a\u{0}b", ""])
        let binary = try Tensor<[UInt8]>([[0x61], [0x62], [0xC3, 0x28]])
        let strings = try Tensor<String>(binary.value)  // viewing checks the type only
        let error = try #require(throws: ORTError.self) { _ = try strings.scalars }
        #expect(error.code == .typeMismatch)
        #expect(error.message.contains("element 2 is not valid UTF-8"), "\(error.message)")
        #expect(error.message.contains("Tensor<[UInt8]>"), "\(error.message)")
        let scalarError = try #require(throws: ORTError.self) {
            _ = try Tensor<String>(try Tensor<[UInt8]>(scalar: [0xFF]).value).scalar
        }
        #expect(scalarError.code == .typeMismatch)
        // Strings go in as their UTF-8 bytes, NUL included.
        let written = try Tensor<String>(["é", "\u{0}"]).value
        #expect(try Tensor<[UInt8]>(written).scalars == [[0xC3, 0xA9], [0x00]])
    }

    @Test func badShapesAndCounts() throws {
        let wrongCount = try #require(throws: ORTError.self) { _ = try Tensor<[UInt8]>([[1], [2]], shape: [3]) }
        #expect(wrongCount.code == .countMismatch)
        #expect(wrongCount.message.contains("holds 3 strings, but 2 were given"), "\(wrongCount.message)")
        let negative = try #require(throws: ORTError.self) { _ = try Tensor<[UInt8]>([[1]], shape: [-1]) }
        #expect(negative.code == .invalidShape)
        let notStrings = try #require(throws: ORTError.self) { _ = try Tensor<[UInt8]>(try Tensor<UInt8>([1]).value) }
        #expect(notStrings.code == .typeMismatch)
        let rawError = try #require(throws: ORTError.self) {
            _ = try Value(rawBytes: [0x61], elementType: .string, shape: [1])
        }
        #expect(rawError.message.contains("Tensor<[UInt8]>"), "\(rawError.message)")
    }
}
