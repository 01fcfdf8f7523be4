import Synchronization

/// Request ids: the client's `X-Request-Id` when usable (1–128 visible ASCII bytes), else a new
/// id made of a random per-process prefix and a counter (`3f9c0a12d4e5b6a7-1a`).
final class RequestIDGenerator: Sendable {
    private let prefix: String
    private let counter = Atomic<UInt64>(0)

    init() {
        prefix = String(UInt64.random(in: 0...UInt64.max) | (1 << 63), radix: 16)
    }

    /// The id for a request with these headers.
    func id(for headers: HTTPHeaders) -> String {
        if let sent = headers["X-Request-Id"], Self.isUsable(sent) { return sent }
        let next = counter.add(1, ordering: .relaxed).newValue
        return prefix + "-" + String(next, radix: 16)
    }

    static func isUsable(_ id: String) -> Bool {
        let bytes = id.utf8
        return (1...128).contains(bytes.count) && bytes.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }
}
