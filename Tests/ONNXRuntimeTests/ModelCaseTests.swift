import Foundation
import KServeProtocol
import ONNXRuntime
import Testing

/// Runs every generated model in Tests/Models against the NumPy-computed cases in its JSON file.
@Suite("Model cases")
struct ModelCaseTests {
    @Test("every model has a case file and every case file a model")
    func inventory() throws {
        #expect(!TestModels.caseNames.isEmpty, "no case files found in \(TestModels.directory.path)")
        #expect(TestModels.caseNames == TestModels.modelNames)
        for name in TestModels.caseNames {
            let file = try ModelCaseFile.load(name)
            #expect(file.model == "\(name).onnx")
            #expect(!file.cases.isEmpty, "\(name) has no cases")
        }
    }

    @Test("model case", arguments: TestModels.caseNames, RunVariant.all)
    func modelCase(_ name: String, _ variant: RunVariant) throws {
        let file = try ModelCaseFile.load(name)
        let result = variant.runner.run(file)
        for problem in result.problems {
            Issue.record(Comment(rawValue: problem))
        }
        #expect(result.casesRun == file.cases.count)
        #expect(result.outputsCompared > 0)
        // Every model's cases compare real values (some single cases are empty tensors, but no whole file is).
        #expect(result.elementsCompared > 0, "\(name): no output elements were compared")
    }

    @Test("all models together compare a non-trivial number of elements")
    func allModelsCompareElements() throws {
        let clock = ContinuousClock()
        let start = clock.now
        var models = 0
        var cases = 0
        var outputs = 0
        var elements = 0
        var problems = 0
        for name in TestModels.caseNames {
            let result = ModelCaseRunner().run(try ModelCaseFile.load(name))
            models += 1
            cases += result.casesRun
            outputs += result.outputsCompared
            elements += result.elementsCompared
            problems += result.problems.count
        }
        let elapsed = clock.now - start
        print(
            "ModelCaseTests: \(models) models, \(cases) cases, \(outputs) outputs, \(elements) output elements "
                + "compared, \(problems) problems, in \(elapsed)")
        #expect(models == TestModels.caseNames.count)
        #expect(cases > 0)
        #expect(elements > 0)
        // Each model contributes; a suite that compared nothing could not pass.
        #expect(elements >= models)
        #expect(problems == 0)
    }

    // MARK: - Decoding

