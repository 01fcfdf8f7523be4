import COpenSSL

/// AES-256-GCM through OpenSSL's EVP interface, for small values such as user secrets.
///
/// A sealed box is `nonce (12 bytes) || ciphertext || tag (16 bytes)`, with a fresh random nonce
/// per seal. The additional authenticated data (AAD) is not stored but must be given again to
/// open the box: binding a ciphertext to, say, a user name means it cannot be moved to another
/// row.
///
/// ```swift
/// let box = try AESGCM.seal(Array("s3cret".utf8), key: key, authenticating: Array("alice".utf8))
/// let plain = try AESGCM.open(box, key: key, authenticating: Array("alice".utf8))
/// ```
public enum AESGCM {
    /// Key length in bytes (AES-256).
    public static let keyLength = 32
    /// Nonce length in bytes (the GCM standard size).
    public static let nonceLength = 12
    /// Authentication tag length in bytes.
    public static let tagLength = 16

    /// Encrypts `plaintext` under `key`, authenticating `aad` as well.
    /// - Returns: `nonce || ciphertext || tag`, `plaintext.count + 28` bytes.
    /// - Throws: `AESGCMError.invalidKeyLength`, or `.cryptoFailure` if OpenSSL fails (no
    ///   random bytes, allocation failure).
    public static func seal(
        _ plaintext: [UInt8], key: [UInt8], authenticating aad: [UInt8] = []
    ) throws(AESGCMError) -> [UInt8] {
        let nonce: [UInt8]
        do { nonce = try SecureRandom.bytes(nonceLength) } catch { throw .cryptoFailure("RAND_bytes") }
        return try seal(plaintext, key: key, nonce: nonce, authenticating: aad)
    }

    /// `seal` with a given nonce. A nonce must never be reused with the same key; this entry
    /// point exists for known-answer tests.
    static func seal(
        _ plaintext: [UInt8], key: [UInt8], nonce: [UInt8], authenticating aad: [UInt8]
    ) throws(AESGCMError) -> [UInt8] {
        guard key.count == keyLength else { throw .invalidKeyLength(key.count) }
        precondition(nonce.count == nonceLength, "AES-GCM nonce must be 12 bytes")
        let context = try CipherContext()
        var output = nonce
        var ciphertext = [UInt8](repeating: 0, count: plaintext.count)
        var tag = [UInt8](repeating: 0, count: tagLength)
        // "EVP_EncryptInit_ex(), EVP_EncryptUpdate() and EVP_EncryptFinal_ex() return 1 for
        // success and 0 for failure." The IV length default for GCM is 12 bytes.
        try context.check(EVP_EncryptInit_ex(context.pointer, EVP_aes_256_gcm(), nil, key, nonce), "EVP_EncryptInit_ex")
        var length: Int32 = 0
        if !aad.isEmpty {
            try context.check(EVP_EncryptUpdate(context.pointer, nil, &length, aad, Int32(aad.count)), "EVP_EncryptUpdate(aad)")
        }
        if !plaintext.isEmpty {
            try context.check(
                EVP_EncryptUpdate(context.pointer, &ciphertext, &length, plaintext, Int32(plaintext.count)),
                "EVP_EncryptUpdate")
        }
        // GCM is a stream mode: Final writes no further bytes.
        var finalLength: Int32 = 0
        var scratch = [UInt8](repeating: 0, count: 16)
        try context.check(EVP_EncryptFinal_ex(context.pointer, &scratch, &finalLength), "EVP_EncryptFinal_ex")
        try context.check(
            EVP_CIPHER_CTX_ctrl(context.pointer, EVP_CTRL_AEAD_GET_TAG, Int32(tagLength), &tag), "EVP_CTRL_AEAD_GET_TAG")
        output.append(contentsOf: ciphertext)
        output.append(contentsOf: tag)
        return output
    }

