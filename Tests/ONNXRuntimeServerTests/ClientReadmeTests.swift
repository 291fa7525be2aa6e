#if Server && Client
import Foundation
import ONNXRuntimeClient
import Testing

/// The README's Swift client example, against a live in-process server holding the MNIST model.
@Suite struct ClientReadmeTests {
    @Test func readmeClientExampleRuns() async throws {
        let baseURL = try await ClientTestServer.shared()
        // The README's example, with the server's address in `baseURL`.
        let probabilities = try await InferenceClient.withClient(baseURL: baseURL) { client in
            let digit = InferInput(
                name: "input", shape: [1, 1, 28, 28], data: .fp32([Float](repeating: 0, count: 784)))
            let response = try await client.infer(model: "mnist", inputs: [digit])
            return response.outputs["probabilities"]?.floats ?? []
        }
        #expect(probabilities.count == 10)
        #expect(abs(probabilities.reduce(0, +) - 1) < 1e-4)

        let readme = try String(
            contentsOf: ClientTestServer.root.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains(#"let digit = InferInput(name: "input", shape: [1, 1, 28, 28], data: .fp32("#))
        #expect(readme.contains(#"let response = try await client.infer(model: "mnist", inputs: [digit])"#))
    }
}
#endif