    @Test("64-bit integer extremes decode exactly")
    func exactIntegers() throws {
        let signed = try #require(try ModelCaseFile.load("identity_int64").cases.first?.input("x"))
        guard case .tensor(let signedTensor) = signed, case .int64(let signedValues) = signedTensor.data else {
            Issue.record("identity_int64 x is not an int64 tensor: \(signed)")
            return
        }
        #expect(signedValues == [.min, .max, 0, -1, 9_007_199_254_740_993, -9_007_199_254_740_995])

        let unsigned = try #require(try ModelCaseFile.load("identity_uint64").cases.first?.input("x"))
        guard case .tensor(let unsignedTensor) = unsigned, case .uint64(let unsignedValues) = unsignedTensor.data else {
            Issue.record("identity_uint64 x is not a uint64 tensor: \(unsigned)")
            return
        }
        #expect(
            unsignedValues == [
                0, 18_446_744_073_709_551_615, 1, 9_223_372_036_854_775_808, 9_007_199_254_740_993,
                9_223_372_036_854_775_807,
            ])
        #expect(unsignedValues[1] == .max)
    }

    @Test("floats decode exactly, keeping -0.0, subnormals and extremes")
    func exactFloats() throws {
        let f32 = try #require(try ModelCaseFile.load("identity_float32").cases.first?.input("x"))
        guard case .tensor(let f32Tensor) = f32, case .float32(let f32Values) = f32Tensor.data else {
            Issue.record("identity_float32 x is not a float32 tensor: \(f32)")
            return
        }
        #expect(
            f32Values.map(\.bitPattern) == [
                0x8000_0000, 0x7F7F_FFFF, 0x0080_0000, 0x0000_0001, 0xBFC0_0000, 0x3DCC_CCCD,
            ])

        let f64 = try #require(try ModelCaseFile.load("identity_float64").cases.first?.input("x"))
        guard case .tensor(let f64Tensor) = f64, case .float64(let f64Values) = f64Tensor.data else {
            Issue.record("identity_float64 x is not a float64 tensor: \(f64)")
            return
        }
        #expect(f64Values[0].bitPattern == (-0.0 as Double).bitPattern)
        #expect(f64Values[1] == .greatestFiniteMagnitude)
        #expect(f64Values[2] == .leastNormalMagnitude)
        #expect(f64Values[3] == .leastNonzeroMagnitude)
        #expect(f64Values[5] == 0.1)
    }

    @Test("strings decode with escapes, surrogate pairs and raw UTF-8")
    func stringEscapes() throws {
        let json = try CaseJSON.parse(
            #"["quote\" back\\slash\ttab", "emoji \ud83d\ude80", "h\u00e9llo \u2713", "héllo ✓", "\/"]"#)
        #expect(
            json
                == .array([
                    .string("quote\" back\\slash\ttab"), .string("emoji 🚀"), .string("héllo ✓"), .string("héllo ✓"),
                    .string("/"),
                ]))
        let strings = try #require(try ModelCaseFile.load("identity_string").cases.first?.input("x"))
        guard case .tensor(let tensor) = strings, case .string(let values) = tensor.data else {
            Issue.record("identity_string x is not a string tensor")
            return
        }
        #expect(values.contains("emoji 🚀"))
        #expect(values.contains("quote\" back\\slash\ttab"))
        #expect(throws: CaseJSON.ParseError.self) { try CaseJSON.parse(#"{"a": 1,}"#) }
        #expect(throws: CaseJSON.ParseError.self) { try CaseJSON.parse(#"["\ud83d"]"#) }
    }

    @Test("bits, packed bytes and decoded data in the case files agree")
    func caseFilesAreSelfConsistent() throws {
        var checked = 0
        for name in TestModels.caseNames {
            let file = try ModelCaseFile.load(name)
            for testCase in file.cases {
                for entry in testCase.inputs + testCase.outputs {
                    for tensor in entry.value.allTensors {
                        let place = "\(name)/\(testCase.name)/\(entry.name)"
                        switch tensor.data {
                        case .float16(let bits, let decoded):
                            let values = bits.map { Float16(bitPattern: $0) }
                            #expect(values.map { $0.isNaN ? nil : Double($0) } == decoded, "\(place)")
                            checked += bits.count
                        case .bfloat16(let bits, let decoded):
                            let values = bits.map { BFloat16(bitPattern: $0).floatValue }
                            #expect(values.map { $0.isNaN ? nil : Double($0) } == decoded, "\(place)")
                            checked += bits.count
                        case .float8(let bits, let decoded):
                            let format = try #require(Float8Format(tensor.elementType))
                            #expect(bits.map(format.decode) == decoded, "\(place)")
                            checked += bits.count
                        case .packed4(let values, let packed):
                            #expect(Packed4.pack(values) == packed, "\(place)")
                            #expect(
                                Packed4.unpack(packed, count: values.count, signed: tensor.elementType == .int4)
                                    == values, "\(place)")
                            checked += values.count
                        default:
                            break
                        }
                    }
                }
            }
        }
        #expect(checked > 0)
    }

    // MARK: - The comparer really compares

    @Test("a perturbed expected float fails the comparison of a real run")
    func perturbedFloatFails() throws {
        let file = try ModelCaseFile.load("add_f32")
        let testCase = try #require(file.cases.first)
        let session = try Session(path: file.modelPath)
        let outputs = try session.run(try testCase.feeds())
        let expected = try #require(testCase.output("C"))

        var unchanged = ValueComparer(tolerance: file.tolerance)
        unchanged.compare(expected, outputs["C"], at: "C")
        #expect(unchanged.matched, "\(unchanged.mismatches)")
        #expect(unchanged.comparedElements == 6)

        guard case .tensor(var tensor) = expected, case .float32(var values) = tensor.data else {
            Issue.record("add_f32 C is not a float32 tensor")
            return
        }
        let original = values[4]
        values[4] = original.nextUp  // one ulp off
        tensor.data = .float32(values)
        var comparer = ValueComparer(tolerance: file.tolerance)
        comparer.compare(.tensor(tensor), outputs["C"], at: "C")
        #expect(comparer.mismatches.count == 1)
        let message = try #require(comparer.mismatches.first)
        #expect(message.contains("C[1, 1] (flat 4)"), "\(message)")
        #expect(message.contains("expected \(original.nextUp)"), "\(message)")
        #expect(message.contains("actual \(original)"), "\(message)")
    }

    @Test("a perturbed element of every dtype is reported", arguments: SampleTensors.all)
    func perturbedElementFails(_ sample: SampleTensors) throws {
        let tensor = sample.tensor
        let value = try tensor.makeValue()
        // The value reads back identically, however it was built.
        for mode in FeedMode.allCases {
            var same = ValueComparer(tolerance: .exact)
            same.compare(.tensor(tensor), try tensor.makeValue(mode), at: "x")
            #expect(same.matched, "\(mode): \(same.mismatches)")
            #expect(same.comparedElements == tensor.elementCount)
        }

        for index in [0, tensor.elementCount - 1] {
            var changed = tensor
            changed.data = tensor.data.perturbed(at: index)
            #expect(changed.data != tensor.data)
            var comparer = ValueComparer(tolerance: .exact)
            comparer.compare(.tensor(changed), value, at: "x")
            #expect(comparer.mismatches.count == 1, "\(sample): \(comparer.mismatches)")
            let message = comparer.mismatches.first ?? ""
            #expect(message.contains("x\(ValueComparer.indexText(index, shape: tensor.shape))"), "\(message)")
            #expect(message.contains("expected") && message.contains("actual"), "\(message)")
        }
    }

    @Test("-0.0 differs from 0.0 when the tolerance is 0, and not under a tolerance")
    func negativeZero() throws {
        let actual = try Tensor<Float>([0.0, 1.0], shape: [2]).value
        let expected = CaseValue.tensor(CaseTensor(elementType: .float32, shape: [2], data: .float32([-0.0, 1.0])))
        var exact = ValueComparer(tolerance: .exact)
        exact.compare(expected, actual, at: "y")
        #expect(exact.mismatches.count == 1)
        var tolerant = ValueComparer(tolerance: Tolerance(rtol: 1e-4, atol: 1e-5))
        tolerant.compare(expected, actual, at: "y")
        #expect(tolerant.matched)
    }

    @Test("tolerances are applied as atol + rtol * |expected|")
    func tolerance() throws {
        let actual = try Tensor<Float>([100.0, 100.0], shape: [2]).value
        let tolerance = Tolerance(rtol: 1e-3, atol: 1e-2)  // allows 0.11 around 100
        let within = CaseValue.tensor(CaseTensor(elementType: .float32, shape: [2], data: .float32([100.1, 99.9])))
        let beyond = CaseValue.tensor(CaseTensor(elementType: .float32, shape: [2], data: .float32([100.2, 99.9])))
        var first = ValueComparer(tolerance: tolerance)
        first.compare(within, actual, at: "y")
        #expect(first.matched, "\(first.mismatches)")
        var second = ValueComparer(tolerance: tolerance)
        second.compare(beyond, actual, at: "y")
        #expect(second.mismatches.count == 1)
        #expect(second.mismatches.first?.contains("y[0]") == true)
    }

    @Test("dtype, shape, kind and missing outputs are reported")
    func structuralMismatches() throws {
        let actual = try Tensor<Float>([1, 2, 3, 4, 5, 6], shape: [2, 3]).value
        let cases: [(CaseValue, String)] = [
            (.tensor(CaseTensor(elementType: .float64, shape: [2, 3], data: .float64([1, 2, 3, 4, 5, 6]))), "dtype"),
            (.tensor(CaseTensor(elementType: .float32, shape: [3, 2], data: .float32([1, 2, 3, 4, 5, 6]))), "shape"),
            (.tensor(CaseTensor(elementType: .float32, shape: [6], data: .float32([1, 2, 3, 4, 5, 6]))), "shape"),
            (
                .sequence([
                    .tensor(CaseTensor(elementType: .float32, shape: [2, 3], data: .float32([1, 2, 3, 4, 5, 6])))
                ]),
                "sequence"
            ),
        ]
        for (expected, word) in cases {
            var comparer = ValueComparer(tolerance: .exact)
            comparer.compare(expected, actual, at: "y")
            #expect(comparer.mismatches.count == 1, "\(expected)")
            #expect(comparer.mismatches.first?.contains(word) == true, "\(comparer.mismatches)")
        }
        var missing = ValueComparer(tolerance: .exact)
        missing.compare(cases[0].0, nil, at: "y")
        #expect(missing.mismatches.first?.contains("missing") == true)
    }

    @Test("sequence and map differences in real runs are reported")
    func containerMismatches() throws {
        // zipmap: a sequence of maps; change one map value and drop a sequence element.
        let file = try ModelCaseFile.load("zipmap")
        let testCase = try #require(file.cases.first)
        let outputs = try Session(path: file.modelPath).run(try testCase.feeds())
        let expected = try #require(testCase.output("z"))
        guard case .sequence(var maps) = expected, case .map(let keys, var values) = maps[1],
            case .float32(var floats) = values.data
        else {
            Issue.record("zipmap z is not a sequence of maps: \(expected)")
            return
        }
        var same = ValueComparer(tolerance: file.tolerance)
        same.compare(expected, outputs["z"], at: "z")
        #expect(same.matched, "\(same.mismatches)")
        #expect(same.comparedElements == 2 * keys.elementCount * maps.count)

        floats[2] += 1
        values.data = .float32(floats)
        maps[1] = .map(keys: keys, values: values)
        var changedValue = ValueComparer(tolerance: file.tolerance)
        changedValue.compare(.sequence(maps), outputs["z"], at: "z")
        #expect(changedValue.mismatches.count == 1)
        #expect(changedValue.mismatches.first?.contains("z[1][30]") == true, "\(changedValue.mismatches)")

        var shorter = ValueComparer(tolerance: file.tolerance)
        shorter.compare(.sequence([maps[0]]), outputs["z"], at: "z")
        #expect(shorter.mismatches.first?.contains("1 elements, got 2") == true, "\(shorter.mismatches)")
    }

    @Test("an int4 padding nibble difference is reported")
    func packedPadding() throws {
        let actual = try Value(rawBytes: [0x21, 0x03], elementType: .uint4, shape: [3])
        let good = CaseTensor(
            elementType: .uint4, shape: [3], data: .packed4(values: [1, 2, 3], packed: [0x21, 0x03]))
        var same = ValueComparer(tolerance: .exact)
        same.compare(.tensor(good), actual, at: "y")
        #expect(same.matched, "\(same.mismatches)")
        var padded = good
        padded.data = .packed4(values: [1, 2, 3], packed: [0x21, 0xF3])
        var comparer = ValueComparer(tolerance: .exact)
        comparer.compare(.tensor(padded), actual, at: "y")
        #expect(comparer.mismatches.count == 1)
        #expect(comparer.mismatches.first?.contains("packed") == true)
    }
}

