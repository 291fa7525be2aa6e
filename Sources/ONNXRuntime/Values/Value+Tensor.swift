import CONNXRuntime
import Foundation

/// Checks on tensor shapes, for code that reads shapes from untrusted sources (files, requests).
public enum TensorShape {
    /// The number of elements a shape holds (1 for a scalar).
    /// - Throws: ``ORTError/Code/invalidShape`` for a negative dimension or a product that overflows `Int`.
    public static func elementCount(_ shape: [Int]) throws(ORTError) -> Int {
        var count = 1
        for (axis, dimension) in shape.enumerated() {
            guard dimension >= 0 else {
                throw ORTError(
                    .invalidShape, "shape \(shape) has dimension \(axis) = \(dimension); dimensions must be >= 0")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else {
                throw ORTError(.invalidShape, "shape \(shape) has more elements than can be counted (Int overflow)")
            }
            count = product
        }
        return count
    }

    /// The bytes a tensor of this shape and element type takes, checked against overflow and the machine's memory.
    /// - Throws: ``ORTError/Code/invalidShape``.
    public static func byteCount(_ shape: [Int], of elementType: ElementType) throws(ORTError) -> Int {
        try ShapeCheck.sizes(shape, elementType).bytes
    }
}

/// Shape checks done before any memory is allocated or ORT is called.
enum ShapeCheck {
    /// The most bytes one tensor may take: the machine's physical memory. A larger request is surely a mistake
    /// (a corrupt header, a wrong dimension), and failing here is kinder than the allocator's answer.
    static let maximumBytes = Int(clamping: ProcessInfo.processInfo.physicalMemory)

    /// Validates a shape and returns its element count.
    static func elementCount(_ shape: [Int]) throws(ORTError) -> Int {
        try TensorShape.elementCount(shape)
    }

    /// Validates a shape for a new tensor of `elementType` and returns (element count, byte count).
    static func sizes(_ shape: [Int], _ elementType: ElementType) throws(ORTError) -> (count: Int, bytes: Int) {
        let count = try elementCount(shape)
        if elementType == .string { return (count, 0) }
        guard let bytes = elementType.byteCount(forElementCount: count) else {
            throw ORTError(.invalidShape, "shape \(shape) of \(elementType) needs more bytes than can be counted")
        }
        guard bytes <= maximumBytes else {
            throw ORTError(
                .invalidShape,
                "shape \(shape) of \(elementType) needs \(bytes) bytes, more than this machine's memory "
                    + "(\(maximumBytes) bytes)")
        }
        return (count, bytes)
    }
}

extension API {
    /// A new tensor (an owned `OrtValue`) whose memory ORT allocates: uninitialised, except strings start empty.
    func allocateTensor(_ elementType: ElementType, shape: [Int]) throws(ORTError) -> OpaquePointer {
        _ = try ShapeCheck.sizes(shape, elementType)
        let dims = shape.map { Int64($0) }
        var handle: OpaquePointer?
        let allocator = try defaultAllocator
        try check(
            table.pointee.CreateTensorAsOrtValue(
                UnsafeMutablePointer<OrtAllocator>(allocator), dims, dims.count, elementType.raw, &handle))
        return handle!
    }

    /// The data pointer of a tensor handle.
    func tensorData(_ handle: OpaquePointer) throws(ORTError) -> UnsafeMutableRawPointer? {
        var data: UnsafeMutableRawPointer?
        try check(table.pointee.GetTensorMutableData(handle, &data))
        return data
    }

    /// The tensor's data pointer, or `nil` where ``tensorData(_:)`` would throw, without building the error (for hot
    /// paths that already know the handle is a tensor).
    func tensorDataIfAny(_ handle: OpaquePointer) -> UnsafeMutableRawPointer? {
        var data: UnsafeMutableRawPointer?
        if let status = table.pointee.GetTensorMutableData(handle, &data) {
            table.pointee.ReleaseStatus(status)
            return nil
        }
        return data
    }

    /// Runs `fill` on a freshly created handle, releasing the handle if `fill` throws.
    func initialize<E: Error>(_ handle: OpaquePointer, _ fill: (OpaquePointer) throws(E) -> Void) throws(E) {
        do {
            try fill(handle)
        } catch {
            table.pointee.ReleaseValue(handle)
            throw error
        }
    }

    /// A tensor handle over memory someone else owns; the caller keeps that memory alive as long as the handle.
    func wrapTensor(
        _ pointer: UnsafeMutableRawPointer, byteCount: Int, elementType: ElementType, shape: [Int]
    ) throws(ORTError) -> OpaquePointer {
        let dims = shape.map { Int64($0) }
        var handle: OpaquePointer?
        try check(
            table.pointee.CreateTensorWithDataAsOrtValue(
                cpuMemoryInfo, pointer, byteCount, dims, dims.count, elementType.raw, &handle))
        return handle!
    }
}

/// Keeps memory handed over with ``Value/init(bytesNoCopy:elementType:shape:deallocator:)`` until the value dies.
final class DeallocatingOwner {
    let bytes: UnsafeMutableRawBufferPointer
    let deallocator: Value.Deallocator
    init(bytes: UnsafeMutableRawBufferPointer, deallocator: Value.Deallocator) {
        self.bytes = bytes
        self.deallocator = deallocator
    }
    deinit {
        switch deallocator {
        case .none: break
        case .free: free(bytes.baseAddress)
        case .custom(let body): body(bytes)
        }
    }
}

/// Keeps a Swift array's storage alive (and unshared for writing) while a tensor points into it.
final class ArrayOwner<Element> {
    let array: [Element]
    init(_ array: [Element]) { self.array = array }
}

extension Value {
    /// What to do with memory handed to ``init(bytesNoCopy:elementType:shape:deallocator:)`` when the value is gone.
    public enum Deallocator: Sendable {
        /// Nothing: the caller keeps the memory valid for as long as the value lives.
        case none
        /// Call `free()`: the memory came from `malloc`.
        case free
        /// Call this closure with the memory.
        case custom(@Sendable (UnsafeMutableRawBufferPointer) -> Void)
    }

