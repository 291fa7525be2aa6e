/// The elements of a string tensor, lent as byte ranges of one buffer by ``Tensor/withUnsafeElements(_:)``.
///
/// Each element is an `UnsafeRawBufferPointer` over exactly its bytes: NUL bytes are data, and an empty element is an
/// empty buffer. The view and every buffer it hands out are valid only inside the closure that lends them.
///
/// ```swift
/// let total = try output.withUnsafeElements { elements in elements.reduce(0) { $0 + $1.count } }
/// ```
public struct StringTensorElements: RandomAccessCollection {
    /// Every element's bytes, back to back in row-major order.
    public let bytes: UnsafeRawBufferPointer
    /// Where each element starts in ``bytes``; rising, and within ``bytes``.
    let offsets: UnsafeBufferPointer<Int>

    init(bytes: UnsafeRawBufferPointer, offsets: UnsafeBufferPointer<Int>) {
        self.bytes = bytes
        self.offsets = offsets
    }

    /// The position of the first element (always 0).
    public var startIndex: Int { 0 }
    /// One past the last element: the element count.
    public var endIndex: Int { offsets.count }

    /// The bytes of the element at `position`.
    /// - Complexity: O(1).
    public subscript(position: Int) -> UnsafeRawBufferPointer {
        precondition(position >= 0 && position < offsets.count, "string tensor element index out of range")
        let start = offsets[position]
        let end = position + 1 < offsets.count ? offsets[position + 1] : bytes.count
        return UnsafeRawBufferPointer(rebasing: bytes[start..<end])
    }
}

/// A string tensor's elements copied out of ORT: the buffer and offsets behind a ``StringTensorElements``, freed when
/// this copy goes away.
struct StringTensorCopy: ~Copyable {
    let bytes: UnsafeMutableRawBufferPointer
    let offsets: UnsafeMutableBufferPointer<Int>
    /// The bytes in use (``bytes`` has at least one).
    let byteCount: Int
    /// The number of elements (``offsets`` has room for at least one).
    let count: Int

    /// Allocates room for `count` elements of `byteCount` bytes in all (at least one byte and one offset, so ORT is
    /// never handed a null pointer).
    init(byteCount: Int, count: Int) {
        self.bytes = .allocate(byteCount: max(byteCount, 1), alignment: 1)
        self.offsets = .allocate(capacity: max(count, 1))
        self.offsets.initialize(repeating: 0)
        self.byteCount = byteCount
        self.count = count
    }

    /// Lends the elements; the copy stays alive (borrowed) for the whole call.
    func withElements<R, E: Error>(_ body: (StringTensorElements) throws(E) -> R) throws(E) -> R {
        try body(
            StringTensorElements(
                bytes: UnsafeRawBufferPointer(rebasing: bytes[0..<byteCount]),
                offsets: UnsafeBufferPointer(rebasing: offsets[0..<count])))
    }

    deinit {
        bytes.deallocate()
        offsets.deallocate()
    }
}
