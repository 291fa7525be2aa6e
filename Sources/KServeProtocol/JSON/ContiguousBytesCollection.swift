/// A contiguous collection of bytes that can lend its storage (`[UInt8]`, `ArraySlice<UInt8>`,
/// `ContiguousArray<UInt8>`).
package protocol ContiguousBytesCollection {
    /// Calls `body` with the bytes.
    func withContiguousBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R
}

extension Array: ContiguousBytesCollection where Element == UInt8 {
    /// Calls `body` with the array's bytes.
    package func withContiguousBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withUnsafeBytes(body)
    }
}

extension ArraySlice: ContiguousBytesCollection where Element == UInt8 {
    /// Calls `body` with the slice's bytes.
    package func withContiguousBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withUnsafeBytes(body)
    }
}
