import ONNXRuntime

/// Reads and writes ONNX `TensorProto` messages.
///
/// Field numbers (onnx.proto): dims 1, data_type 2, segment 3, float_data 4, int32_data 5, string_data 6,
/// int64_data 7, name 8, raw_data 9, double_data 10, uint64_data 11, doc_string 12, external_data 13,
/// data_location 14, metadata_props 16.
enum TensorProtoCoding {
    /// What a first pass over a `TensorProto` finds, before any element is decoded.
    private struct Layout {
        var dims: [Int64] = []
        var dataType: Int64 = 0
        var name: String?
        var rawData: Range<Int>?
        var entryCounts: [TensorDataField: Int] = [:]
        var dataLocation: UInt64 = 0
        var externalLocation: String?
        var hasSegment = false
    }

    // MARK: - Reading

    /// Decodes the `TensorProto` that `reader` spans into a tensor value and its name.
    ///
    /// A first pass records the shape, the type and where the data lies, and counts the entries of the typed
    /// fields; everything is checked against the shape before the one allocation, which therefore never exceeds
    /// what the input's bytes can hold. A second pass decodes the entries.
    static func decode(_ reader: ProtoReader) throws(ORTError) -> (name: String?, value: Value) {
        let layout = try scan(reader)
        if layout.hasSegment {
            throw ORTError(.unsupported, "segmented tensors (TensorProto.segment) are not supported")
        }
        if layout.dataLocation == 1 {
            let location = layout.externalLocation.map { " ('\($0)')" } ?? ""
            throw ORTError(
                .unsupported,
                "the tensor's data is stored in an external file\(location); external data is not supported")
        }
        guard layout.dataLocation == 0 else {
            throw .malformed("data_location \(layout.dataLocation) is neither DEFAULT (0) nor EXTERNAL (1)")
        }
        guard layout.dataType != 0 else {
            throw .malformed("the tensor has no data_type (or UNDEFINED)")
        }
        guard let elementType = ElementType(onnxDataType: layout.dataType) else {
            throw ORTError(
                .unsupported,
                "data_type \(layout.dataType) (\(ElementType.protoName(of: layout.dataType))) is not supported")
        }
        var shape: [Int] = []
        for dimension in layout.dims {
            guard let size = Int(exactly: dimension) else {
                throw ORTError(.invalidShape, "dimension \(dimension) does not fit in this platform's Int")
            }
            shape.append(size)
        }
        let count = try checkedElementCount(shape)
        let value: Value
        if elementType == .string {
            value = try decodeStrings(reader, layout: layout, shape: shape, count: count)
        } else if let raw = layout.rawData {
            value = try decodeRaw(reader.bytes(raw), layout: layout, elementType: elementType, shape: shape)
        } else {
            value = try decodeTyped(reader, layout: layout, elementType: elementType, shape: shape, count: count)
        }
        return (layout.name, value)
    }

    /// The first pass: every field but the elements of the typed fields.
    private static func scan(_ message: ProtoReader) throws(ORTError) -> Layout {
        var reader = message
        var layout = Layout()
        while !reader.isAtEnd {
            let (field, wireType) = try reader.readTag()
            switch field {
            case 1: try reader.appendInt64s(wireType, field: "dims", to: &layout.dims)
            case 2: layout.dataType = Int64(bitPattern: try reader.readVarint(wireType, field: "data_type"))
            case 3:
                layout.hasSegment = true
                try reader.skip(wireType)
            case 6:
                _ = try reader.readBytes(wireType, field: "string_data")
                layout.entryCounts[.stringData, default: 0] += 1
            case 8: layout.name = try reader.readString(wireType, field: "name")
            case 9: layout.rawData = try reader.readBytes(wireType, field: "raw_data")
            case 13:
                let entry = try readStringPair(reader.readMessage(wireType, field: "external_data"))
                if entry.key == "location" { layout.externalLocation = entry.value }
            case 14: layout.dataLocation = try reader.readVarint(wireType, field: "data_location")
            default:
                if let typed = TensorDataField(rawValue: field), let encoding = typed.encoding {
                    layout.entryCounts[typed, default: 0] += try reader.countScalars(
                        encoding, wireType, field: typed.name)
                } else {
                    try reader.skip(wireType)
                }
            }
        }
        return layout
    }

    /// The key and value of a `StringStringEntryProto` (key 1, value 2).
    static func readStringPair(_ message: ProtoReader) throws(ORTError) -> (key: String, value: String) {
        var reader = message
        var key = ""
        var value = ""
        while !reader.isAtEnd {
            let (field, wireType) = try reader.readTag()
            switch field {
            case 1: key = try reader.readString(wireType, field: "key")
            case 2: value = try reader.readString(wireType, field: "value")
            default: try reader.skip(wireType)
            }
        }
        return (key, value)
    }

    /// The names of the typed fields that hold entries, other than `allowed`.
    private static func strayFields(_ layout: Layout, except allowed: TensorDataField?) -> [String] {
        TensorDataField.allCases.filter { $0 != allowed && layout.entryCounts[$0, default: 0] > 0 }.map(\.name)
    }

