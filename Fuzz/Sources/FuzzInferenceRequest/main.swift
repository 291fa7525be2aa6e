import Foundation
import FuzzRequestSupport
import FuzzSupport
import ONNXRuntimeServing

/// Decodes the input as a REST inference request body, reads its sequence parameters, attaches the shared memory
/// regions it names (two fixed regions over one real POSIX object), plans it against every signature, and makes the
/// input tensors of each plan that passes. Any bytes must give a request or a `ServingError`, never a crash or an
/// allocation past the element limit.
///
/// Input layout: a body that starts with `{` is a JSON-only request (no `Inference-Header-Content-Length`); otherwise
/// the first 4 bytes are that header's value (little-endian) and the rest is the body (JSON, then binary tensor
/// data).
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
    guard let request = try? InferenceRequest(body: body, headerLength: headerLength) else { return 0 }
    RequestFixture.exercise(request, signatures: RequestFixture.signatures)
    return 0
}

// The entry point: libFuzzer runs `testOne` with this process's arguments.
exit(FuzzDriver.run(CommandLine.argc, CommandLine.unsafeArgv, testOne))
