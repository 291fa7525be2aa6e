#if Client || Server
import Foundation
import KServeGRPCProtocol
import KServeProtocol
import Testing

/// gRPC typed contents (`InferTensorContents`) to tensor elements: the field per datatype, and what is refused.
@Suite struct TypedTensorContentsTests {
    @Test func everyTypedField() throws {
        var contents = Inference_InferTensorContents()
        contents.intContents = [-128, 0, 127]
        #expect(try TypedTensorContents.elementCount(contents, datatype: .int8) == ("int_contents", 3))
        #expect(try TypedTensorContents.tensorData(contents, datatype: .int8) == .int8([-128, 0, 127]))
        #expect(try TypedTensorContents.tensorData(contents, datatype: .int32) == .int32([-128, 0, 127]))

        contents = Inference_InferTensorContents()
        contents.uintContents = [0, 65535]
        #expect(try TypedTensorContents.tensorData(contents, datatype: .uint16) == .uint16([0, 65535]))
        contents.uintContents = [4_294_967_295]
        #expect(try TypedTensorContents.tensorData(contents, datatype: .uint32) == .uint32([4_294_967_295]))

        contents = Inference_InferTensorContents()
        contents.bytesContents = [Data("ab".utf8), Data()]
        #expect(try TypedTensorContents.elementCount(contents, datatype: .bytes) == ("bytes_contents", 2))
        #expect(try TypedTensorContents.tensorData(contents, datatype: .bytes) == .bytes([[0x61, 0x62], []]))

        contents = Inference_InferTensorContents()
        contents.boolContents = [true, false]
        contents.fp32Contents = []
        #expect(try TypedTensorContents.tensorData(contents, datatype: .bool) == .bool([true, false]))
        #expect(TypedTensorContents.fieldName(.uint64) == "uint64_contents")
        #expect(TypedTensorContents.fieldName(.fp16) == nil)
    }

    /// The server refused values out of a narrow type's range; the client used to wrap them (300 as UINT8 was 44).
    /// Both refuse now.
    @Test func outOfRangeValuesAreRefused() {
        var contents = Inference_InferTensorContents()
        contents.uintContents = [1, 300]
        #expect(throws: TypedTensorContents.Problem.outOfRange(index: 1, value: "300", range: "0...255")) {
            try TypedTensorContents.tensorData(contents, datatype: .uint8)
        }
        contents = Inference_InferTensorContents()
        contents.intContents = [-32769]
        #expect(throws: TypedTensorContents.Problem.outOfRange(index: 0, value: "-32769", range: "-32768...32767")) {
            try TypedTensorContents.tensorData(contents, datatype: .int16)
        }
    }

    /// The server refused contents with a second field set; the client used to ignore it. Both refuse now.
    @Test func anotherFieldIsRefused() {
        var contents = Inference_InferTensorContents()
        contents.fp32Contents = [1]
        contents.int64Contents = [1]
        #expect(throws: TypedTensorContents.Problem.otherField(field: "fp32_contents", other: "int64_contents")) {
            try TypedTensorContents.elementCount(contents, datatype: .fp32)
        }
        #expect(throws: TypedTensorContents.Problem.noField) {
            try TypedTensorContents.elementCount(contents, datatype: .bf16)
        }
        #expect(throws: TypedTensorContents.Problem.noField) {
            try TypedTensorContents.tensorData(contents, datatype: .fp16)
        }
    }
}
#endif
