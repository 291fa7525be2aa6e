/// A Swift type that can be the element of a ``Tensor``.
public protocol TensorElement: Sendable {
    /// The ONNX element type this Swift type stands for.
    static var elementType: ElementType { get }
}

/// A tensor element whose Swift layout is exactly ORT's, so tensor memory can be read and written in place.
public protocol TrivialTensorElement: TensorElement, BitwiseCopyable {}

extension Float: TrivialTensorElement { public static var elementType: ElementType { .float32 } }
extension Double: TrivialTensorElement { public static var elementType: ElementType { .float64 } }
#if arch(x86_64) || arch(arm64)
extension Float16: TrivialTensorElement { public static var elementType: ElementType { .float16 } }
#endif
extension BFloat16: TrivialTensorElement { public static var elementType: ElementType { .bfloat16 } }
extension Int8: TrivialTensorElement { public static var elementType: ElementType { .int8 } }
extension Int16: TrivialTensorElement { public static var elementType: ElementType { .int16 } }
extension Int32: TrivialTensorElement { public static var elementType: ElementType { .int32 } }
extension Int64: TrivialTensorElement { public static var elementType: ElementType { .int64 } }
extension UInt8: TrivialTensorElement { public static var elementType: ElementType { .uint8 } }
extension UInt16: TrivialTensorElement { public static var elementType: ElementType { .uint16 } }
extension UInt32: TrivialTensorElement { public static var elementType: ElementType { .uint32 } }
extension UInt64: TrivialTensorElement { public static var elementType: ElementType { .uint64 } }
// Swift's Bool is one byte holding 0 or 1, which is ORT's bool layout.
extension Bool: TrivialTensorElement { public static var elementType: ElementType { .bool } }
// ONNX string elements are byte strings: read and write them as `[UInt8]` to keep every byte, or as `String` for text.
extension String: TensorElement { public static var elementType: ElementType { .string } }
extension Array: TensorElement where Element == UInt8 { public static var elementType: ElementType { .string } }
