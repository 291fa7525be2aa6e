extension Dimension: ExpressibleByIntegerLiteral {
    /// A fixed dimension written as an integer literal, so shapes read `[.symbolic("n"), 3]`.
    public init(integerLiteral value: Int) {
        self = .fixed(value)
    }
}
