/// Standard base64 (RFC 4648 section 4, `+` and `/`, `=` padding), as HTTP Basic uses it.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    private static let reverse: [UInt8] = {
        var table = [UInt8](repeating: 0xff, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    /// `bytes` as padded base64 text.
    public static func encode<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        let input = Array(bytes)
        var out: [UInt8] = []
        out.reserveCapacity((input.count + 2) / 3 * 4)
        var i = 0
        while i < input.count {
            let b0 = input[i]
            let b1 = i + 1 < input.count ? input[i + 1] : 0
            let b2 = i + 2 < input.count ? input[i + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            out.append(i + 1 < input.count ? alphabet[Int((b1 & 0x0f) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            out.append(i + 2 < input.count ? alphabet[Int(b2 & 0x3f)] : UInt8(ascii: "="))
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of padded base64 `text`; nil unless it is a whole number of 4-character groups
    /// of the standard alphabet with correct padding (no whitespace, no URL-safe characters).
    public static func decode(_ text: Substring.UTF8View) -> [UInt8]? {
        let count = text.count
        guard count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(count / 4 * 3)
        var quad: [UInt8] = [0, 0, 0, 0]
        var filled = 0
        var padding = 0
        for (position, char) in text.enumerated() {
            if char == UInt8(ascii: "=") {
                // Padding only in the last two positions, and nothing but padding after it.
                guard position >= count - 2 else { return nil }
                padding += 1
                quad[filled] = 0
            } else {
                let value = reverse[Int(char)]
                guard value != 0xff, padding == 0 else { return nil }
                quad[filled] = value
            }
            filled += 1
            if filled == 4 {
                out.append(quad[0] << 2 | quad[1] >> 4)
                out.append(quad[1] << 4 | quad[2] >> 2)
                out.append(quad[2] << 6 | quad[3])
                filled = 0
            }
        }
        guard padding <= 2 else { return nil }
        out.removeLast(padding)
        return out
    }

    /// The bytes of padded base64 `text` (see `decode(_: Substring.UTF8View)`).
    public static func decode(_ text: String) -> [UInt8]? {
        decode(Substring(text).utf8)
    }
}
