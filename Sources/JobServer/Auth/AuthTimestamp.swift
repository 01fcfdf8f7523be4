/// The `_` query parameter: UTC seconds since 1970 as plain decimal digits.
enum AuthTimestamp {
    /// The value of `text`, or nil unless it is 1 to 18 ASCII digits: no sign, no `+`, no
    /// spaces, no fraction or exponent, no `inf` / `nan`. (18 digits cannot overflow `Int`.)
    static func parse(_ text: String?) -> Int? {
        guard let text else { return nil }
        var value = 0
        var count = 0
        for byte in text.utf8 {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"), count < 18 else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            count += 1
        }
        return count == 0 ? nil : value
    }

    /// Whether `timestamp` is within `window` seconds of `now` (UTC seconds), either way,
    /// the bounds included.
    static func isFresh(_ timestamp: Int, now: Int, window: Int) -> Bool {
        abs(now - timestamp) <= window
    }
}