    /// A tensor over memory the caller hands over, without copying it.
    ///
    /// The value uses `bytes` in place and calls `deallocator` once the value (and every output or binding that
    /// references it) is released.
    /// - Parameters:
    ///   - bytes: The tensor's data in ORT's layout; its size must match the shape exactly.
    ///   - elementType: The element type; not `.string`.
    ///   - shape: The tensor's shape.
    ///   - deallocator: How to release `bytes` when the value is gone.
    /// - Throws: ``ORTError/Code/invalidShape`` or ``ORTError/Code/countMismatch``.
    ///
    /// The corresponding C function is `CreateTensorWithDataAsOrtValue`.
    public convenience init(
        bytesNoCopy bytes: UnsafeMutableRawBufferPointer, elementType: ElementType, shape: [Int],
        deallocator: Deallocator
    ) throws(ORTError) {
        let owner = DeallocatingOwner(bytes: bytes, deallocator: deallocator)
        guard elementType != .string else {
            throw ORTError(
                .invalidArgument, "string tensors cannot wrap raw memory; use Tensor<[UInt8]> or Tensor<String>")
        }
        let sizes = try ShapeCheck.sizes(shape, elementType)
        guard sizes.bytes == bytes.count else {
            throw ORTError(
                .countMismatch,
                "shape \(shape) of \(elementType) needs \(sizes.bytes) bytes, but \(bytes.count) were given")
        }
        let api = try API.get()
        // ORT rejects a null data pointer even for an empty tensor; any non-null address will do for 0 bytes.
        let base = bytes.baseAddress ?? UnsafeMutableRawPointer(bitPattern: MemoryLayout<UInt64>.alignment)!
        let handle = try api.wrapTensor(base, byteCount: bytes.count, elementType: elementType, shape: shape)
        self.init(adopting: handle, api: api, owner: owner, knownTensor: (elementType, shape))
    }

    /// A tensor of any non-string element type, copied from raw bytes in ORT's layout.
    ///
    /// Use this for types without a Swift counterpart: the float8 types, int4/uint4 (two elements per byte, the
    /// first in the low nibble), float4 and complex.
    /// - Parameters:
    ///   - rawBytes: The data; its size must match the shape exactly.
    ///   - elementType: The element type; not `.string`.
    ///   - shape: The tensor's shape.
    /// - Throws: ``ORTError/Code/countMismatch`` or ``ORTError/Code/invalidShape``.
    public convenience init(rawBytes: some Collection<UInt8>, elementType: ElementType, shape: [Int]) throws(ORTError) {
        guard elementType != .string else {
            throw ORTError(
                .invalidArgument, "string tensors cannot be made from raw bytes; use Tensor<[UInt8]> or Tensor<String>")
        }
        let sizes = try ShapeCheck.sizes(shape, elementType)
        guard sizes.bytes == rawBytes.count else {
            throw ORTError(
                .countMismatch,
                "shape \(shape) of \(elementType) needs \(sizes.bytes) bytes, but \(rawBytes.count) were given")
        }
        let api = try API.get()
        let handle = try api.allocateTensor(elementType, shape: shape)
        try api.initialize(handle) { (handle) throws(ORTError) in
            if sizes.bytes > 0, let data = try api.tensorData(handle) {
                UnsafeMutableRawBufferPointer(start: data, count: sizes.bytes).copyBytes(from: rawBytes)
            }
        }
        self.init(adopting: handle, api: api, knownTensor: (elementType, shape))
    }

    /// Lends the tensor's bytes, in ORT's layout, without copying.
    /// - Parameter body: Reads the bytes; they are valid only during the call.
    /// - Throws: ``ORTError/Code/typeMismatch`` for a string or non-tensor value, or what `body` throws.
    public func withUnsafeRawBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws -> R {
        guard kind == .tensor else { throw ORTError(.typeMismatch, "\(type.typeString) is not a tensor") }
        let (elementType, shape) = try tensorShapeAndType()
        guard elementType != .string else {
            throw ORTError(
                .typeMismatch,
                "a string tensor has no raw bytes in ORT's layout; read it as Tensor<[UInt8]> or Tensor<String>")
        }
        let count = shape.reduce(1, *)
        let bytes = elementType.byteCount(forElementCount: count) ?? 0
        let data = try api.tensorData(handle)
        return try body(UnsafeRawBufferPointer(start: bytes == 0 ? nil : data, count: bytes))
    }

    /// A copy of the tensor's bytes in ORT's layout.
    /// - Throws: ``ORTError/Code/typeMismatch`` for a string or non-tensor value.
    public var rawBytes: [UInt8] {
        get throws(ORTError) {
            do {
                return try withUnsafeRawBytes { Array($0) }
            } catch let error as ORTError {
                throw error
            } catch {
                throw ORTError(.invalidArgument, "\(error)")
            }
        }
    }
}
