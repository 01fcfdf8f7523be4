import COpenSSL

/// Message digests through OpenSSL's EVP interface.
public enum Digest {
    /// The SHA-256 of `bytes` as 64 lowercase hex characters.
    public static func sha256Hex<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        hex(digest(Array(bytes), EVP_sha256(), length: 32))
    }

    /// The MD5 of `bytes` as 32 lowercase hex characters (the API's authentication scheme).
    public static func md5Hex<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        hex(digest(Array(bytes), EVP_md5(), length: 16))
    }

    private static func digest(_ input: [UInt8], _ type: OpaquePointer?, length: Int) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: length)
        var written: UInt32 = 0
        // EVP_Digest "returns 1 for success and 0 for failure"; with a built-in digest and
        // memory buffers it fails only on allocation failure, which we treat as fatal.
        let ok = input.withUnsafeBytes { raw in
            EVP_Digest(raw.baseAddress, raw.count, &output, &written, type, nil)
        }
        precondition(ok == 1 && Int(written) == length, "EVP_Digest failed")
        return output
    }

    /// Lowercase hex of `bytes`.
    public static func hex<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Bytes from hex text (either case); nil if `text` is not an even number of hex digits.
    public static func bytes(fromHex text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let hi = value(chars[i]), let lo = value(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }
}
