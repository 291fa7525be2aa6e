import Foundation
import FuzzRequestSupport
import FuzzSupport
import ONNXRuntimeServing

// The JSON parser is package API of the library.
@testable import KServeProtocol

/// Decodes the input as a REST inference request body, reads its sequence parameters, attaches the shared memory
/// regions it names (two fixed regions over one real POSIX object), plans it against every signature, and makes the
/// input tensors of each plan that passes. Any bytes must give a request or a `ServingError`, never a crash or an
/// allocation past the element limit.
///
/// Input layout: a body that starts with `{` is a JSON-only request (no `Inference-Header-Content-Length`); otherwise
/// the first 4 bytes are that header's value (little-endian) and the rest is the body (JSON, then binary tensor
/// data).
///
/// The JSON part is also parsed both with and without compact number arrays (the request decoding uses them): the
/// two must give equal values, or the same error at the same offset.
private func testOne(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let input = FuzzDriver.array(bytes, count)
    let body: [UInt8]
    let headerLength: Int?
    if input.count < 4 || input.first == UInt8(ascii: "{") {
        body = input
        headerLength = nil
    } else {
        headerLength = Int(input[0]) | Int(input[1]) << 8 | Int(input[2]) << 16 | Int(input[3]) << 24
        body = Array(input[4...])
    }
    let jsonEnd = min(max(headerLength ?? body.count, 0), body.count)
    let general = Result { () throws(JSONParser.Error) in try JSONParser.parse(body[0..<jsonEnd]) }
    let compact = Result { () throws(JSONParser.Error) in
        try JSONParser.parse(body[0..<jsonEnd], compactNumberArrays: true)
    }
    switch (general, compact) {
    case (.success(let reference), .success(let value)):
        // NaN is not equal to itself, so compare the written text, which names it.
        if value.jsonText != reference.jsonText { FuzzDriver.fail("a compact parse differs from the general one") }
    case (.failure(let reference), .failure(let error)):
        if error != reference { FuzzDriver.fail("a compact parse fails otherwise: \(error) vs \(reference)") }
    default:
        FuzzDriver.fail("a compact parse and the general one disagree on whether the JSON is valid")
    }
    guard let request = try? InferenceRequest(body: body, headerLength: headerLength) else { return 0 }
    RequestFixture.exercise(request, signatures: RequestFixture.signatures)
    return 0
}

// The entry point: libFuzzer runs `testOne` with this process's arguments.
exit(FuzzDriver.run(CommandLine.argc, CommandLine.unsafeArgv, testOne))
