import COpenSSL

/// Comparisons whose running time does not depend on where two secrets differ.
public enum ConstantTime {
    /// Whether `a` and `b` hold the same bytes. The time taken depends only on the lengths (which
    /// are not secret for digests of a fixed size), never on the contents: OpenSSL's
    /// `CRYPTO_memcmp` "takes an amount of time dependent on len, but independent of the
    /// contents of the memory regions pointed to by a and b".
    public static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        if a.isEmpty { return true }
        return a.withUnsafeBytes { ra in
            b.withUnsafeBytes { rb in CRYPTO_memcmp(ra.baseAddress, rb.baseAddress, ra.count) == 0 }
        }
    }

    /// Whether the UTF-8 bytes of `a` and `b` are equal, compared as `equals(_:_:)` does.
    public static func equals(_ a: String, _ b: String) -> Bool {
        equals(Array(a.utf8), Array(b.utf8))
    }
}
