/// A task tag: `[A-Za-z0-9_.-]{1,64}`. It becomes part of a queue name (`jobs.<service>.<tag>`).
public enum TaskTag {
    /// Whether `tag` matches `[A-Za-z0-9_.-]{1,64}`.
    public static func isValid(_ tag: String) -> Bool {
        var count = 0
        for byte in tag.utf8 {
            let ok = (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
            guard ok else { return false }
            count += 1
        }
        return count >= 1 && count <= 64
    }
}
