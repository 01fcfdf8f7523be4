import COpenSSL

/// Cryptographically secure random bytes from OpenSSL's CSPRNG.
public enum SecureRandom {
    /// `count` random bytes.
    /// - Throws: `CryptoError` if the generator is not seeded (RAND_bytes returned 0).
    public static func bytes(_ count: Int) throws(CryptoError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        // "RAND_bytes() returns 1 on success, -1 if not supported by the current RAND method,
        // or 0 on other failure."
        guard RAND_bytes(&out, Int32(count)) == 1 else { throw CryptoError("RAND_bytes failed") }
        return out
    }
}

/// A failure inside OpenSSL.
public struct CryptoError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
