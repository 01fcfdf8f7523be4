import JobCrypto

extension SecretKey {
    /// The additional authenticated data binding a stored secret to its user: a ciphertext
    /// copied to another user's row does not decrypt there.
    static func associatedData(user: String) -> [UInt8] {
        Array("jobserver.users:".utf8) + Array(user.utf8)
    }

    /// Encrypts `secret` for the `users.secret_encrypted` column of `user`
    /// (`nonce || ciphertext || tag`, AES-256-GCM).
    /// - Throws: `AESGCMError` if OpenSSL fails (no random bytes).
    public func sealSecret(_ secret: String, user: String) throws(AESGCMError) -> [UInt8] {
        try AESGCM.seal(Array(secret.utf8), key: bytes, authenticating: Self.associatedData(user: user))
    }

    /// Decrypts the stored secret of `user`.
    /// - Throws: `AESGCMError.authenticationFailed` if the value was altered, belongs to another
    ///   user, or was sealed under another key.
    public func openSecret(_ box: [UInt8], user: String) throws(AESGCMError) -> [UInt8] {
        try AESGCM.open(box, key: bytes, authenticating: Self.associatedData(user: user))
    }
}

extension SecretKey {
    /// A key from 32 bytes already in memory (tests, tools); `load(path:)` is the normal way.
    /// - Throws: `SecretKeyError` unless `bytes` is 32 bytes long.
    public init(validating bytes: [UInt8]) throws(SecretKeyError) {
        guard bytes.count == 32 else { throw SecretKeyError("a key must be 32 bytes, not \(bytes.count)") }
        self.init(bytes: bytes)
    }
}
