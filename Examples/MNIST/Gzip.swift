import CZlib

// gzip (RFC 1952) through the system zlib, so that the example reads the original `.gz` MNIST files without an
// external `gzip` program. zlib checks each member's header, CRC-32 and length; concatenated members are read one
// after another, as `gunzip` does.

/// Decompression of gzip data.
enum Gzip {
    /// The most bytes ``decompress(_:limit:)`` produces by default: far more than MNIST's largest file (47 MB of
    /// training images), far less than a "zip bomb" would ask for.
    static let defaultLimit = 1 << 30

    /// Whether the bytes start with the gzip magic number (1f 8b).
    static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }

    /// Decompresses every gzip member in `bytes`.
    /// - Parameters:
    ///   - bytes: One or more gzip members, optionally followed by zero bytes (padding some tools write).
    ///   - limit: The most bytes to produce; data that decompresses to more is refused as soon as it passes it.
    /// - Throws: ``ExampleError`` saying what is wrong with the data (without naming the file): truncated, corrupt
    ///   (zlib's own reason, e.g. `incorrect data check` for a CRC mismatch), followed by other data, or too large.
    static func decompress(_ bytes: [UInt8], limit: Int = defaultLimit) throws(ExampleError) -> [UInt8] {
        guard isGzip(bytes) else { throw ExampleError("not gzip data (it does not start with 1f 8b)") }
        let result: Result<[UInt8], ExampleError> = bytes.withUnsafeBufferPointer { input in
            do throws(ExampleError) {
                return .success(try inflateAll(input, limit: limit))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private static func inflateAll(_ input: UnsafeBufferPointer<UInt8>, limit: Int) throws(ExampleError) -> [UInt8] {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deallocate() }
        // 15 + 32: a 32 KiB window, and a gzip (or zlib) header detected and checked by zlib.
        guard CZlib_inflateInit2(stream, 15 + 32) == Z_OK else {
            throw ExampleError("zlib could not start decompressing")
        }
        defer { inflateEnd(stream) }

        var output: [UInt8] = []
        // The last member's trailer holds its uncompressed size modulo 2^32: a good first guess for the capacity.
        let sizeHint = input.suffix(4).reversed().reduce(0) { $0 << 8 | Int($1) }
        output.reserveCapacity(min(sizeHint, limit))
        var scratch = [UInt8](repeating: 0, count: 256 << 10)
        var consumed = 0  // input bytes handed to zlib so far
        while true {
            if stream.pointee.avail_in == 0 && consumed < input.count {
                let chunk = min(input.count - consumed, Int(UInt32.max))
                stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress! + consumed)
                stream.pointee.avail_in = UInt32(chunk)
                consumed += chunk
            }
            let status = scratch.withUnsafeMutableBufferPointer { buffer in
                stream.pointee.next_out = buffer.baseAddress
                stream.pointee.avail_out = UInt32(buffer.count)
                let status = inflate(stream, Z_NO_FLUSH)
                output.append(contentsOf: buffer[..<(buffer.count - Int(stream.pointee.avail_out))])
                return status
            }
            guard output.count <= limit else {
                throw ExampleError("gzip data decompresses to more than \(limit) bytes")
            }
            let left = Int(stream.pointee.avail_in) + (input.count - consumed)
            switch status {
            case Z_OK:
                continue
            case Z_STREAM_END:
                let rest = UnsafeBufferPointer(rebasing: input[(input.count - left)...])
                if rest.allSatisfy({ $0 == 0 }) { return output }
                guard rest.count >= 2, rest[0] == 0x1f, rest[1] == 0x8b else {
                    throw ExampleError("unexpected data after the end of the gzip stream (\(rest.count) bytes)")
                }
                // Another member follows: start over on it, with the output so far kept.
                guard inflateReset(stream) == Z_OK else { throw ExampleError("zlib could not reset its stream") }
            case Z_BUF_ERROR where left == 0:
                throw ExampleError("gzip data is truncated (the compressed stream ends early)")
            case Z_BUF_ERROR:
                continue
            case Z_MEM_ERROR:
                throw ExampleError("zlib ran out of memory")
            default:  // Z_DATA_ERROR, Z_NEED_DICT, Z_STREAM_ERROR
                let reason = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                throw ExampleError("corrupt gzip data: \(reason)")
            }
        }
    }
}
