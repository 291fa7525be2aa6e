import Foundation
import ONNXRuntime
import Testing

@testable import ONNXFormats

/// Corrupt, truncated and hostile ONNX protobufs throw clear errors: never a crash, and never an allocation larger
/// than the input can justify.
@Suite struct MalformedProtoTests {
    /// A `TensorProto` built field by field.
    static func tensor(
        dims: [Int64], dataType: Int64 = 1, raw: [UInt8]? = nil, _ extra: (inout ProtoWriter) -> Void = { _ in }
    ) -> Data {
        var writer = ProtoWriter()
        for dimension in dims { writer.writeVarintField(1, dimension) }
        writer.writeVarintField(2, dataType)
        if let raw { writer.writeBytesField(9, raw) }
        extra(&writer)
        return Data(writer.bytes)
    }

    func failure(_ data: Data, as kind: ProtoValue.Kind = .tensor) -> ORTError? {
        expectORTError { _ = try ONNXProto.readValue(from: data, as: kind) }
    }

    // MARK: - Truncation

    /// Tensors whose data field comes last: every proper prefix is invalid.
    @Test(arguments: [
        "tensor_float_raw.pb", "tensor_double_typed.pb", "tensor_uint64_typed.pb",
        "tensor_int4_odd_raw.pb", "tensor_float8e5m2_raw.pb",
    ])
    func truncatedTensorsAlwaysThrow(_ file: String) throws {
        let data = try Fixtures.data(file)
        for length in 0..<data.count {
            let error = failure(data.prefix(length))
            #expect(error?.code == .malformedData, "\(file) cut to \(length) bytes: \(error?.message ?? "no error")")
        }
    }

    /// Containers can end at a field boundary and still be valid (a shorter sequence); every other cut throws,
    /// and none crashes.
    @Test(arguments: [
        ("sequence_maps.pb", ProtoValue.Kind.sequence), ("sequence_sequences.pb", .sequence),
        ("map_string_int64.pb", .map), ("optional_optional.pb", .optional), ("tensor_int32_typed.pb", .tensor),
        ("tensor_string_typed.pb", .tensor),
    ])
    func truncatedContainersNeverCrash(_ file: String, _ kind: ProtoValue.Kind) throws {
        let data = try Fixtures.data(file)
        var decoded = 0
        for length in 0..<data.count {
            do {
                _ = try ONNXProto.readValue(from: data.prefix(length), as: kind)
                decoded += 1
            } catch {
                #expect(!error.message.isEmpty)
            }
        }
        // Only the few cuts that fall between top-level fields can decode.
        #expect(decoded <= 4, "\(decoded) of \(data.count) prefixes decoded")
    }

    // MARK: - Shapes and sizes

    @Test func lengthBeyondTheBuffer() {
        var bytes = [UInt8](Self.tensor(dims: [2], raw: nil))
        bytes += [0x4A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 1, 2, 3]  // raw_data claiming 4 GiB, 3 bytes present
        let error = failure(Data(bytes))
        #expect(error?.code == .malformedData)
        #expect(error?.message.contains("runs past the end") == true)
    }

    @Test func varintThatNeverEnds() {
        let error = failure(Data([0x08] + Array(repeating: 0xFF, count: 30)))
        #expect(error?.code == .malformedData)
    }

    @Test func dimsThatOverflow() {
        let error = failure(Self.tensor(dims: [1 << 40, 1 << 40], raw: [0, 0, 0, 0]))
        #expect(error?.code == .invalidShape)
        #expect(error?.message.contains("overflow") == true)
    }

    @Test func dimsAskingForTerabytes() {
        // 2^40 floats (4 TiB), backed by four bytes: rejected by comparing sizes, before anything is allocated.
        for data in [
            Self.tensor(dims: [1 << 20, 1 << 20], raw: [0, 0, 0, 0]),
            Self.tensor(dims: [1 << 20, 1 << 20]) { $0.writePackedField(4, .fixed32, [0]) },
            Self.tensor(dims: [1 << 20, 1 << 20], dataType: 8) { $0.writeStringField(6, "x") },
            Self.tensor(dims: [1 << 20, 1 << 20], dataType: 22) { $0.writePackedField(5, .varint, [0]) },
            Self.tensor(dims: [1 << 20, 1 << 20]),
        ] {
            let error = failure(data)
            #expect(error?.code == .malformedData)
            #expect(error?.message.contains("1048576") == true, "\(error?.message ?? "")")
        }
    }

    @Test func negativeDims() {
        let error = failure(Self.tensor(dims: [-1, 3], raw: []))
        #expect(error?.code == .invalidShape)
        #expect(error?.message.contains("-1") == true)
    }

