import KServeProtocol
import Testing

/// The datatype list and the half-precision conversions, against the protocol documents and IEEE 754 bit patterns
/// worked out by hand.
@Suite struct DataTypeTests {
    @Test func dataTypeNamesAndSizes() {
        #expect(
            DataType.allCases.map(\.rawValue) == [
                "BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64", "FP16", "FP32",
                "FP64", "BYTES", "BF16",
            ])
        #expect(DataType.allCases.map(\.elementSize) == [1, 1, 2, 4, 8, 1, 2, 4, 8, 2, 4, 8, nil, 2])
        #expect(DataType(rawValue: "FP32") == .fp32)
        #expect(DataType(rawValue: "fp32") == nil)
        #expect(DataType.fp32.description == "FP32")
        #expect(TensorData.strings(["a", "bc"]).dataType == .bytes)
        #expect(TensorData.bf16([0]).dataType == .bf16)
        #expect(DataType.allCases.filter { !$0.supportsJSON } == [.bf16])
    }

    @Test func configNames() {
        #expect(DataType(configName: "TYPE_FP32") == .fp32)
        #expect(DataType(configName: "TYPE_STRING") == .bytes)
        #expect(DataType(configName: "TYPE_BYTES") == nil)
        #expect(DataType(configName: "FP32") == nil)
        #expect(DataType.bytes.configName == "TYPE_STRING")
        #expect(DataType.bf16.configName == "TYPE_BF16")
    }

    @Test func halfPrecisionConversions() {
        let halves: [(Float, UInt16)] = [
            (1, 0x3C00), (-2, 0xC000), (0, 0x0000), (-0.0, 0x8000), (65504, 0x7BFF), (65520, 0x7C00),
            (.infinity, 0x7C00), (-.infinity, 0xFC00), (0x1p-24, 0x0001), (0x1p-25, 0x0000), (0x1.8p-25, 0x0001),
            (0x1p-14, 0x0400), (0.1, 0x2E66), (1e-8, 0x0000), (2049, 0x6800), (2051, 0x6802),
        ]
        for (value, bits) in halves {
            #expect(TensorData.fp16(floats: [value]) == .fp16([bits]), "\(value)")
        }
        guard case .fp16(let nanBits) = TensorData.fp16(floats: [.nan]) else { return }
        #expect(nanBits[0] & 0x7C00 == 0x7C00 && nanBits[0] & 0x3FF != 0)

        let bfloats: [(Float, UInt16)] = [
            (1, 0x3F80), (-2, 0xC000), (0.1, 0x3DCD), (3.140625, 0x4049), (.infinity, 0x7F80),
            (Float(bitPattern: 0x3F80_8000), 0x3F80), (Float(bitPattern: 0x3F81_8000), 0x3F82),
            (.greatestFiniteMagnitude, 0x7F80),
        ]
        for (value, bits) in bfloats {
            #expect(TensorData.bf16(floats: [value]) == .bf16([bits]), "\(value)")
        }
    }
}
