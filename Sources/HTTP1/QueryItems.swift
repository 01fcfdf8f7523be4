/// Decoded `name=value` pairs of a query string, in order.
public struct QueryItems: Sendable, Sequence {
    /// The pairs, percent-decoded.
    public let items: [(name: String, value: String)]

    /// Parses `a=1&b=two%20words`; a name without `=` has an empty value.
    public init(_ query: String) {
        items = query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            if let equals = pair.firstIndex(of: "=") {
                return (Self.decode(pair[..<equals]), Self.decode(pair[pair.index(after: equals)...]))
            }
            return (Self.decode(pair), "")
        }
    }

    /// The value of the first item named `name`.
    public subscript(_ name: String) -> String? { items.first { $0.name == name }?.value }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        items.makeIterator()
    }

    /// Percent-decodes (and turns `+` into a space); an invalid escape is kept as is.
    static func decode(_ text: Substring) -> String {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.count,
               let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