// MARK: - Helpers

extension CaseValue {
    /// Every tensor inside this value (map keys and values included).
    var allTensors: [CaseTensor] {
        switch self {
        case .tensor(let tensor): [tensor]
        case .sequence(let elements): elements.flatMap(\.allTensors)
        case .map(let keys, let values): [keys, values]
        case .optional(let element): element?.allTensors ?? []
        }
    }
}

extension CaseTensorData {
    /// The same data with element `index` changed to a different value of the same type.
    func perturbed(at index: Int) -> CaseTensorData {
        func flip<T: FixedWidthInteger>(_ values: [T]) -> [T] {
            var copy = values
            copy[index] ^= 1
            return copy
        }
        switch self {
        case .float32(var values):
            values[index] = values[index].nextUp
            return .float32(values)
        case .float64(var values):
            values[index] = values[index].nextUp
            return .float64(values)
        case .float16(let bits, var decoded):
            decoded[index] = nil
            return .float16(bits: flip(bits), decoded: decoded)
        case .bfloat16(let bits, var decoded):
            decoded[index] = nil
            return .bfloat16(bits: flip(bits), decoded: decoded)
        case .float8(let bits, var decoded):
            decoded[index] = nil
            return .float8(bits: flip(bits), decoded: decoded)
        case .packed4(var values, _):
            values[index] = values[index] == 0 ? 1 : 0
            return .packed4(values: values, packed: Packed4.pack(values))
        case .int8(let values): return .int8(flip(values))
        case .int16(let values): return .int16(flip(values))
        case .int32(let values): return .int32(flip(values))
        case .int64(let values): return .int64(flip(values))
        case .uint8(let values): return .uint8(flip(values))
        case .uint16(let values): return .uint16(flip(values))
        case .uint32(let values): return .uint32(flip(values))
        case .uint64(let values): return .uint64(flip(values))
        case .bool(var values):
            values[index].toggle()
            return .bool(values)
        case .string(var values):
            values[index] += "!"
            return .string(values)
        }
    }
}

