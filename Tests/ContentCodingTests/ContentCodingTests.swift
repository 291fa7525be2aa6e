#if Client || Server
import ContentCoding
import NIOCore
import Testing

/// The gzip and deflate codings: data made by Python's `gzip` and `zlib` modules decodes to its text, what we encode
/// decodes in Python the same way (checked in Tests/Integration/test_compression.py), and damaged, truncated or
/// oversized data is refused with a reason.
@Suite("Content coding")
struct ContentCodingTests {
    static let text = Array("KServe V2 says hello, hello, hello!".utf8)

    /// Made by Python 3: `gzip.compress(text, mtime=0)`, `zlib.compress(text)`, a raw `zlib.compressobj(wbits=-15)`,
    /// and two gzip members of `b"abc"` and `b"def"` one after the other.
    static let gzipHex = "1f8b0800000000000203f30e4e2d2a4b55083352284eac2c56c848cdc9c9d741a11401910ff8bb23000000"
    static let zlibHex = "789cf30e4e2d2a4b55083352284eac2c56c848cdc9c9d741a11401d71b0bee"
    static let rawHex = "f30e4e2d2a4b55083352284eac2c56c848cdc9c9d741a11401"
    static let twoMembersHex =
        "1f8b08000000000002034b4c4a0600c2412435030000001f8b08000000000002034b494d030061e1c40c03000000"

