import Foundation

/// An error of the example itself (bad arguments, unreadable or malformed files), printed as one line.
struct ExampleError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A set of 28x28 grey-scale digits and their labels, as MNIST stores them: one byte per pixel, 0 (black background)
/// to 255 (white ink), row by row.
struct DigitSet {
    static let side = 28
    static let pixelCount = side * side

    /// All pixels, image after image.
    let pixels: [UInt8]
    /// The label 0-9 of each image.
    let labels: [UInt8]
    /// Where the images came from, for messages.
    let imagesPath: String

    var count: Int { labels.count }

    /// The pixels of image `index`, scaled to 0...1 as the model expects (pixel / 255).
    func image(_ index: Int) -> [Float] {
        pixels[(index * Self.pixelCount)..<((index + 1) * Self.pixelCount)].map { Float($0) / 255 }
    }

    /// Loads the MNIST test set (`t10k-images` and `t10k-labels`) from a folder.
    static func loadTestSet(from directory: String) throws(ExampleError) -> DigitSet {
        guard let imagesPath = IDX.find(in: directory, stem: "t10k-images", kind: "idx3"),
            let labelsPath = IDX.find(in: directory, stem: "t10k-labels", kind: "idx1")
        else {
            throw ExampleError(
                "no MNIST test set in \(directory): expected t10k-images.idx3-ubyte and t10k-labels.idx1-ubyte "
                    + "(optionally .gz, '-' instead of '.' also accepted)")
        }
        let images = try IDX.read(imagesPath, rank: 3)
        guard images.dimensions[1] == side, images.dimensions[2] == side else {
            throw ExampleError(
                "\(imagesPath) holds \(images.dimensions[1])x\(images.dimensions[2]) images; MNIST digits are 28x28")
        }
        let labels = try IDX.read(labelsPath, rank: 1)
        guard images.dimensions[0] == labels.dimensions[0] else {
            throw ExampleError(
                "\(imagesPath) holds \(images.dimensions[0]) images but \(labelsPath) holds \(labels.dimensions[0]) "
                    + "labels")
        }
        if let bad = labels.data.first(where: { $0 > 9 }) {
            throw ExampleError("\(labelsPath) contains the label \(bad); digit labels are 0-9")
        }
        return DigitSet(pixels: images.data, labels: labels.data, imagesPath: imagesPath)
    }
}

/// The IDX file format of MNIST: a big-endian magic number `00 00 TYPE RANK`, RANK big-endian 32-bit dimensions, then
/// the elements row-major. Only unsigned bytes (TYPE 0x08) are read here. Files may be gzip-compressed.
enum IDX {
    /// The path of `STEM.KIND-ubyte` in a folder, trying the names `t10k-images.idx3-ubyte` (as in
    /// ../shared/data/mnist) and `t10k-images-idx3-ubyte` (as distributed), each plain or `.gz`.
    static func find(in directory: String, stem: String, kind: String) -> String? {
        for name in ["\(stem).\(kind)-ubyte", "\(stem)-\(kind)-ubyte"] {
            for suffix in ["", ".gz"] {
                let path = (directory as NSString).appendingPathComponent(name + suffix)
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                    return path
                }
            }
        }
        return nil
    }

    /// Reads an IDX file of unsigned bytes with the given rank, decompressing it if it is gzip data.
    static func read(_ path: String, rank: Int) throws(ExampleError) -> (dimensions: [Int], data: [UInt8]) {
        var bytes = try readFile(path)
        if Gzip.isGzip(bytes) {
            do {
                bytes = try Gzip.decompress(bytes)
            } catch {
                throw ExampleError("\(path): \(error)")
            }
        }
        return try parse(bytes, rank: rank, path: path)
    }

    /// Checks an IDX header against the data that follows it.
    static func parse(_ bytes: [UInt8], rank: Int, path: String) throws(ExampleError) -> (
        dimensions: [Int], data: [UInt8]
    ) {
        let what = rank == 1 ? "labels" : rank == 3 ? "images" : "rank-\(rank) data"
        guard bytes.count >= 4 else {
            throw ExampleError("\(path) is not an IDX file: only \(bytes.count) bytes, too short for a header")
        }
        guard bytes[0] == 0, bytes[1] == 0 else {
            throw ExampleError(
                "\(path) is not an IDX file: it starts with bytes \(hex(bytes[0])) \(hex(bytes[1])), expected 00 00")
        }
        guard bytes[2] == 0x08 else {
            throw ExampleError(
                "\(path) holds IDX elements of type \(hex(bytes[2])); only unsigned bytes (08) are supported")
        }
        guard Int(bytes[3]) == rank else {
            let guess = bytes[3] == 1 ? " (a labels file?)" : bytes[3] == 3 ? " (an images file?)" : ""
            throw ExampleError(
                "\(path) has rank \(bytes[3])\(guess) but \(what) need rank \(rank): magic number 0x0000"
                    + "08\(hex(UInt8(rank))) expected")
        }
        let headerSize = 4 + 4 * rank
        guard bytes.count >= headerSize else {
            throw ExampleError("\(path) is truncated: \(bytes.count) bytes, the IDX header alone needs \(headerSize)")
        }
        var dimensions: [Int] = []
        var expected = 1
        for axis in 0..<rank {
            let offset = 4 + 4 * axis
            let size = bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
            dimensions.append(size)
            expected = expected.multipliedReportingOverflow(by: size).partialValue
        }
        let found = bytes.count - headerSize
        guard found == expected else {
            let shape = dimensions.map(String.init).joined(separator: "x")
            throw ExampleError(
                "\(path) is \(found < expected ? "truncated" : "too long"): its header declares \(shape) = "
                    + "\(expected) bytes of \(what), but \(found) follow")
        }
        return (dimensions, Array(bytes[headerSize...]))
    }

    /// The contents of a file, with a clear error if it is missing or unreadable.
    static func readFile(_ path: String, what: String = "file") throws(ExampleError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ExampleError("\(what) \(path) does not exist")
        }
        guard !isDirectory.boolValue else { throw ExampleError("\(what) \(path) is a directory, not a file") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ExampleError("\(what) \(path) cannot be read")
        }
        return [UInt8](data)
    }

    static func hex(_ byte: UInt8) -> String {
        byte < 16 ? "0" + String(byte, radix: 16) : String(byte, radix: 16)
    }
}