    @Test func rawDataOfTheWrongSize() {
        let error = failure(Self.tensor(dims: [2, 3], raw: Array(repeating: 0, count: 20)))
        #expect(error?.message.contains("needs 24 bytes, but raw_data has 20") == true)
    }

    @Test func typedDataOfTheWrongCount() {
        let error = failure(Self.tensor(dims: [3], dataType: 7) { $0.writePackedField(7, .varint, [1, 2]) })
        #expect(error?.message.contains("needs 3 entries in int64_data, but found 2") == true)
        let int4 = failure(Self.tensor(dims: [3], dataType: 22) { $0.writePackedField(5, .varint, [1]) })
        #expect(int4?.message.contains("needs 2 entries") == true)
    }

    // MARK: - Inconsistent fields

    @Test func inconsistentTensors() {
        let cases: [(Data, ORTError.Code, String)] = [
            (Self.tensor(dims: [1], dataType: 8, raw: [0x41]), .malformedData, "raw_data"),
            (Self.tensor(dims: [1], raw: [0, 0, 0, 0]) { $0.writeFixed32Field(4, 0) }, .malformedData, "both"),
            (Self.tensor(dims: [1]) { $0.writePackedField(5, .varint, [1]) }, .malformedData, "float_data"),
            (Self.tensor(dims: [1], dataType: 0, raw: [0]), .malformedData, "data_type"),
            (Self.tensor(dims: [1], dataType: 99, raw: [0]), .unsupported, "99"),
            (Self.tensor(dims: [1], dataType: 27, raw: [0]), .unsupported, "27"),
            (Self.tensor(dims: [1], raw: [0, 0, 0, 0]) { $0.writeBytesField(3, []) }, .unsupported, "segment"),
            (Self.tensor(dims: [1], raw: [0, 0, 0, 0]) { $0.writeVarintField(14, UInt64(7)) }, .malformedData, "7"),
            (Self.tensor(dims: [1], raw: nil) { $0.writeFixed32Field(1, 1) }, .malformedData, "dims"),
            (Self.tensor(dims: [1], raw: nil) { $0.writeVarintField(9, UInt64(1)) }, .malformedData, "raw_data"),
        ]
        for (data, code, fragment) in cases {
            let error = failure(data)
            #expect(error?.code == code, "\(error?.message ?? "no error")")
            #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "no error")")
        }
    }

    @Test func unknownFieldsAreSkippedAndBoolsNormalized() throws {
        let data = Self.tensor(dims: [3], dataType: 9, raw: [0, 2, 255]) { writer in
            writer.writeVarintField(99, UInt64(5))
            writer.writeFixed64Field(98, 1)
            writer.writeBytesField(12, Array("a doc string".utf8))
            writer.writeFixed32Field(97, 1)
        }
        let value = try ONNXProto.readTensor(from: data).value
        #expect(try value.rawBytes == [0, 1, 1])
        #expect(try value.tensor(of: Bool.self).scalars == [false, true, true])
        let typed = Self.tensor(dims: [3], dataType: 9) { $0.writePackedField(5, .varint, [2, 0, UInt64.max]) }
        #expect(try ONNXProto.readTensor(from: typed).value.rawBytes == [1, 0, 1])
    }

    @Test func unpackedTypedFieldsDecodeLikePackedOnes() throws {
        let packed = Self.tensor(dims: [2, 2], dataType: 6) { $0.writePackedField(5, .varint, [1, 2, 3, 4]) }
        let unpacked = Self.tensor(dims: [2, 2], dataType: 6) { writer in
            writer.writeUnpackedField(5, .varint, [1, 2])
            writer.writePackedField(5, .varint, [3])
            writer.writeUnpackedField(5, .varint, [4])
        }
        var packedDims = ProtoWriter()
        packedDims.writePackedField(1, .varint, [2, 2])
        packedDims.writeVarintField(2, UInt64(6))
        packedDims.writeUnpackedField(5, .varint, [1, 2, 3, 4])
        let expected = try Snapshot(ONNXProto.readTensor(from: packed).value)
        #expect(try Snapshot(ONNXProto.readTensor(from: unpacked).value) == expected)
        #expect(try Snapshot(ONNXProto.readTensor(from: Data(packedDims.bytes)).value) == expected)
    }

    @Test func negativeInt32DataIsSignExtendedAndTruncated() throws {
        let data = Self.tensor(dims: [3], dataType: 3) {
            $0.writePackedField(5, .varint, [UInt64(bitPattern: -128), 127, UInt64(bitPattern: -1)])
        }
        #expect(try ONNXProto.readTensor(from: data).value.tensor(of: Int8.self).scalars == [-128, 127, -1])
    }

