import CONNXRuntime

/// The one error type thrown by this package.
///
/// An `ORTError` carries a ``Code`` saying what went wrong, a message written for a person, and, when ONNX Runtime
/// itself raised the error, ORT's own error code in ``runtimeCode``. Mistakes that can be detected cheaply (an
/// unknown input name, a wrong element type or shape, a missing model file) are caught before ORT is called, and
/// their message says what was expected.
public struct ORTError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure happened.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The code as text.
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        /// A short description for logs and messages.
        public var description: String { rawValue }

        /// No ONNX Runtime library could be found or loaded.
        public static let runtimeNotFound = Code(rawValue: "runtimeNotFound")
        /// The ONNX Runtime library is older than the API version this package needs.
        public static let runtimeTooOld = Code(rawValue: "runtimeTooOld")
        /// ONNX Runtime reported an error; see ``ORTError/runtimeCode``.
        public static let runtimeError = Code(rawValue: "runtimeError")
        /// The model file does not exist or cannot be read.
        public static let modelNotFound = Code(rawValue: "modelNotFound")
        /// The model is empty, truncated or not a valid ONNX model.
        public static let invalidModel = Code(rawValue: "invalidModel")
        /// An input name the model does not have.
        public static let unknownInput = Code(rawValue: "unknownInput")
        /// A required input was not given.
        public static let missingInput = Code(rawValue: "missingInput")
        /// An output name the model does not have.
        public static let unknownOutput = Code(rawValue: "unknownOutput")
        /// A value of the wrong element type or kind.
        public static let typeMismatch = Code(rawValue: "typeMismatch")
        /// A tensor of the wrong rank or with a fixed dimension that does not match.
        public static let shapeMismatch = Code(rawValue: "shapeMismatch")
        /// The number of elements given does not match the shape.
        public static let countMismatch = Code(rawValue: "countMismatch")
        /// A shape with negative dimensions, or one whose size overflows or is absurdly large.
        public static let invalidShape = Code(rawValue: "invalidShape")
        /// An argument that is not valid for the call.
        public static let invalidArgument = Code(rawValue: "invalidArgument")
        /// The loaded runtime lacks the feature (too old a version, or not built in).
        public static let unsupported = Code(rawValue: "unsupported")
        /// The run was terminated or its task was cancelled.
        public static let cancelled = Code(rawValue: "cancelled")
    }

    /// The error codes ONNX Runtime itself reports (`OrtErrorCode`).
    public enum RuntimeCode: Int32, Sendable, Hashable, CustomStringConvertible {
        /// A failure ORT did not classify.
        case fail = 1
        /// An argument ORT rejected.
        case invalidArgument = 2
        /// A file ORT could not find.
        case noSuchFile = 3
        /// No model (kept for ABI compatibility).
        case noModel = 4
        /// An execution engine error.
        case engineError = 5
        /// An exception inside ORT.
        case runtimeException = 6
        /// Bytes that are not a valid ONNX protobuf.
        case invalidProtobuf = 7
        /// The model was already loaded.
        case modelLoaded = 8
        /// A feature or kernel ORT does not implement.
        case notImplemented = 9
        /// A graph ORT considers invalid.
        case invalidGraph = 10
        /// An execution provider failed.
        case executionProviderFailure = 11
        /// Model loading was cancelled.
        case modelLoadCancelled = 12
        /// The model must be compiled for its execution provider first.
        case modelRequiresCompilation = 13
        /// Something ORT looked up was not found.
        case notFound = 14

        /// A short description for logs and messages.
        public var description: String {
            switch self {
            case .fail: "ORT_FAIL"
            case .invalidArgument: "ORT_INVALID_ARGUMENT"
            case .noSuchFile: "ORT_NO_SUCHFILE"
            case .noModel: "ORT_NO_MODEL"
            case .engineError: "ORT_ENGINE_ERROR"
            case .runtimeException: "ORT_RUNTIME_EXCEPTION"
            case .invalidProtobuf: "ORT_INVALID_PROTOBUF"
            case .modelLoaded: "ORT_MODEL_LOADED"
            case .notImplemented: "ORT_NOT_IMPLEMENTED"
            case .invalidGraph: "ORT_INVALID_GRAPH"
            case .executionProviderFailure: "ORT_EP_FAIL"
            case .modelLoadCancelled: "ORT_MODEL_LOAD_CANCELED"
            case .modelRequiresCompilation: "ORT_MODEL_REQUIRES_COMPILATION"
            case .notFound: "ORT_NOT_FOUND"
            }
        }
    }

    /// What kind of failure happened.
    public var code: Code
    /// A description written for a person: what was wrong and what was expected.
    public var message: String
    /// ONNX Runtime's own error code, when ORT raised the error.
    public var runtimeCode: RuntimeCode?

    /// Creates an error.
    /// - Parameters:
    ///   - code: What kind of failure happened.
    ///   - message: What was wrong and what was expected.
    ///   - runtimeCode: ORT's code, when ORT raised it.
    public init(_ code: Code, _ message: String, runtimeCode: RuntimeCode? = nil) {
        self.code = code
        self.message = message
        self.runtimeCode = runtimeCode
    }

    /// A short description for logs and messages.
    public var description: String {
        if let runtimeCode { return "\(message) [\(runtimeCode)]" }
        return message
    }
}

extension ORTError {
    /// Prefixes the message with context, keeping the codes.
    @usableFromInline
    func context(_ prefix: String) -> ORTError {
        ORTError(code, "\(prefix): \(message)", runtimeCode: runtimeCode)
    }
}
