#if Server
extension InferenceRequest {
    /// The request-level parameter names Triton keeps for itself (its `kReservedParameterKeys`): the server reads them
    /// (`timeout`, `binary_data_output`, and the sequence and priority parameters where supported), and a client
    /// cannot use them as its own custom parameters.
    package static let reservedParameterNames: Set<String> = [
        "sequence_id", "sequence_start", "sequence_end", "priority", "timeout", "headers", "binary_data_output",
    ]

    /// The prefix of parameter names Triton reserves for itself: `triton_`.
    package static let reservedParameterPrefix = "triton_"

    /// The `triton_` parameters a gRPC request may give (Triton's `TRITON_RESERVED_REQUEST_PARAMS`). This server
    /// accepts and ignores them: it has no decoupled models, so there is never an empty final response to ask for.
    package static let allowedGRPCReservedParameters: Set<String> = ["triton_enable_empty_final_response"]

    /// Refuses request-level parameters whose names start with `triton_`, as Triton does (the parameters extension
    /// reserves them). Custom parameters are otherwise accepted and carried with the request; parameters of inputs
    /// and outputs are not checked, as Triton does not check them.
    ///
    /// The messages are Triton's own, which differ between its transports.
    /// - Parameters:
    ///   - parameters: The request-level parameters.
    ///   - grpc: Whether the request came over gRPC, which allows ``allowedGRPCReservedParameters``.
    /// - Throws: ``ServingError/badRequest(_:)`` (400, gRPC `INVALID_ARGUMENT`) for a reserved name.
    package static func checkReservedParameters(_ parameters: JSONObject?, grpc: Bool) throws(ServingError) {
        guard let parameters else { return }
        for member in parameters where member.key.hasPrefix(reservedParameterPrefix) {
            if grpc {
                guard allowedGRPCReservedParameters.contains(member.key) else {
                    throw .badRequest(
                        "parameter keys starting with 'triton_' are reserved for Triton usage. Only the following "
                            + "keys starting with 'triton_' are allowed: "
                            + allowedGRPCReservedParameters.sorted().joined(separator: " ") + " (got '\(member.key)')")
                }
            } else {
                throw .badRequest(
                    "parameter keys starting with 'triton_' are reserved for Triton usage and should not be "
                        + "specified (got '\(member.key)')")
            }
        }
    }
}
#endif
