import CONNXRuntime

/// Carries a ``SessionOptions/DeviceSelector`` to ORT's C callback, and keeps it alive as long as the session
/// options that point to it.
final class DeviceSelectorBox: Sendable {
    let selector: SessionOptions.DeviceSelector
    let api: API
    /// What went wrong in the last call, for the session's error (ORT copies only the message).
    let lastFailure = Locked<ORTError?>(nil)

    init(_ selector: @escaping SessionOptions.DeviceSelector, api: API) {
        self.selector = selector
        self.api = api
    }

    var context: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    /// The C callback ORT calls; `state` is an unretained `DeviceSelectorBox`.
    static let callback: CORTEpSelectionDelegate = {
        devices, count, modelMetadata, runtimeMetadata, selected, maximum, selectedCount, state in
        guard let state, let selectedCount else { return nil }
        let box = Unmanaged<DeviceSelectorBox>.fromOpaque(state).takeUnretainedValue()
        selectedCount.pointee = 0
        let api = box.api
        let pointers: [OpaquePointer] = devices.map { devices in (0..<count).compactMap { devices[$0] } } ?? []
        // Candidates are labelled with their position in this call; generation .max keeps them apart from listed
        // devices, which are matched by content instead.
        let candidates = pointers.enumerated().map {
            ExecutionProviderDevice($0.element, api: api, generation: .max, position: $0.offset)
        }
        let request = SessionOptions.DeviceSelection(
            devices: candidates, modelMetadata: api.dictionary(modelMetadata),
            runtimeMetadata: api.dictionary(runtimeMetadata), maximumCount: maximum)
        let chosen: [ExecutionProviderDevice]
        do {
            chosen = try box.selector(request)
        } catch {
            return box.fail(ORTError(.invalidArgument, "the device selector threw: \(error)"))
        }
        guard chosen.count <= maximum else {
            return box.fail(
                ORTError(
                    .invalidArgument,
                    "the device selector chose \(chosen.count) devices; ONNX Runtime takes at most \(maximum)"))
        }
        var indexes: [Int] = []
        for device in chosen {
            let index =
                candidates.firstIndex(of: device) ?? candidates.firstIndex(where: { $0.sameDevice(as: device) })
            guard let index else {
                return box.fail(
                    ORTError(
                        .invalidArgument,
                        "the device selector chose '\(device)', which is not one of the \(candidates.count) "
                            + "candidates it was given"))
            }
            indexes.append(index)
        }
        guard let selected else { return nil }
        for (slot, index) in indexes.enumerated() {
            selected[slot] = pointers[index]
        }
        selectedCount.pointee = indexes.count
        return nil
    }

    private func fail(_ error: ORTError) -> OpaquePointer? {
        lastFailure.withLock { $0 = error }
        return api.table.pointee.CreateStatus(ORT_INVALID_ARGUMENT, error.message)
    }
}
