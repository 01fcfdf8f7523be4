/// Size limits the request parser enforces. Exceeding one is answered and the connection closed.
public struct HTTPLimits: Sendable, Equatable {
    /// Longest request target, in bytes (longer: 414).
    public var maxTargetBytes: Int = 8 * 1024
    /// Largest header section (or trailer section) after the request line, in bytes (larger: 431).
    public var maxHeaderBytes: Int = 16 * 1024
    /// Most header (or trailer) fields (more: 431).
    public var maxHeaderCount: Int = 100
    /// Largest body, in bytes (larger: 413; with `Content-Length`, before reading the body).
    public var maxBodyBytes: Int = 1024 * 1024
    /// Longest chunk-size line including extensions, in bytes (longer: 400).
    public var maxChunkLineBytes: Int = 4 * 1024

    /// The defaults above.
    public init() {}
}
