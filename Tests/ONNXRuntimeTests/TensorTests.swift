import Foundation
import Synchronization
import Testing

@testable import ONNXRuntime

/// Tensor memory: copies, borrowed storage, handed-over memory, in-place reads, and element conversions.
@Suite struct TensorTests {
    @Test func copyingDoesNotShareStorage() throws {
        var source: [Float] = [1, 2, 3, 4]
        let tensor = try Tensor<Float>(source, shape: [2, 2])
        source[0] = 100
        #expect(tensor.scalars == [1, 2, 3, 4])
        #expect(tensor.value.owner == nil)  // ORT allocated and owns this memory
    }

    @Test func borrowingUsesTheArrayStorageInPlace() throws {
        var source: [Float] = [1, 2, 3, 4]
        let tensor = try Tensor<Float>(borrowing: source, shape: [2, 2])
        let arrayAddress = source.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
        let tensorAddress = tensor.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
        #expect(arrayAddress == tensorAddress)  // no copy was made
        // Writing to the caller's array copies it (copy-on-write); the tensor keeps the original values.
        source[0] = 100
        #expect(tensor.scalars == [1, 2, 3, 4])
        #expect(source[0] == 100)
        let session = try Session(path: Fixtures.model("add_f32"))
        let b = try Tensor<Float>(borrowing: [10, 20, 30, 40, 50, 60], shape: [2, 3])
        let a = try Tensor<Float>(borrowing: [1, 2, 3, 4, 5, 6], shape: [2, 3])
        #expect(try session.run(["A": a, "B": b]).tensor("C", of: Float.self).scalars == [11, 22, 33, 44, 55, 66])
    }

    @Test func borrowedTensorOutlivesTheCallersArray() throws {
        func make() throws -> Tensor<Int64> {
            let local: [Int64] = [7, 8, 9]
            return try Tensor<Int64>(borrowing: local)
        }
        let tensor = try make()
        #expect(tensor.scalars == [7, 8, 9])
    }

