import JobCrypto

/// The user name and digest of an `Authorization: Basic base64(user ":" digest)` header.
struct BasicCredentials: Equatable {
    /// Everything before the first colon of the decoded value.
    var user: String
    /// Everything after the first colon, as bytes (compared in constant time, never printed).
    var digest: [UInt8]

    /// Parses a header value; nil unless it is `Basic` (any case), one or more spaces, and padded
    /// standard base64 of UTF-8 text holding a colon.
    static func parse(_ header: String) -> BasicCredentials? {
        let utf8 = Substring(header).utf8
        let scheme = Array("basic".utf8)
        guard utf8.count > scheme.count else { return nil }
        var index = utf8.startIndex
        for expected in scheme {
            // ASCII lower-casing: letters only, so `| 0x20` cannot make a match out of a non-letter.
            guard utf8[index] | 0x20 == expected else { return nil }
            index = utf8.index(after: index)
        }
        guard utf8[index] == UInt8(ascii: " ") else { return nil }
        while index < utf8.endIndex, utf8[index] == UInt8(ascii: " ") { index = utf8.index(after: index) }
        var end = utf8.endIndex
        while end > index, utf8[utf8.index(before: end)] == UInt8(ascii: " ") { end = utf8.index(before: end) }
        guard index < end, let decoded = Base64.decode(utf8[index..<end]),
            let colon = decoded.firstIndex(of: UInt8(ascii: ":"))
        else { return nil }
        let userBytes = decoded[..<colon]
        guard let user = String(validating: userBytes, as: UTF8.self) else { return nil }
        return BasicCredentials(user: user, digest: Array(decoded[(colon + 1)...]))
    }
}
