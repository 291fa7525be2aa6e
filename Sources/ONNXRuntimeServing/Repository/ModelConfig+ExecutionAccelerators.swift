#if Server
import ONNXRuntime

extension ModelConfig {
    /// `optimization { execution_accelerators { ... } }`: the execution providers a model's sessions try before ONNX
    /// Runtime's CPU provider, in Triton's syntax.
    ///
    /// Each `cpu_execution_accelerator` becomes a `SessionOptions.ExecutionProvider`, in order, with its
    /// `parameters` as the provider's options (see ``ExecutionAccelerators/executionProviders``). Triton's name
    /// `openvino` means ONNX Runtime's `OpenVINOExecutionProvider`; any other name is an ONNX Runtime provider name
    /// (`XnnpackExecutionProvider`, or its short form `XNNPACK`) or the name of a registered plugin provider. A
    /// provider this ONNX Runtime does not have fails the load, naming it.
    ///
    /// `gpu_execution_accelerator` entries are kept and reported, but not used: this server runs models on the CPU,
    /// and Triton's ONNX Runtime backend applies them only to GPU instances (the server logs a warning).
    public struct ExecutionAccelerators: Sendable, Hashable {
        /// One accelerator: its name and its parameters.
        public struct Accelerator: Sendable, Hashable {
            /// The name (`name`).
            public var name: String
            /// The parameters (`parameters { key: "..." value: "..." }`).
            public var parameters: [String: String]

            /// Creates an accelerator.
            /// - Parameters:
            ///   - name: Triton's or ONNX Runtime's name of the provider.
            ///   - parameters: The provider's options.
            public init(name: String, parameters: [String: String] = [:]) {
                self.name = name
                self.parameters = parameters
            }

            /// The ONNX Runtime provider name for Triton's accelerator names where they differ (`openvino`), else
            /// the name itself.
            public var providerName: String { ExecutionAccelerators.tritonNames[name] ?? name }
        }

        /// Triton's accelerator names for ONNX Runtime's providers, where they differ.
        public static let tritonNames: [String: String] = [
            "openvino": "OpenVINOExecutionProvider",
            "tensorrt": "TensorrtExecutionProvider",
            "cuda": "CUDAExecutionProvider",
        ]

        /// `cpu_execution_accelerator`, in order of preference.
        public var cpu: [Accelerator]
        /// `gpu_execution_accelerator`: reported, not used (CPU only).
        public var gpu: [Accelerator]

        /// Creates the accelerators.
        /// - Parameters:
        ///   - cpu: The CPU accelerators, in order of preference.
        ///   - gpu: The GPU accelerators (reported, not used).
        public init(cpu: [Accelerator] = [], gpu: [Accelerator] = []) {
            self.cpu = cpu
            self.gpu = gpu
        }

        /// Whether there are none.
        public var isEmpty: Bool { cpu.isEmpty && gpu.isEmpty }

        /// The CPU accelerators as the session's execution providers, in order.
        public var executionProviders: [SessionOptions.ExecutionProvider] {
            cpu.map { SessionOptions.ExecutionProvider($0.providerName, options: $0.parameters) }
        }
    }
}
#endif