    // MARK: - Containers

    /// `depth` OptionalProtos, each holding the next, around a float tensor.
    static func nestedOptionals(_ depth: Int) -> Data {
        var message = [UInt8](tensor(dims: [1], raw: [0, 0, 0x80, 0x3F]))
        var field = 3
        for _ in 0..<depth {
            var writer = ProtoWriter()
            writer.writeVarintField(2, UInt64(field == 3 ? 1 : 5))
            writer.writeBytesField(field, message)
            message = writer.bytes
            field = 7
        }
        return Data(message)
    }

    @Test func deepNesting() throws {
        let fine = try ONNXProto.readValue(from: Self.nestedOptionals(40), as: .optional).value
        #expect(fine.description.hasPrefix("optional(optional("))
        for depth in [70, 5000] {
            let error = failure(Self.nestedOptionals(depth), as: .optional)
            #expect(error?.code == .malformedData)
            #expect(error?.message.contains("nested more than 64") == true)
        }
        // Sequences of sequences, 10,000 deep.
        var message: [UInt8] = []
        for _ in 0..<10_000 {
            var writer = ProtoWriter()
            writer.writeVarintField(2, UInt64(3))
            writer.writeBytesField(5, message)
            message = writer.bytes
        }
        #expect(failure(Data(message), as: .sequence)?.message.contains("nested") == true)
    }

    /// A field of a hand-built message.
    enum Field {
        case varint(Int, UInt64)
        case bytes(Int, [UInt8])
    }

    /// A message made of `fields`, in order.
    static func message(_ fields: Field...) -> [UInt8] {
        var writer = ProtoWriter()
        for field in fields {
            switch field {
            case .varint(let number, let value): writer.writeVarintField(number, value)
            case .bytes(let number, let value): writer.writeBytesField(number, value)
            }
        }
        return writer.bytes
    }

    @Test func inconsistentContainers() {
        let float = [UInt8](Self.tensor(dims: [], raw: [0, 0, 0, 0]))
        let values = Self.message(.varint(2, 1), .bytes(3, float))
        let cases: [(ProtoValue.Kind, [UInt8], ORTError.Code, String)] = [
            (.sequence, Self.message(.varint(2, 4), .bytes(3, float)), .malformedData, "declares elem_type 4"),
            (.sequence, Self.message(.bytes(3, float), .bytes(5, [])), .malformedData, "mixes"),
            (.sequence, Self.message(.varint(2, 9)), .malformedData, "elem_type 9"),
            (.sequence, Self.message(.bytes(4, [])), .unsupported, "sparse"),
            (.sequence, Self.message(.bytes(3, [0x08, 0xFF])), .malformedData, "sequence element 0"),
            (.optional, Self.message(.bytes(3, float), .bytes(3, float)), .malformedData, "more than one"),
            (.optional, Self.message(.varint(2, 3), .bytes(3, float)), .malformedData, "elem_type 3"),
            (
                .map, Self.message(.varint(2, 7), .varint(3, 1), .varint(3, 2), .bytes(5, values)), .malformedData,
                "2 keys but 1 values"
            ),
            (
                .map, Self.message(.varint(2, 3), .varint(3, 300), .bytes(5, values)), .malformedData,
                "300 does not fit in int8"
            ),
            (.map, Self.message(.varint(2, 1)), .malformedData, "key_type 1"),
            (.map, Self.message(.varint(2, 8), .varint(3, 1), .bytes(5, values)), .malformedData, "integer keys"),
            (.map, Self.message(.varint(2, 7), .bytes(5, values), .bytes(5, values)), .malformedData, "two values"),
        ]
        for (kind, bytes, code, fragment) in cases {
            let error = failure(Data(bytes), as: kind)
            #expect(error?.code == code, "\(error?.message ?? "no error")")
            #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "no error")")
        }
    }

    @Test func garbageNeverCrashes() {
        // Deterministic pseudo-random bytes, read as every kind.
        var state: UInt64 = 0x5EED
        for length in [1, 2, 7, 64, 500] {
            for _ in 0..<50 {
                let bytes = (0..<length).map { _ in
                    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    return UInt8(truncatingIfNeeded: state >> 56)
                }
                for kind in ProtoValue.Kind.allCases {
                    _ = try? ONNXProto.readValue(from: Data(bytes), as: kind)
                }
                _ = try? NumPy.readValue(from: Data(bytes))
                _ = try? ModelSummary(parsing: Data(bytes))
            }
        }
    }
}
