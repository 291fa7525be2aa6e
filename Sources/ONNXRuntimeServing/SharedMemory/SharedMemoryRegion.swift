#if Server
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A registered system shared memory region: part of a POSIX shared memory object, mapped into the server.
///
/// The mapping lives as long as this object: the registry holds one reference, and every request that uses the
/// region holds another (through its ``InferenceRequest`` and any tensor made over the region's bytes), so a region
/// unregistered while a request reads or writes it stays mapped until that request is done. `deinit` unmaps it.
///
/// `@unchecked Sendable`: every stored property is immutable after `init`; the mapped bytes themselves are shared
/// with the client process by design, and are only read and written through ``bytes(at:count:)`` after a bounds
/// check.
package final class SharedMemoryRegion: @unchecked Sendable {
    /// The region's name.
    package let name: String
    /// The shared memory object's name, as given to `shm_open`.
    package let key: String
    /// Where the region starts in the object, in bytes.
    package let offset: Int
    /// The region's size in bytes.
    package let byteSize: Int
    /// Whether the object could be opened for writing (outputs can only go to a writable region).
    package let isWritable: Bool
    /// The start of the mapping (page-aligned), and its length, for `munmap`.
    private let mapping: UnsafeMutableRawPointer
    private let mappingLength: Int
    /// The region's first byte, inside the mapping.
    private let start: UnsafeMutableRawPointer

    /// Opens the shared memory object `key`, checks that `offset..<offset + byteSize` lies inside it, and maps that
    /// part. The descriptor is closed once the mapping is made.
    ///
    /// The object is opened read-write, or read-only when the server may not write it. It must be a regular shared
    /// memory object: anything else (a directory, a FIFO, a device) is refused without blocking.
    /// - Throws: ``ServingError``: 400 for a bad key, a negative or empty size, or a range outside the object; 500
    ///   when the object cannot be opened or mapped (as Triton answers).
    package init(name: String, key: String, offset: Int, byteSize: Int) throws(ServingError) {
        guard !key.isEmpty, !key.utf8.contains(0) else {
            throw .badRequest(
                "failed to register shared memory region '\(name)': the key must be a non-empty name without NUL "
                    + "characters, such as '/my_region'")
        }
        guard offset >= 0, byteSize > 0 else {
            throw .badRequest(
                "failed to register shared memory region '\(name)': invalid args: offset must be non-negative and "
                    + "byte_size positive, got offset \(offset) and byte_size \(byteSize)")
        }
        // O_NONBLOCK: a FIFO in the shared memory folder must not block the server; it is refused below.
        var descriptor = shm_open(key, O_RDWR | O_NONBLOCK, 0)
        var writable = true
        if descriptor < 0, errno == EACCES || errno == EROFS {
            descriptor = shm_open(key, O_RDONLY | O_NONBLOCK, 0)
            writable = false
        }
        guard descriptor >= 0 else {
            throw .internal("Unable to open shared memory region: '\(key)': \(Self.describeErrno())")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw .internal("Invalid shared memory region: '\(key)': \(Self.describeErrno())")
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw .badRequest(
                "failed to register shared memory region '\(name)': '\(key)' is not a shared memory object")
        }
        let objectSize = Int(status.st_size)
        let (end, overflow) = offset.addingReportingOverflow(byteSize)
        guard !overflow, end <= objectSize else {
            throw .badRequest(
                "failed to register shared memory region '\(name)': invalid args: offset \(offset) + byte_size "
                    + "\(byteSize) passes the end of '\(key)', which has \(objectSize) bytes")
        }
        // mmap wants a page-aligned file offset: map from the page the region starts in.
        let page = max(Int(sysconf(Int32(_SC_PAGESIZE))), 1)
        let alignedOffset = offset - offset % page
        let length = byteSize + (offset - alignedOffset)
        let protection = writable ? PROT_READ | PROT_WRITE : PROT_READ
        guard let mapped = mmap(nil, length, protection, MAP_SHARED, descriptor, off_t(alignedOffset)),
            mapped != MAP_FAILED
        else {
            throw .internal(
                "failed to register shared memory region '\(name)': unable to map '\(key)': "
                    + Self.describeErrno())
        }
        self.name = name
        self.key = key
        self.offset = offset
        self.byteSize = byteSize
        self.isWritable = writable
        self.mapping = mapped
        self.mappingLength = length
        self.start = mapped + (offset - alignedOffset)
    }

    deinit {
        munmap(mapping, mappingLength)
    }

    /// The region as the status endpoints report it.
    package var status: SharedMemoryRegionStatus {
        SharedMemoryRegionStatus(name: name, key: key, offset: offset, byteSize: byteSize)
    }

    /// Checks that `byteSize` bytes at `offset` lie inside the region, as a request's `shared_memory_offset` and
    /// `shared_memory_byte_size` must.
    /// - Throws: ``ServingError`` (400) beginning with Triton's text, and naming the sizes.
    package func checkRange(offset: Int, byteSize: Int) throws(ServingError) {
        guard offset >= 0, offset < self.byteSize else {
            throw .badRequest(
                "Invalid offset for shared memory region: '\(name)': offset \(offset) is outside the region's "
                    + "\(self.byteSize) bytes")
        }
        let (end, overflow) = offset.addingReportingOverflow(byteSize)
        guard byteSize >= 0, !overflow, end <= self.byteSize else {
            throw .badRequest(
                "Invalid offset + byte size for shared memory region: '\(name)': offset \(offset) + byte size "
                    + "\(byteSize) passes the end of the region's \(self.byteSize) bytes")
        }
    }

    /// The `count` bytes at `offset` of the region (already checked with ``checkRange(offset:byteSize:)``).
    ///
    /// The memory stays valid while this region object lives; a caller that keeps the pointer past its own use of
    /// the region must keep a reference to the region too.
    package func bytes(at offset: Int, count: Int) -> UnsafeMutableRawBufferPointer {
        precondition(offset >= 0 && count >= 0 && offset <= byteSize && count <= byteSize - offset)
        return UnsafeMutableRawBufferPointer(start: start + offset, count: count)
    }

    private static func describeErrno() -> String {
        let code = errno
        return String(cString: strerror(code)) + " (errno \(code))"
    }
}
#endif
