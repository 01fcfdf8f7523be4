/// A JSON value that keeps numbers as their original text, so a task's `condition` and
/// `result` are stored and returned exactly: no digit is lost to a `Double` round trip.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number, as the exact text the client sent (validated JSON number syntax).
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Members in the order received (a repeated key is kept; PostgreSQL's jsonb keeps the last).
    case object([Member])

    /// One member of an object.
    public struct Member: Sendable, Equatable {
        public var key: String
        public var value: JSONValue
        public init(_ key: String, _ value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// The value of the last member named `key`, if this is an object that has one.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.key == key }?.value
    }

    /// The JSON type name, for error messages ("an object", "a string", ...).
    public var typeDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// Whether any string in the value (keys included) contains U+0000, which PostgreSQL's
    /// jsonb and text types cannot store.
    public var containsNUL: Bool {
        switch self {
        case .null, .bool, .number: false
        case .string(let text): text.utf8.contains(0)
        case .array(let items): items.contains { $0.containsNUL }
        case .object(let members): members.contains { $0.key.utf8.contains(0) || $0.value.containsNUL }
        }
    }
}
