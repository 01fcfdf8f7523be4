/// One value in an AMQP field table or array.
public indirect enum FieldValue: Sendable, Hashable {
    case bool(Bool)
    case int8(Int8)
    case uint8(UInt8)
    case int16(Int16)
    case uint16(UInt16)
    case int32(Int32)
    case uint32(UInt32)
    case int64(Int64)
    case uint64(UInt64)
    case float(Float)
    case double(Double)
    /// A long string (kind `S`), as RabbitMQ expects for `x-dead-letter-exchange` and such.
    case string(String)
    /// Raw bytes (kind `x`).
    case bytes([UInt8])
    /// Seconds since the epoch (kind `T`).
    case timestamp(UInt64)
    case decimal(scale: UInt8, value: UInt32)
    case table(FieldTable)
    case array([FieldValue])
    case void
}

extension FieldValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    /// Integer literals become `long` (kind `l`, 64-bit signed), which RabbitMQ accepts for
    /// every numeric `x-` argument (`x-max-priority`, `x-message-ttl`, ...).
    public init(integerLiteral value: Int64) { self = .int64(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension FieldValue {
    /// The value as an integer when it is any integer kind.
    public var integerValue: Int64? {
        switch self {
        case .int8(let v): Int64(v)
        case .uint8(let v): Int64(v)
        case .int16(let v): Int64(v)
        case .uint16(let v): Int64(v)
        case .int32(let v): Int64(v)
        case .uint32(let v): Int64(v)
        case .int64(let v): v
        case .uint64(let v): Int64(exactly: v)
        default: nil
        }
    }

    /// The value as a string when it is a string (or UTF-8 bytes).
    public var stringValue: String? {
        switch self {
        case .string(let s): s
        case .bytes(let b): String(validating: b, as: UTF8.self)
        default: nil
        }
    }
}

/// An AMQP field table: ordered (key, value) entries, used for queue and exchange arguments
/// and message headers. Build it with a dictionary literal:
///
/// ```swift
/// let arguments: FieldTable = ["x-max-priority": 9, "x-dead-letter-exchange": "jobs.dlx"]
/// ```
public struct FieldTable: Sendable, Hashable, ExpressibleByDictionaryLiteral, Sequence {
    /// The entries, in wire order. Keys should be unique; the first wins on lookup.
    public var entries: [(key: String, value: FieldValue)]

    /// An empty table.
    public init() { entries = [] }

    /// A table with these entries, in order.
    public init(_ entries: [(key: String, value: FieldValue)]) { self.entries = entries }

    public init(dictionaryLiteral elements: (String, FieldValue)...) {
        entries = elements.map { (key: $0.0, value: $0.1) }
    }

    /// True when the table has no entries.
    public var isEmpty: Bool { entries.isEmpty }

    /// The value for `key`; setting replaces the first entry with that key or appends one.
    public subscript(key: String) -> FieldValue? {
        get { entries.first { $0.key == key }?.value }
        set {
            let index = entries.firstIndex { $0.key == key }
            switch (index, newValue) {
            case (let i?, let v?): entries[i].value = v
            case (let i?, nil): entries.remove(at: i)
            case (nil, let v?): entries.append((key: key, value: v))
            case (nil, nil): break
            }
        }
    }

    public func makeIterator() -> IndexingIterator<[(key: String, value: FieldValue)]> {
        entries.makeIterator()
    }

    public static func == (lhs: FieldTable, rhs: FieldTable) -> Bool {
        lhs.entries.elementsEqual(rhs.entries) { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for (key, value) in entries { hasher.combine(key); hasher.combine(value) }
    }
}
