import JobCore

extension JSONValue {
    /// The most digits the numbers of one `condition` / `result` may expand to once stored.
    /// jsonb keeps numbers as `numeric` and writes them back without exponents, so `1e131071`
    /// (8 bytes sent) comes back as 131,072 digits; without a bound a 1 MiB body could make
    /// PostgreSQL build gigabytes.
    static let maxStoredNumberDigits = 1 << 20

    /// The digits the value's numbers take once stored as jsonb, or nil if one does not fit
    /// PostgreSQL's `numeric` at all ("up to 131072 digits before the decimal point; up to
    /// 16383 digits after the decimal point", PostgreSQL docs 8.1.2); such a number fails the
    /// INSERT with "value overflows numeric format", so the API refuses it up front (2001)
    /// instead of answering 500.
    var storedNumberDigits: Int? {
        switch self {
        case .null, .bool, .string: return 0
        case .number(let text): return Self.storedDigits(text)
        case .array(let items): return Self.sum(items.lazy.map(\.storedNumberDigits))
        case .object(let members): return Self.sum(members.lazy.map(\.value.storedNumberDigits))
        }
    }

    private static func sum(_ counts: some Sequence<Int?>) -> Int? {
        var total = 0
        for count in counts {
            guard let count else { return nil }
            total += count
            // Stop adding once over any useful bound (and long before Int could overflow).
            if total > maxStoredNumberDigits { return total }
        }
        return total
    }

    /// One JSON number (valid syntax, as the parser accepted it), mirroring PostgreSQL's
    /// `set_var_from_str` and `make_result`: the display scale is the digits after the point
    /// minus the exponent (at least 0, at most 16383); the decimal weight of the first
    /// significant digit is at most 131071. Zero has no weight but keeps its scale.
    static func storedDigits(_ text: String) -> Int? {
        var mantissa = Substring(text)
        var exponent = 0
        if let e = mantissa.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            var digits = mantissa[mantissa.index(after: e)...]
            if digits.first == "+" { digits = digits.dropFirst() }
            // PostgreSQL refuses exponents near ±2^30 itself; Int() fails on longer text.
            guard let value = Int(digits), abs(value) < 1_000_000_000 else { return nil }
            exponent = value
            mantissa = mantissa[..<e]
        }
        if mantissa.first == "-" { mantissa = mantissa.dropFirst() }
        let point = mantissa.firstIndex(of: ".")
        let integer = point.map { mantissa[..<$0] } ?? mantissa
        let fraction = point.map { mantissa[mantissa.index(after: $0)...] } ?? ""
        let scale = max(0, fraction.count - exponent)
        guard scale <= 16_383 else { return nil }
        let significantInteger = integer.drop { $0 == "0" }
        let weight: Int
        if !significantInteger.isEmpty {
            weight = significantInteger.count - 1 + exponent
        } else if let first = fraction.firstIndex(where: { $0 != "0" }) {
            weight = -(fraction.distance(from: fraction.startIndex, to: first) + 1) + exponent
        } else {
            return 1 + scale
        }
        guard weight <= 131_071 else { return nil }
        return max(weight, 0) + 1 + scale
    }
}