    static func bytes(_ hex: String) -> ByteBuffer {
        let digits = Array(hex.utf8)
        let values = stride(from: 0, to: digits.count, by: 2).map {
            UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)!
        }
        return ByteBuffer(bytes: values)
    }

    @Test("Python's gzip, zlib and raw deflate data decode to the text")
    func decodesPython() throws {
        #expect(
            Array(try ContentCoding.gzip.decompressed(Self.bytes(Self.gzipHex), limit: 1000).readableBytesView)
                == Self.text)
        #expect(
            Array(try ContentCoding.deflate.decompressed(Self.bytes(Self.zlibHex), limit: 1000).readableBytesView)
                == Self.text)
        #expect(
            Array(try ContentCoding.deflate.decompressed(Self.bytes(Self.rawHex), limit: 1000).readableBytesView)
                == Self.text)
        let two = try ContentCoding.gzip.decompressed(Self.bytes(Self.twoMembersHex), limit: 1000)
        #expect(String(buffer: two) == "abcdef")
    }

    @Test("round trip of 3 MiB of mixed data at every level, in each coding", arguments: ContentCoding.allCases)
    func roundTrip(coding: ContentCoding) throws {
        // A linear congruential sequence with runs: some of it compresses, some does not.
        var state: UInt32 = 12345
        let data = (0..<(3 << 20)).map { index -> UInt8 in
            state = state &* 1_103_515_245 &+ 12345
            return index % 4096 < 1024 ? 0 : UInt8(truncatingIfNeeded: state >> 16)
        }
        for level: Int32 in [1, 6, 9] {
            let compressed = coding.compressed(data, level: level)
            #expect(compressed.readableBytes < data.count)
            let back = try coding.decompressed(compressed, limit: data.count)
            #expect(back.readableBytes == data.count)
            #expect(Array(back.readableBytesView) == data)
        }
        // Empty input has a valid, non-empty encoding.
        let empty = coding.compressed([UInt8]())
        #expect(empty.readableBytes > 0)
        #expect(try coding.decompressed(empty, limit: 0).readableBytes == 0)
    }

    @Test("compressing appends after what the buffer holds")
    func appends() throws {
        var output = ByteBuffer(bytes: [1, 2, 3, 4, 5])
        Self.text.withUnsafeBytes { ContentCoding.gzip.compress($0, into: &output) }
        #expect(Array(output.readableBytesView.prefix(5)) == [1, 2, 3, 4, 5])
        output.moveReaderIndex(forwardBy: 5)
        #expect(Array(try ContentCoding.gzip.decompressed(output, limit: 100).readableBytesView) == Self.text)
    }

    @Test("a bomb stops at the limit, not at its size")
    func bomb() throws {
        // 64 MiB of zeros compress to about 64 KiB.
        let zeros = [UInt8](repeating: 0, count: 64 << 20)
        let bomb = ContentCoding.gzip.compressed(zeros)
        #expect(bomb.readableBytes < 100_000)
        var output = ByteBuffer()
        let error = #expect(throws: ContentCodingError.self) {
            try bomb.withUnsafeReadableBytes { try ContentCoding.gzip.decompress($0, limit: 1 << 20, into: &output) }
        }
        #expect(error?.kind == .tooLarge)
        #expect(error?.message.contains("1048576") == true)
        #expect(output.readableBytes <= (1 << 20) + 1)
        // Exactly the limit is fine.
        #expect(try ContentCoding.gzip.decompressed(bomb, limit: 64 << 20).readableBytes == 64 << 20)
    }

    @Test("damaged, truncated and trailing data, and data of the other coding, are refused with a reason")
    func damaged() throws {
        let gzip = Self.bytes(Self.gzipHex)
        let cases: [(ContentCoding, ByteBuffer, ContentCodingError.Kind, String)] = [
            (.gzip, gzip.getSlice(at: 0, length: gzip.readableBytes - 8)!, .truncated, "truncated"),
            (.gzip, gzip.getSlice(at: 0, length: 5)!, .truncated, "truncated"),
            (.gzip, ByteBuffer(), .truncated, "truncated"),
            (.gzip, Self.bytes(Self.zlibHex), .corrupt, "not valid gzip"),
            (.deflate, gzip, .corrupt, "not valid deflate"),
            (.gzip, ByteBuffer(bytes: Array("plain text, not compressed".utf8)), .corrupt, "not valid gzip"),
            (
                .deflate,
                {
                    var b = Self.bytes(Self.zlibHex); b.writeBytes([9, 9]); return b
                }(), .corrupt, "follow"
            ),
            (
                .gzip,
                {
                    var b = gzip; b.writeBytes([0, 0, 0]); return b
                }(), .corrupt, "not valid gzip"
            ),
            // The CRC at the end no longer matches the data.
            (
                .gzip,
                {
                    var b = gzip; b.setInteger(UInt8(0x55), at: b.readableBytes - 6); return b
                }(), .corrupt, "check"
            ),
        ]
        for (coding, data, kind, words) in cases {
            let error = #expect(throws: ContentCodingError.self) { try coding.decompressed(data, limit: 1000) }
            #expect(error?.kind == kind, "\(coding) \(data.readableBytes) bytes: \(error?.message ?? "")")
            #expect(error?.message.contains(words) == true, "\(error?.message ?? "")")
        }
    }

    @Test(
        "Accept-Encoding picks the acceptable coding of highest weight, gzip on a tie",
        arguments: [
            ("gzip", ContentCoding.gzip), ("deflate", .deflate), ("gzip, deflate", .gzip), ("deflate, gzip", .gzip),
            ("deflate;q=1, gzip;q=0.5", .deflate), ("gzip;q=0, deflate", .deflate), ("gzip;q=0", nil),
            ("identity", nil), ("br, zstd", nil), ("*", .gzip), ("*;q=0", nil), ("gzip;q=0, *", .deflate),
            ("  GZIP ; Q=0.8 ", .gzip), ("x-gzip", .gzip), ("", nil), ("gzip;q=abc", nil), (",,", nil),
        ] as [(String, ContentCoding?)])
    func acceptEncoding(header: String, expected: ContentCoding?) {
        #expect(ContentCoding.preferred(acceptEncoding: header) == expected)
    }

    @Test("names and grpc-accept-encoding lists")
    func names() {
        #expect(ContentCoding(name: " Deflate ") == .deflate)
        #expect(ContentCoding(name: "identity") == nil)
        #expect(ContentCoding(name: "gzip2") == nil)
        #expect(ContentCoding.gzip.isListed(in: "identity,deflate,gzip"))
        #expect(!ContentCoding.gzip.isListed(in: "identity, deflate"))
    }
}
#endif