/// How a case file is run: how inputs are built and how the session is configured.
struct RunVariant: Sendable, CustomTestStringConvertible {
    var testDescription: String
    var runner: ModelCaseRunner

    static var all: [RunVariant] {
        var plain = SessionOptions()
        plain.optimization = .disabled
        plain.intraOpThreads = 1
        return [
            RunVariant(testDescription: "copied inputs, default options", runner: ModelCaseRunner()),
            RunVariant(
                testDescription: "no-copy inputs, optimizations disabled, 1 thread",
                runner: ModelCaseRunner(options: plain, feedMode: .noCopy)),
        ]
    }
}

/// One small tensor of each element type the case format knows, for checking the comparer.
struct SampleTensors: Sendable, CustomTestStringConvertible {
    var tensor: CaseTensor

    var testDescription: String { "\(tensor)" }

    static var all: [SampleTensors] {
        let shape = [2, 2]
        func make(_ type: ElementType, _ data: CaseTensorData) -> SampleTensors {
            SampleTensors(tensor: CaseTensor(elementType: type, shape: shape, data: data))
        }
        let float8: [SampleTensors] = [ElementType.float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz].map {
            make($0, .float8(bits: [0x00, 0x38, 0x7E, 0xB8], decoded: [0x00, 0x38, 0x7E, 0xB8].map { _ in nil }))
        }
        return [
            make(.float32, .float32([-0.0, 1.5, .greatestFiniteMagnitude, .leastNonzeroMagnitude])),
            make(.float64, .float64([-0.0, 0.1, .greatestFiniteMagnitude, .leastNonzeroMagnitude])),
            make(.float16, .float16(bits: [0x8000, 0x3C00, 0x7BFF, 0x0001], decoded: [nil, nil, nil, nil])),
            make(.bfloat16, .bfloat16(bits: [0x8000, 0x3F80, 0x7F7F, 0x0001], decoded: [nil, nil, nil, nil])),
            make(.int4, .packed4(values: [-8, 7, -1, 0], packed: Packed4.pack([-8, 7, -1, 0]))),
            make(.uint4, .packed4(values: [15, 0, 1, 8], packed: Packed4.pack([15, 0, 1, 8]))),
            make(.int8, .int8([.min, .max, 0, -1])),
            make(.int16, .int16([.min, .max, 0, -1])),
            make(.int32, .int32([.min, .max, 0, -1])),
            make(.int64, .int64([.min, .max, 0, -1])),
            make(.uint8, .uint8([0, .max, 1, 128])),
            make(.uint16, .uint16([0, .max, 1, 32768])),
            make(.uint32, .uint32([0, .max, 1, 1 << 31])),
            make(.uint64, .uint64([0, .max, 1, 1 << 63])),
            make(.bool, .bool([true, false, false, true])),
            make(.string, .string(["", "héllo ✓", "emoji 🚀", "x"])),
        ] + float8
    }
}