    @Test func handedOverMemoryIsFreedOnceWhenTheValueDies() throws {
        let frees = Atomic<Int>(0)
        let freed = Mutex<[UInt]>([])
        let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: 6 * 4, alignment: 16)
        memory.withMemoryRebound(to: Float.self) { floats in
            for index in floats.indices { floats[index] = Float(index) }
        }
        let address = UInt(bitPattern: memory.baseAddress)
        do {
            let value = try Value(
                bytesNoCopy: memory, elementType: .float32, shape: [2, 3],
                deallocator: .custom({ buffer in
                    frees.add(1, ordering: .relaxed)
                    freed.withLock { $0.append(UInt(bitPattern: buffer.baseAddress)) }
                    buffer.deallocate()
                }))
            let session = try Session(path: Fixtures.model("bad_shape"))
            let y = try session.run(["x": value]).tensor("y", of: Float.self)
            #expect(y.scalars == [0, 3, 6, 9, 12, 15])
            #expect(
                try value.tensor(of: Float.self).withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) } == address
            )
            #expect(frees.load(ordering: .relaxed) == 0)
        }
        #expect(frees.load(ordering: .relaxed) == 1)
        #expect(freed.withLock { $0 } == [address])
    }

    @Test func handedOverMemoryOfTheWrongSizeIsRefused() throws {
        let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: 8, alignment: 8)
        defer { memory.deallocate() }
        #expect {
            _ = try Value(bytesNoCopy: memory, elementType: .float32, shape: [3], deallocator: .none)
        } throws: { error in
            (error as! ORTError).code == .countMismatch && "\(error)".contains("needs 12 bytes, but 8 were given")
        }
        #expect(throws: ORTError.self) {
            _ = try Value(bytesNoCopy: memory, elementType: .string, shape: [1], deallocator: .none)
        }
    }

    @Test func initializingInPlace() throws {
        let tensor = try Tensor<Int32>(shape: [2, 3]) { buffer in
            for index in buffer.indices { buffer[index] = Int32(index * index) }
        }
        #expect(tensor.scalars == [0, 1, 4, 9, 16, 25])
        #expect(try Tensor<Double>(repeating: 0.5, shape: [2, 2]).scalars == [0.5, 0.5, 0.5, 0.5])
        struct Refused: Error {}
        #expect(throws: Refused.self) { _ = try Tensor<Float>(shape: [1]) { _ in throw Refused() } }
    }

    @Test func scalarAccess() throws {
        #expect(try Tensor<Bool>(scalar: true).scalar == true)
        #expect(try Tensor<String>(scalar: "ok").scalars == ["ok"])
        #expect(throws: ORTError.self) { _ = try Tensor<Float>([1, 2]).scalar }
    }

    @Test func bfloat16RoundsToNearestEven() {
        // 1.0 = 0x3F80; 1 + 2^-8 lies exactly halfway between 0x3F80 and 0x3F81: ties go to even (0x3F80).
        #expect(BFloat16(1.0).bitPattern == 0x3F80)
        #expect(BFloat16(1.0 + 0x1p-8).bitPattern == 0x3F80)
        // 1 + 3 * 2^-8 is halfway between 0x3F81 and 0x3F82: ties go to even (0x3F82).
        #expect(BFloat16(1.0 + 3 * 0x1p-8).bitPattern == 0x3F82)
        // Slightly above halfway rounds up.
        #expect(BFloat16(1.0 + 0x1p-8 + 0x1p-20).bitPattern == 0x3F81)
        #expect(BFloat16(-2.5).bitPattern == 0xC020)
        #expect(BFloat16(Float.nan).floatValue.isNaN)
        #expect(Float(BFloat16(bitPattern: 0x4049)) == 3.140625)
        #expect(BFloat16(3.0).description == "3.0")
    }

    @Test func float16AndBFloat16TensorsRoundTrip() throws {
        let halves: [Float16] = [0, -0.0, 1.5, 65504, -2]
        #expect(try Tensor<Float16>(halves).scalars.map(\.bitPattern) == halves.map(\.bitPattern))
        let brains = [BFloat16(1), BFloat16(-0.5), BFloat16(bitPattern: 0x7F7F)]
        #expect(try Tensor<BFloat16>(brains).scalars == brains)
    }

    @Test func rawBytesInONNXLayout() throws {
        // int4 [-8, 7, 1]: nibbles 0x8 and 0x7 share the first byte (low nibble first), 0x1 pads the second.
        let int4 = try Value(rawBytes: [0x78, 0x01], elementType: .int4, shape: [3])
        #expect(int4.elementType == .int4)
        #expect(int4.shape == [3])
        #expect(try int4.rawBytes == [0x78, 0x01])
        let float8 = try Value(rawBytes: [0x38, 0xB8], elementType: .float8e4m3fn, shape: [2])
        #expect(try float8.rawBytes == [0x38, 0xB8])
        let floats = try Tensor<Float>([1, -2]).value
        #expect(try floats.rawBytes == [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0])
        #expect(throws: ORTError.self) { _ = try Tensor<String>(["a"]).value.rawBytes }
        #expect(throws: ORTError.self) { _ = try Value(rawBytes: [UInt8](), elementType: .string, shape: [0]) }
    }

    @Test func stringsKeepUnicodeAndEmbeddedNULs() throws {
        let strings = ["", "héllo ✓", "a\u{0}b", String(repeating: "x", count: 300)]
        let tensor = try Tensor<String>(strings, shape: [2, 2])
        #expect(try tensor.scalars == strings)
        #expect(try Tensor<String>([], shape: [0]).scalars == [])
    }

    @Test func elementTypeFacts() {
        #expect(ElementType.int4.byteCount(forElementCount: 5) == 3)
        #expect(ElementType.float16.byteCount(forElementCount: 5) == 10)
        #expect(ElementType.string.byteCount(forElementCount: 5) == nil)
        #expect(ElementType.float32.onnxName == "float")
        #expect(ElementType.float64.description == "float64")
        #expect(ElementType.bfloat16.description == "bfloat16")
    }
}
