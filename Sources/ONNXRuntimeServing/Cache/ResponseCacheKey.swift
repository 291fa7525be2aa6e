#if Server
import ONNXRuntime

/// What identifies a cached response: the loaded model version (its load, not only its number), and the request's
/// inputs and requested outputs, written out in full.
///
/// The key's bytes are a length-prefixed encoding of: the model name and version number; each input, by name order,
/// with its datatype, the client's shape and its element bytes as decoded (so the same tensor sent as JSON, as binary
/// data or from shared memory gives the same key); and the names of the requested outputs, in name order. Two keys
/// are equal only when their owners and all their bytes are equal: the 64-bit digest (SipHash, seeded at random per
/// process) only picks the bucket, so a digest collision can never return another request's response.
struct ResponseCacheKey: Hashable, Sendable {
    /// The load of the model version that made the entry (see ``ResponseCache/makeOwner()``).
    let owner: UInt64
    /// The encoded request.
    let bytes: [UInt8]
    /// The digest of ``owner`` and ``bytes``.
    let digest: Int

    init(owner: UInt64, bytes: [UInt8]) {
        self.owner = owner
        self.bytes = bytes
        var hasher = Hasher()
        hasher.combine(owner)
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
        digest = hasher.finalize()
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(digest)
    }

    static func == (lhs: ResponseCacheKey, rhs: ResponseCacheKey) -> Bool {
        lhs.digest == rhs.digest && lhs.owner == rhs.owner && lhs.bytes == rhs.bytes
    }

    /// The key of a planned request whose input tensors are made, or `nil` when an input's bytes cannot be read
    /// (the request is then served without the cache).
    /// - Parameters:
    ///   - owner: The model version's load.
    ///   - model: The model name.
    ///   - version: The version number.
    ///   - plan: The checked request.
    ///   - inputs: The input tensors made from it, by name.
    init?(owner: UInt64, model: String, version: Int, plan: InferencePlan, inputs: [String: Value]) {
        var bytes: [UInt8] = []
        Self.append(model, to: &bytes)
        Self.append(UInt64(clamping: version), to: &bytes)
        Self.append(UInt64(plan.inputs.count), to: &bytes)
        for planned in plan.inputs.sorted(by: { $0.input.name < $1.input.name }) {
            let input = planned.input
            guard let value = inputs[input.name] else { return nil }
            Self.append(input.name, to: &bytes)
            Self.append(input.datatype.rawValue, to: &bytes)
            Self.append(UInt64(input.shape.count), to: &bytes)
            for dimension in input.shape { Self.append(UInt64(clamping: dimension), to: &bytes) }
            guard Self.appendElements(of: value, to: &bytes) else { return nil }
        }
        let outputs = plan.outputs.map(\.spec.name).sorted()
        Self.append(UInt64(outputs.count), to: &bytes)
        for name in outputs { Self.append(name, to: &bytes) }
        self.init(owner: owner, bytes: bytes)
    }

    private static func append(_ number: UInt64, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: number.littleEndian) { bytes.append(contentsOf: $0) }
    }

    private static func append(_ text: String, to bytes: inout [UInt8]) {
        append(UInt64(text.utf8.count), to: &bytes)
        bytes.append(contentsOf: text.utf8)
    }

    /// Appends a tensor's elements, length-prefixed: the raw bytes, or for a string tensor each element
    /// length-prefixed. `false` when they cannot be read.
    private static func appendElements(of value: Value, to bytes: inout [UInt8]) -> Bool {
        if value.elementType == .string {
            guard let tensor = try? value.tensor(of: [UInt8].self) else { return false }
            do {
                try tensor.withUnsafeElements { elements in
                    append(UInt64(elements.count), to: &bytes)
                    for element in elements {
                        append(UInt64(element.count), to: &bytes)
                        bytes.append(contentsOf: element)
                    }
                }
            } catch {
                return false
            }
            return true
        }
        do {
            try value.withUnsafeRawBytes { raw in
                append(UInt64(raw.count), to: &bytes)
                bytes.append(contentsOf: raw)
            }
            return true
        } catch {
            return false
        }
    }
}
#endif
