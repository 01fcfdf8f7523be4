/// A service name: `[a-z][a-z0-9_]{0,62}`. It becomes part of task ids and queue names.
public struct ServiceName: Hashable, Sendable, CustomStringConvertible {
    /// The validated name.
    public let rawValue: String

    /// Validates `rawValue`; nil if it does not match `[a-z][a-z0-9_]{0,62}`.
    public init?(_ rawValue: String) {
        guard Self.isValid(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    /// Whether `name` matches `[a-z][a-z0-9_]{0,62}`.
    public static func isValid(_ name: String) -> Bool {
        var count = 0
        for byte in name.utf8 {
            let lower = byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")
            let digit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
            guard count == 0 ? lower : (lower || digit || byte == UInt8(ascii: "_")) else { return false }
            count += 1
        }
        return count >= 1 && count <= 63
    }
}
