#if Server && Client
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A POSIX shared memory object the tests create, as a Triton client does (`shm_open` + `ftruncate` + `mmap`), with
/// a name of its own; unlinked and unmapped when released.
final class SharedMemoryObject: @unchecked Sendable {
    let key: String
    let size: Int
    private let base: UnsafeMutableRawPointer

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    init(size: Int) throws {
        key = "/ort-test-\(getpid())-\(UInt64.random(in: 0..<UInt64.max))"
        self.size = size
        let descriptor = shm_open(key, O_CREAT | O_EXCL | O_RDWR, 0o600)
        guard descriptor >= 0 else { throw Failure(description: "shm_open \(key): errno \(errno)") }
        defer { close(descriptor) }
        guard ftruncate(descriptor, off_t(size)) == 0,
            let mapped = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0), mapped != MAP_FAILED
        else {
            shm_unlink(key)
            throw Failure(description: "ftruncate/mmap \(key): errno \(errno)")
        }
        base = mapped
    }

    deinit {
        munmap(base, size)
        shm_unlink(key)
    }

    /// Writes `bytes` at `offset`.
    func write(_ bytes: [UInt8], at offset: Int = 0) {
        precondition(offset >= 0 && offset + bytes.count <= size)
        bytes.withUnsafeBytes { (base + offset).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
    }

    /// Reads `count` bytes at `offset`.
    func read(_ count: Int, at offset: Int = 0) -> [UInt8] {
        precondition(offset >= 0 && offset + count <= size)
        return Array(UnsafeRawBufferPointer(start: base + offset, count: count))
    }
}
#endif
