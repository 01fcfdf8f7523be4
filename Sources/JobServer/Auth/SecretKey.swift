import Foundation
import JobCrypto

/// The 32-byte key that encrypts user secrets in the database (AES-256-GCM), kept in a file named
/// by `auth.key_file`: 64 hex characters, mode 0600, written by `jobserver keygen FILE`. It is
/// never created silently: a missing or unreadable file stops start-up with a message naming it.
public struct SecretKey: Sendable {
    /// The key bytes.
    public let bytes: [UInt8]

    /// Reads and checks the key file.
    /// - Throws: `SecretKeyError` naming the path: missing, unreadable, readable by others, or not
    ///   64 hex characters.
    public static func load(path: String) throws(SecretKeyError) -> SecretKey {
        guard !path.isEmpty else { throw SecretKeyError("auth.key_file is not set; create one with `jobserver keygen FILE`") }
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw SecretKeyError("key file \(path) does not exist or cannot be read (\(String(cString: strerror(errno)))); create it with `jobserver keygen \(path)`")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw SecretKeyError("key file \(path) is readable by other users (mode \(String(info.st_mode & 0o777, radix: 8))); run `chmod 600 \(path)`")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SecretKeyError("key file \(path) cannot be read")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.utf8.count == 64, let bytes = Digest.bytes(fromHex: text) else {
            throw SecretKeyError("key file \(path) must hold 64 hex characters (32 bytes); create one with `jobserver keygen FILE`")
        }
        return SecretKey(bytes: bytes)
    }

    /// Writes a fresh random key to `path` with mode 0600. Refuses to overwrite an existing file.
    /// - Throws: `SecretKeyError` naming the path.
    public static func generate(path: String) throws(SecretKeyError) {
        let bytes: [UInt8]
        do { bytes = try SecureRandom.bytes(32) } catch { throw SecretKeyError("cannot generate a key: \(error)") }
        let text = Digest.hex(bytes) + "\n"
        // O_EXCL: never replace a key, which would make every stored secret unreadable.
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw SecretKeyError("cannot create key file \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let written = text.utf8CString.withUnsafeBytes { raw in write(fd, raw.baseAddress, raw.count - 1) }
        guard written == text.utf8.count, fsync(fd) == 0 else {
            throw SecretKeyError("cannot write key file \(path): \(String(cString: strerror(errno)))")
        }
    }
}

/// Why the key file cannot be used; the message names the path and what to do.
public struct SecretKeyError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
