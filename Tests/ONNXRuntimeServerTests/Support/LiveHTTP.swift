#if Server && Client
import Foundation
import ONNXRuntime
import ONNXRuntimeServing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Plain HTTP requests to a server on a real socket (for tests with servers in another process or a service group
/// of their own).
enum LiveHTTP {
    struct Response: Sendable {
        var status: Int
        var body: [UInt8]
        var json: JSONValue { (try? JSONParser.parse(body)) ?? .null }
    }

    static func send(
        _ method: String, _ url: String, body: [UInt8]? = nil, timeout: TimeInterval = 60
    ) async throws -> Response {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.timeoutInterval = timeout
        if let body { request.httpBody = Data(body) }
        let configuration = URLSessionConfiguration.ephemeral
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let (data, response) = try await session.data(for: request)
        return Response(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: Array(data))
    }

    /// Polls `url` until it answers 200, up to `attempts` times 100 ms.
    static func waitFor200(_ url: String, attempts: Int = 300) async throws -> Bool {
        for _ in 0..<attempts {
            if let response = try? await send("GET", url, timeout: 5), response.status == 200 { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// A model's `last_inference` (0 if none).
    static func lastInference(_ base: String, model: String) async throws -> Int64 {
        let response = try await send("GET", "\(base)/v2/models/\(model)/stats", timeout: 5)
        return response.json["model_stats"]?.arrayValue?.first?["last_inference"]?.int64Value ?? 0
    }

    /// Polls a model's statistics until `last_inference` is set (later than `after`, in ms since the epoch): a
    /// request has arrived and is being served. A poll that fails or times out is retried until `deadline`: with
    /// the whole suite running at once on two cores, one statistics request can take longer than its 5 s timeout.
    static func waitForRequestInFlight(
        _ base: String, model: String, after: Int64 = 0, deadline: Duration = .seconds(60)
    ) async throws -> Bool {
        let end = ContinuousClock.now + deadline
        while ContinuousClock.now < end {
            if let response = try? await send("GET", "\(base)/v2/models/\(model)/stats", timeout: 5) {
                let last = response.json["model_stats"]?.arrayValue?.first?["last_inference"]?.int64Value ?? 0
                if last > after { return true }
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }
}

/// Collects a child process's output as it arrives.
final class OutputCollector: Sendable {
    private let text = Locked("")

    func attach(_ pipe: Pipe) {
        pipe.fileHandleForReading.readabilityHandler = { [self] handle in
            let data = handle.availableData
            guard !data.isEmpty else { return }
            let chunk = String(decoding: data, as: UTF8.self)
            text.withLock { $0 += chunk }
        }
    }

    var value: String { text.withLock { $0 } }

    /// Waits until the output matches `pattern` and returns the first capture group.
    func waitForMatch(_ pattern: String, timeout: Duration = .seconds(120)) async throws -> String? {
        let regex = try Regex(pattern)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let match = value.firstMatch(of: regex), match.output.count > 1,
                let capture = match.output[1].substring
            {
                return String(capture)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }
}
#endif