    /// Decrypts and verifies a box made by `seal` with the same key and AAD.
    /// - Returns: the plaintext.
    /// - Throws: `AESGCMError.authenticationFailed` if the box was altered, or the key or AAD
    ///   differ (never a crash); `.tooShort` if the box cannot hold a nonce and a tag;
    ///   `.invalidKeyLength`; `.cryptoFailure` if OpenSSL fails otherwise.
    public static func open(
        _ box: [UInt8], key: [UInt8], authenticating aad: [UInt8] = []
    ) throws(AESGCMError) -> [UInt8] {
        guard key.count == keyLength else { throw .invalidKeyLength(key.count) }
        guard box.count >= nonceLength + tagLength else { throw .tooShort(box.count) }
        let nonce = Array(box[0..<nonceLength])
        let ciphertext = Array(box[nonceLength..<(box.count - tagLength)])
        var tag = Array(box[(box.count - tagLength)...])
        let context = try CipherContext()
        try context.check(EVP_DecryptInit_ex(context.pointer, EVP_aes_256_gcm(), nil, key, nonce), "EVP_DecryptInit_ex")
        var length: Int32 = 0
        if !aad.isEmpty {
            try context.check(EVP_DecryptUpdate(context.pointer, nil, &length, aad, Int32(aad.count)), "EVP_DecryptUpdate(aad)")
        }
        var plaintext = [UInt8](repeating: 0, count: ciphertext.count)
        if !ciphertext.isEmpty {
            try context.check(
                EVP_DecryptUpdate(context.pointer, &plaintext, &length, ciphertext, Int32(ciphertext.count)),
                "EVP_DecryptUpdate")
        }
        try context.check(
            EVP_CIPHER_CTX_ctrl(context.pointer, EVP_CTRL_AEAD_SET_TAG, Int32(tagLength), &tag), "EVP_CTRL_AEAD_SET_TAG")
        // "EVP_DecryptFinal_ex() returns 0 if the decrypt failed or 1 for success": for GCM a 0
        // here means the tag did not verify.
        var finalLength: Int32 = 0
        var scratch = [UInt8](repeating: 0, count: 16)
        guard EVP_DecryptFinal_ex(context.pointer, &scratch, &finalLength) == 1 else {
            ERR_clear_error()
            plaintext.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) }
            throw .authenticationFailed
        }
        return plaintext
    }
}

/// Owner of one `EVP_CIPHER_CTX`, freed when the owner goes away. Not `Sendable`: used within
/// one `seal` / `open` call.
private final class CipherContext {
    let pointer: OpaquePointer

    init() throws(AESGCMError) {
        guard let pointer = EVP_CIPHER_CTX_new() else { throw .cryptoFailure("EVP_CIPHER_CTX_new") }
        self.pointer = pointer
    }

    deinit {
        // "EVP_CIPHER_CTX_free() clears all information from a cipher context and frees any
        // allocated memory associated with it, including ctx itself."
        EVP_CIPHER_CTX_free(pointer)
    }

    /// Throws naming `call` unless `result` is 1 (OpenSSL's success).
    func check(_ result: Int32, _ call: String) throws(AESGCMError) {
        guard result == 1 else {
            ERR_clear_error()
            throw .cryptoFailure(call)
        }
    }
}

/// Why an AES-GCM operation failed. Descriptions never include key, plaintext or ciphertext.
public enum AESGCMError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The key is not 32 bytes (the actual length).
    case invalidKeyLength(Int)
    /// The box is shorter than a nonce plus a tag (the actual length).
    case tooShort(Int)
    /// The tag did not verify: altered data, another key, or other additional data.
    case authenticationFailed
    /// An OpenSSL call failed (its name).
    case cryptoFailure(String)

    public var description: String {
        switch self {
        case .invalidKeyLength(let count): "AES-256-GCM key must be 32 bytes, not \(count)"
        case .tooShort(let count): "AES-GCM box of \(count) bytes is too short (at least 28)"
        case .authenticationFailed: "AES-GCM authentication failed (altered data, wrong key or wrong additional data)"
        case .cryptoFailure(let call): "OpenSSL \(call) failed"
        }
    }
}
