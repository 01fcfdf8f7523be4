/// API user names: `[A-Za-z0-9_.@-]{1,64}`. No colon (it separates the name from the digest in
/// the `Authorization` header), no spaces, nothing that needs quoting in a shell.
public enum UserName {
    /// Whether `name` matches `[A-Za-z0-9_.@-]{1,64}`.
    public static func isValid(_ name: String) -> Bool {
        isValid(name.utf8)
    }

    /// Whether the UTF-8 bytes `name` match `[A-Za-z0-9_.@-]{1,64}`.
    public static func isValid<Bytes: Collection<UInt8>>(_ name: Bytes) -> Bool {
        var count = 0
        for byte in name {
            let ok = (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "@")
                || byte == UInt8(ascii: "-")
            guard ok else { return false }
            count += 1
            if count > 64 { return false }
        }
        return count >= 1
    }
}