    private static func decodeStrings(_ reader: ProtoReader, layout: Layout, shape: [Int], count: Int)
        throws(ORTError) -> Value
    {
        guard layout.rawData == nil else {
            throw .malformed("a string tensor cannot store its elements in raw_data; ONNX uses string_data")
        }
        let stray = strayFields(layout, except: .stringData)
        guard stray.isEmpty else {
            throw .malformed("a string tensor stores its elements in string_data, but \(stray[0]) is present")
        }
        let found = layout.entryCounts[.stringData, default: 0]
        guard found == count else {
            throw .malformed("shape \(shape) holds \(count) strings, but string_data has \(found)")
        }
        // string_data is `repeated bytes`: each element is copied as it is, from the message into the tensor.
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(count)
        var reader = reader
        while !reader.isAtEnd {
            let (field, wireType) = try reader.readTag()
            guard field == TensorDataField.stringData.rawValue else {
                try reader.skip(wireType)
                continue
            }
            ranges.append(try reader.readBytes(wireType, field: "string_data"))
        }
        let message = reader
        return try Tensor<[UInt8]>(ranges.lazy.map { message.bytes($0) }, shape: shape).value
    }

    private static func decodeRaw(
        _ raw: UnsafeRawBufferPointer, layout: Layout, elementType: ElementType, shape: [Int]
    ) throws(ORTError) -> Value {
        let stray = strayFields(layout, except: nil)
        guard stray.isEmpty else {
            throw .malformed("the tensor has both raw_data and \(stray[0]); ONNX allows only one")
        }
        let count = try checkedElementCount(shape)
        guard let expected = elementType.byteCount(forElementCount: count) else {
            throw ORTError(.invalidShape, "shape \(shape) of \(elementType) needs more bytes than can be counted")
        }
        guard expected == raw.count else {
            throw .malformed("shape \(shape) of \(elementType) needs \(expected) bytes, but raw_data has \(raw.count)")
        }
        if elementType == .bool {
            return try Value(rawBytes: raw.map { $0 == 0 ? 0 : 1 }, elementType: .bool, shape: shape)
        }
        let width = elementType.entryByteCount
        guard hostIsLittleEndian || width == 1 else {
            var bytes = Array(raw)
            swapByteOrder(&bytes, width: width)
            return try Value(rawBytes: bytes, elementType: elementType, shape: shape)
        }
        return try Value(rawBytes: raw, elementType: elementType, shape: shape)
    }

    private static func decodeTyped(
        _ reader: ProtoReader, layout: Layout, elementType: ElementType, shape: [Int], count: Int
    ) throws(ORTError) -> Value {
        let field = elementType.tensorDataField
        let stray = strayFields(layout, except: field)
        guard stray.isEmpty else {
            throw .malformed("a \(elementType) tensor stores its elements in \(field.name), but \(stray[0]) is present")
        }
        guard let entries = elementType.entryCount(forElementCount: count) else {
            throw ORTError(.invalidShape, "shape \(shape) of \(elementType) has more elements than can be counted")
        }
        let found = layout.entryCounts[field, default: 0]
        guard found == entries else {
            throw .malformed(
                "shape \(shape) of \(elementType) needs \(entries) entr\(entries == 1 ? "y" : "ies") in "
                    + "\(field.name), but found \(found)")
        }
        // `entries` equals a count of bytes in the input, so this allocation is at most 8 times the input.
        let width = elementType.entryByteCount
        var bytes = [UInt8](repeating: 0, count: entries * width)
        var index = 0
        var reader = reader
        while !reader.isAtEnd {
            let (number, wireType) = try reader.readTag()
            guard number == field.rawValue, let encoding = field.encoding else {
                try reader.skip(wireType)
                continue
            }
            try reader.forEachScalar(encoding, wireType, field: field.name) { (entry) throws(ORTError) in
                guard index < entries else {
                    throw .malformed("\(field.name) holds more entries than were counted")
                }
                let bits = elementType == .bool ? (entry == 0 ? 0 : 1) : entry
                let base = index * width
                for byte in 0..<width {
                    let shift = UInt64(8 * (hostIsLittleEndian ? byte : width - 1 - byte))
                    bytes[base + byte] = UInt8(truncatingIfNeeded: bits >> shift)
                }
                index += 1
            }
        }
        return try Value(rawBytes: bytes, elementType: elementType, shape: shape)
    }

    // MARK: - Writing

    /// Encodes a tensor value as a `TensorProto`: dims, data_type, string_data for strings, name, and raw_data
    /// (little-endian) for every other type, in field-number order as protobuf's serializers write them.
    static func encode(_ value: Value, name: String?) throws(ORTError) -> ProtoWriter {
        guard value.kind == .tensor, let elementType = value.elementType else {
            throw ORTError(.typeMismatch, "expected a tensor, got a \(value.type.typeString)")
        }
        var writer = ProtoWriter()
        for dimension in value.shape {
            writer.writeVarintField(1, Int64(dimension))
        }
        writer.writeVarintField(2, elementType.onnxDataType)
        if elementType == .string {
            for element in try Tensor<[UInt8]>(value).scalars {
                writer.writeBytesField(TensorDataField.stringData.rawValue, element)
            }
        }
        if let name {
            writer.writeStringField(8, name)
        }
        if elementType != .string {
            var bytes = try value.rawBytes
            if !hostIsLittleEndian {
                swapByteOrder(&bytes, width: elementType.entryByteCount)
            }
            writer.writeBytesField(9, bytes)
        }
        return writer
    }
}
