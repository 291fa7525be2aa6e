import CONNXRuntime

/// The outputs of a ``PreparedRun``, lent to a closure and read in place.
///
/// It owns nothing and cannot be copied, so it cannot outlive the closure it is lent to; the outputs are released
/// when that closure returns. To keep an output, copy its elements out, or use ``PreparedRun/run(_:options:)``,
/// which returns owned values.
public struct BorrowedOutputs: ~Copyable {
    let results: UnsafeBufferPointer<OpaquePointer?>
    // unowned(unsafe): the outputs are lent only for the duration of a call on `run`, which keeps it alive; this
    // saves reference counting on every call.
    unowned(unsafe) let run: PreparedRun

    @usableFromInline
    init(_ results: UnsafeMutableBufferPointer<OpaquePointer?>, of run: PreparedRun) {
        self.results = UnsafeBufferPointer(results)
        self.run = run
    }

    /// The output names, in order.
    public var names: [String] { run.outputNames }
    var api: API { run.session.api }

    /// The number of outputs.
    public var count: Int { results.count }

    /// The position of the output with this name, if it was computed.
    public func index(of name: String) -> Int? {
        names.firstIndex(of: name)
    }

    /// Lends the elements of the output at `index` as a typed buffer, without copying.
    /// - Parameters:
    ///   - index: The output's position, in the order of ``PreparedRun/outputNames``.
    ///   - type: The Swift element type, which must match the tensor's element type.
    ///   - body: Reads the elements; the buffer is valid only inside it.
    /// - Returns: What `body` returns.
    /// - Throws: ``ORTError/Code/unknownOutput`` for an index out of range or an output ORT did not produce,
    ///   ``ORTError/Code/typeMismatch`` if it is not a tensor of `Element`, or what `body` throws.
    ///
    /// The corresponding C function is `GetTensorMutableData`.
    @inlinable
    public func withUnsafeBufferPointer<Element: TrivialTensorElement, R>(
        at index: Int, of type: Element.Type = Element.self, _ body: (UnsafeBufferPointer<Element>) throws -> R
    ) throws -> R {
        let (data, count) = try tensorData(at: index, elementType: Element.elementType)
        return try body(UnsafeBufferPointer(start: data?.assumingMemoryBound(to: Element.self), count: count))
    }

    /// The data and element count of the tensor output at `index`, checked to hold `elementType`.
    @usableFromInline
    func tensorData(at index: Int, elementType: ElementType) throws(ORTError) -> (UnsafeMutableRawPointer?, Int) {
        let handle = try handle(at: index)
        let count: Int
        do {
            count = try api.expectTensorCount(handle, of: elementType)
        } catch {
            throw error.context("output '\(names[index])'")
        }
        return (count == 0 ? nil : try api.tensorData(handle), count)
    }

    /// Lends the elements of the output with this name as a typed buffer, without copying.
    /// - Parameters:
    ///   - name: The output's name.
    ///   - type: The Swift element type, which must match the tensor's element type.
    ///   - body: Reads the elements; the buffer is valid only inside it.
    /// - Returns: What `body` returns.
    /// - Throws: As ``withUnsafeBufferPointer(at:of:_:)``.
    public func withUnsafeBufferPointer<Element: TrivialTensorElement, R>(
        _ name: String, of type: Element.Type = Element.self, _ body: (UnsafeBufferPointer<Element>) throws -> R
    ) throws -> R {
        guard let index = index(of: name) else {
            throw ORTError(
                .unknownOutput, "no output named '\(name)'; outputs are: \(names.joined(separator: ", "))")
        }
        return try withUnsafeBufferPointer(at: index, of: type, body)
    }

    /// Lends the bytes of the tensor output at `index`, in ORT's layout, without copying.
    /// - Parameters:
    ///   - index: The output's position.
    ///   - body: Reads the bytes; they are valid only inside it.
    /// - Returns: What `body` returns.
    /// - Throws: ``ORTError/Code/unknownOutput``, ``ORTError/Code/typeMismatch`` for a string or non-tensor output,
    ///   or what `body` throws.
    public func withUnsafeRawBytes<R>(at index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        let handle = try handle(at: index)
        let (elementType, shape) = try tensorType(at: index)
        guard elementType != .string else {
            throw ORTError(
                .typeMismatch,
                "output '\(names[index])' is a string tensor, which has no raw bytes; read it from owned outputs "
                    + "(PreparedRun.run(_:options:)) as Tensor<[UInt8]> or Tensor<String>")
        }
        let bytes = elementType.byteCount(forElementCount: shape.reduce(1, *)) ?? 0
        let data = bytes == 0 ? nil : try api.tensorData(handle)
        return try body(UnsafeRawBufferPointer(start: data, count: bytes))
    }

    /// The element type and shape of the tensor output at `index`.
    /// - Throws: ``ORTError/Code/unknownOutput`` for an index out of range or an output ORT did not produce,
    ///   ``ORTError/Code/typeMismatch`` if it is not a tensor.
    public func tensorType(at index: Int) throws(ORTError) -> (elementType: ElementType, shape: [Int]) {
        let handle = try handle(at: index)
        do {
            return try api.tensorShapeAndType(handle)
        } catch {
            throw ORTError(
                .typeMismatch,
                "output '\(names[index])' is a \(api.valueType(ofValue: handle).typeString), not a tensor")
        }
    }

    private func handle(at index: Int) throws(ORTError) -> OpaquePointer {
        guard results.indices.contains(index) else {
            throw ORTError(.unknownOutput, "no output at position \(index); this run has \(results.count)")
        }
        guard let handle = results[index] else {
            throw ORTError(.unknownOutput, "ONNX Runtime did not produce output '\(names[index])'")
        }
        return handle
    }
}
