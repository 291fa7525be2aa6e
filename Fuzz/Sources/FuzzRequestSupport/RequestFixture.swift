import FuzzSupport
import ONNXRuntime

@testable import ONNXRuntimeServing

/// What the REST and gRPC request harnesses check requests against: the same models, limit and tensor checks.
public enum RequestFixture {
    /// The most elements one input may have here: keeps every allocation small, as `--max-tensor-elements` does.
    public static let maximumElements = 4096

    /// The models the requests are planned against: one input `x` (and output `y`) of each datatype, rank 1 and rank 2
    /// with dynamic dimensions, and a batching model with a fixed dimension and two inputs.
    public static let signatures: [ModelSignature] = {
        var signatures: [ModelSignature] = []
        for datatype in DataType.allCases {
            for shape in [[-1], [-1, -1]] {
                signatures.append(
                    ModelSignature(
                        inputs: [TensorSpec(name: "x", datatype: datatype, shape: shape)],
                        outputs: [TensorSpec(name: "y", datatype: datatype, shape: shape)]))
            }
        }
        signatures.append(
            ModelSignature(
                inputs: [
                    TensorSpec(name: "a", datatype: .fp32, shape: [-1, 3]),
                    TensorSpec(name: "s", datatype: .bytes, shape: [-1]),
                ],
                outputs: [
                    TensorSpec(name: "y", datatype: .fp32, shape: [-1, 3]),
                    TensorSpec(name: "t", datatype: .bytes, shape: [-1]),
                    TensorSpec(name: "h", datatype: .bf16, shape: [-1]),
                ],
                maxBatchSize: 8))
        return signatures
    }()

    /// Plans `request` against `signature` and, if the plan passes, makes its input tensors and checks that each has
    /// the request's shape. A request the model refuses is fine; a planned input that is not made, or is made with
    /// another shape, stops the fuzzer.
    public static func planAndMake(_ request: InferenceRequest, for signature: ModelSignature) {
        guard let plan = try? InferencePlan(request: request, signature: signature, maximumElements: maximumElements)
        else { return }
        guard let values = try? plan.makeInputs() else { return }
        for planned in plan.inputs {
            guard let value = values[planned.input.name] else {
                FuzzDriver.fail("input '\(planned.input.name)' was planned but not made")
            }
            guard value.shape == planned.input.shape else {
                FuzzDriver.fail("input '\(planned.input.name)' was made with another shape than the request's")
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif

extension RequestFixture {
    /// The size of the shared memory object the harnesses register.
    public static let sharedMemorySize = 4096

    /// The POSIX shared memory object the harnesses use: `/ort-fuzz-<pid>`, `sharedMemorySize` bytes of a fixed
    /// pattern (byte i holds i mod 251), created once and unlinked at exit.
    public static let sharedMemoryKey: String = {
        let key = "/ort-fuzz-\(getpid())"
        let descriptor = shm_open(key, O_CREAT | O_RDWR | O_EXCL, 0o600)
        guard descriptor >= 0, ftruncate(descriptor, off_t(sharedMemorySize)) == 0 else {
            FuzzDriver.fail("cannot create the shared memory object \(key): errno \(errno)")
        }
        let pattern = (0..<sharedMemorySize).map { UInt8($0 % 251) }
        _ = pattern.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        atexit { shm_unlink("/ort-fuzz-\(getpid())") }
        return key
    }()

    /// A registry with the whole object registered as region `r` and its second half as region `h`, which requests
    /// in the corpus name in their `shared_memory_region` parameters.
    public static let sharedMemory: SharedMemoryRegistry = {
        let registry = SharedMemoryRegistry()
        do {
            try registry.register(name: "r", key: sharedMemoryKey, offset: 0, byteSize: sharedMemorySize)
            try registry.register(
                name: "h", key: sharedMemoryKey, offset: sharedMemorySize / 2, byteSize: sharedMemorySize / 2)
        } catch {
            FuzzDriver.fail("cannot register the fuzz regions: \(error)")
        }
        return registry
    }()

    /// What the serving core does with a decoded request before it plans it: the sequence parameters are read (a
    /// sequence model would refuse bad ones), and the shared memory regions it names are looked up. Then the request
    /// is planned against every signature, reading its shared memory inputs through the region's range checks.
    public static func exercise(_ request: InferenceRequest, signatures: [ModelSignature]) {
        _ = try? SequenceFlags(request.parameters)
        var request = request
        do {
            try request.attachSharedMemory(from: sharedMemory)
        } catch {
            return
        }
        for signature in signatures {
            planAndMake(request, for: signature)
        }
    }
}
