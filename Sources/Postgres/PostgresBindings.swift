/// The bound parameters of a `PostgresQuery`, in binary format, in one contiguous buffer.
///
/// Values are appended back to back into `bytes`; `metadata` holds each parameter's type, offset
/// and length (-1 for NULL). Two allocations per query, whatever the number of parameters.
public struct PostgresBindings: Sendable {
    struct Metadata: Sendable {
        var type: UInt32
        var offset: Int32
        var length: Int32
    }

    var bytes: [UInt8] = []
    var metadata: [Metadata] = []

    public init() {}

    init(capacity: Int) {
        bytes.reserveCapacity(capacity * 16)
        metadata.reserveCapacity(capacity)
    }

    /// The number of parameters.
    public var count: Int { metadata.count }

    /// The parameters' PostgreSQL types, in order.
    public var types: [PostgresDataType] { metadata.map { PostgresDataType($0.type) } }

    /// Appends `value` (NULL when `nil`) as the next parameter.
    public mutating func append<Value: PostgresEncodable>(_ value: Value?) {
        let start = bytes.count
        guard let value else {
            metadata.append(Metadata(type: Value.postgresType.oid, offset: Int32(start), length: -1))
            return
        }
        value.encode(into: &bytes)
        metadata.append(
            Metadata(
                type: Value.postgresType.oid, offset: Int32(start),
                length: Int32(bytes.count - start)))
    }
}
