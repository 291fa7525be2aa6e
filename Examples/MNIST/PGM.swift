import Foundation

/// A grey-scale picture with values from 0 (black) to 1 (white), row by row.
struct GreyImage {
    var width: Int
    var height: Int
    var values: [Float]
}

/// Netpbm grey-scale images: binary `P5` (8 or 16 bits per sample) and plain-text `P2`.
enum PGM {
    static let largestSide = 16384

    /// Reads a PGM file.
    static func read(_ path: String) throws(ExampleError) -> GreyImage {
        let bytes = try IDX.readFile(path, what: "image file")
        do {
            return try parse(bytes)
        } catch {
            throw ExampleError("\(path): \(error)")
        }
    }

    /// Parses the bytes of a PGM file.
    static func parse(_ bytes: [UInt8]) throws(ExampleError) -> GreyImage {
        guard !bytes.isEmpty else { throw ExampleError("the file is empty") }
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "P"), (UInt8(ascii: "1")...UInt8(ascii: "6")) ~= bytes[1]
        else {
            if bytes.starts(with: [0x89, 0x50, 0x4e, 0x47]) {
                throw ExampleError(
                    "this is a PNG image; convert it to a grey-scale PGM first (for example "
                        + "`magick digit.png -colorspace Gray digit.pgm` or `pngtopnm digit.png | ppmtopgm > digit.pgm`)"
                )
            }
            throw ExampleError("not a PGM image (a PGM file starts with P5 or P2)")
        }
        let kind = bytes[1] - UInt8(ascii: "0")
        switch kind {
        case 1, 4:
            throw ExampleError("this is a PBM (black-and-white bitmap, P\(kind)) image; only grey-scale PGM is read")
        case 3, 6: throw ExampleError("this is a PPM (colour, P\(kind)) image; convert it to grey-scale PGM (P5 or P2)")
        default: break
        }
        var reader = HeaderReader(bytes: bytes, position: 2)
        let width = try reader.number("width")
        let height = try reader.number("height")
        let maxValue = try reader.number("maximum value")
        guard width > 0, height > 0 else { throw ExampleError("the image is empty (\(width)x\(height))") }
        guard width <= largestSide, height <= largestSide else {
            throw ExampleError("the image is \(width)x\(height); sides up to \(largestSide) pixels are supported")
        }
        guard (1...65535).contains(maxValue) else {
            throw ExampleError("the maximum value is \(maxValue); PGM allows 1 to 65535")
        }
        let count = width * height
        let scale = Float(maxValue)
        var values = [Float](repeating: 0, count: count)
        if kind == 5 {
            // Exactly one whitespace byte separates the header from the raster.
            guard reader.position < bytes.count, HeaderReader.isSpace(bytes[reader.position]) else {
                throw ExampleError("the header does not end with a whitespace byte before the pixels")
            }
            let start = reader.position + 1
            let bytesPerSample = maxValue < 256 ? 1 : 2
            let needed = count * bytesPerSample
            guard bytes.count - start >= needed else {
                throw ExampleError(
                    "truncated: \(width)x\(height) pixels of \(bytesPerSample) byte\(bytesPerSample == 1 ? "" : "s") "
                        + "need \(needed) bytes, the file has \(bytes.count - start)")
            }
            for index in 0..<count {
                let sample =
                    bytesPerSample == 1
                    ? Int(bytes[start + index])
                    : Int(bytes[start + 2 * index]) << 8 | Int(bytes[start + 2 * index + 1])
                guard sample <= maxValue else {
                    throw ExampleError("pixel \(index) is \(sample), above the maximum value \(maxValue)")
                }
                values[index] = Float(sample) / scale
            }
        } else {
            for index in 0..<count {
                let sample: Int
                do {
                    sample = try reader.number("pixel \(index)")
                } catch {
                    throw ExampleError("\(error) (the image needs \(count) pixel values)")
                }
                guard sample <= maxValue else {
                    throw ExampleError("pixel \(index) is \(sample), above the maximum value \(maxValue)")
                }
                values[index] = Float(sample) / scale
            }
        }
        return GreyImage(width: width, height: height, values: values)
    }

    /// Reads the whitespace-separated decimal numbers of a PGM header (and of a P2 raster), skipping `#` comments.
    private struct HeaderReader {
        let bytes: [UInt8]
        var position: Int

        static func isSpace(_ byte: UInt8) -> Bool {
            byte == 0x20 || (0x09...0x0d).contains(byte)
        }

        mutating func number(_ what: String) throws(ExampleError) -> Int {
            while position < bytes.count {
                if Self.isSpace(bytes[position]) {
                    position += 1
                } else if bytes[position] == UInt8(ascii: "#") {
                    while position < bytes.count && bytes[position] != 0x0a && bytes[position] != 0x0d {
                        position += 1
                    }
                } else {
                    break
                }
            }
            guard position < bytes.count else { throw ExampleError("the file ends before the \(what)") }
            var value = 0
            let start = position
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
                value = value * 10 + Int(bytes[position] - UInt8(ascii: "0"))
                position += 1
                guard value <= 1 << 31 else { throw ExampleError("the \(what) is absurdly large") }
            }
            guard position > start else {
                throw ExampleError(
                    "expected the \(what) as a decimal number, found '\(Character(Unicode.Scalar(bytes[start])))'")
            }
            return value
        }
    }
}

