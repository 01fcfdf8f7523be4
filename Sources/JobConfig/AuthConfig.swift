/// `auth:` — the timestamp-MD5 scheme (see docs/api.md).
public struct AuthConfig: Sendable, Equatable {
    /// Seconds the `_` timestamp may differ from the server's clock, either way. Default 60.
    public var windowSeconds = 60
    /// File with the 32-byte key (64 hex characters, mode 0600) that encrypts user secrets in the
    /// database; written by `jobserver keygen FILE`. Required by `serve` and `user`.
    public var keyFile = ""

    public init() {}

    init(_ r: ConfigReader) {
        let d = AuthConfig()
        windowSeconds = r.int("window_seconds", default: d.windowSeconds, in: 1...86_400)
        keyFile = r.string("key_file", default: d.keyFile)
    }
}