extension GreyImage {
    /// The image as the model's 28x28 input (white digit on black, 0...1), with notes on what was changed.
    ///
    /// A picture whose border is mostly light is taken to be dark ink on paper and inverted. A picture that is not
    /// square is padded to a square with background; one that is not 28x28 is resampled by averaging the area each
    /// output pixel covers.
    func mnistInput() -> (values: [Float], notes: [String]) {
        var notes: [String] = []
        var image = self
        var border: [Float] = []
        for x in 0..<width { border += [values[x], values[(height - 1) * width + x]] }
        for y in 0..<height { border += [values[y * width], values[y * width + width - 1]] }
        if border.reduce(0, +) / Float(border.count) > 0.5 {
            image.values = values.map { 1 - $0 }
            notes.append(
                "inverted the image: it looks like dark ink on a light background, MNIST digits are light on dark")
        }
        if width != height {
            image = image.paddedToSquare()
            notes.append("padded the \(width)x\(height) image to \(image.width)x\(image.height) with background")
        }
        if image.width != DigitSet.side {
            notes.append("resampled \(image.width)x\(image.height) to 28x28")
            image = image.resampled(to: DigitSet.side)
        }
        return (image.values, notes)
    }

    /// Centres the image on a black square.
    func paddedToSquare() -> GreyImage {
        let side = max(width, height)
        var square = [Float](repeating: 0, count: side * side)
        let left = (side - width) / 2
        let top = (side - height) / 2
        for y in 0..<height {
            for x in 0..<width { square[(top + y) * side + left + x] = values[y * width + x] }
        }
        return GreyImage(width: side, height: side, values: square)
    }

    /// Resamples a square image to `side` x `side` by area averaging (a box filter), first along rows, then columns.
    func resampled(to side: Int) -> GreyImage {
        let weights = Self.areaWeights(from: width, to: side)
        var rows = [Float](repeating: 0, count: height * side)
        for y in 0..<height {
            for (x, taps) in weights.enumerated() {
                rows[y * side + x] = taps.reduce(0) { $0 + $1.weight * values[y * width + $1.source] }
            }
        }
        var result = [Float](repeating: 0, count: side * side)
        for (y, taps) in weights.enumerated() {
            for x in 0..<side {
                result[y * side + x] = min(1, taps.reduce(0) { $0 + $1.weight * rows[$1.source * side + x] })
            }
        }
        return GreyImage(width: side, height: side, values: result)
    }

    /// For each of `count` output pixels, the source pixels it covers and by how much (the weights add up to 1).
    static func areaWeights(from size: Int, to count: Int) -> [[(source: Int, weight: Float)]] {
        let scale = Double(size) / Double(count)
        return (0..<count).map { output in
            let start = Double(output) * scale
            let end = Double(output + 1) * scale
            var taps: [(source: Int, weight: Float)] = []
            for source in Int(start.rounded(.down))..<min(size, Int(end.rounded(.up))) {
                let overlap = min(end, Double(source + 1)) - max(start, Double(source))
                if overlap > 0 { taps.append((source, Float(overlap / scale))) }
            }
            return taps
        }
    }
}
