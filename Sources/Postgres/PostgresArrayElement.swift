import Foundation

/// An element type of a PostgreSQL array: `[String]` is bound and decoded as text[], `[Int]` as
/// int8[], and so on. `[UInt8]` is the exception: it is bytea, not an array.
public protocol PostgresArrayElement: Sendable {
    /// The array type, e.g. `.textArray` for `String`.
    static var postgresArrayType: PostgresDataType { get }
    /// Appends the binary representation of `elements` as a value of `postgresArrayType`.
    static func encodeArray(_ elements: [Self], into buffer: inout [UInt8])
    /// Decodes a value of an array type into its elements.
    static func decodeArray(from bytes: ArraySlice<UInt8>, type: PostgresDataType)
        throws(PostgresDecodingFailure) -> [Self]
}

extension Array: PostgresEncodable where Element: PostgresArrayElement {
    public static var postgresType: PostgresDataType { Element.postgresArrayType }
    public func encode(into buffer: inout [UInt8]) { Element.encodeArray(self, into: &buffer) }
}

extension Array: PostgresDecodable where Element: PostgresArrayElement {
    public static func decode(from bytes: ArraySlice<UInt8>, type: PostgresDataType)
        throws(PostgresDecodingFailure) -> [Element]
    {
        try Element.decodeArray(from: bytes, type: type)
    }
}

extension PostgresArrayElement where Self: PostgresEncodable & PostgresDecodable {
    /// One-dimensional array, lower bound 1, no NULLs:
    /// ndim, has-null flag, element OID, (size, lower bound), then (length, bytes) per element.
    public static func encodeArray(_ elements: [Self], into buffer: inout [UInt8]) {
        Int32(elements.isEmpty ? 0 : 1).appendBigEndian(to: &buffer)
        Int32(0).appendBigEndian(to: &buffer)
        Self.postgresType.oid.appendBigEndian(to: &buffer)
        if elements.isEmpty { return }
        Int32(elements.count).appendBigEndian(to: &buffer)
        Int32(1).appendBigEndian(to: &buffer)
        for element in elements {
            let lengthAt = buffer.count
            buffer.append(contentsOf: [0, 0, 0, 0])
            element.encode(into: &buffer)
            let length = UInt32(buffer.count - lengthAt - 4).bigEndian
            withUnsafeBytes(of: length) { raw in
                for offset in 0..<4 { buffer[lengthAt + offset] = raw[offset] }
            }
        }
    }

    public static func decodeArray(from bytes: ArraySlice<UInt8>, type: PostgresDataType)
        throws(PostgresDecodingFailure) -> [Self]
    {
        guard type == postgresArrayType || acceptsArrayType(type) else {
            throw .mismatch([Self].self, type)
        }
        guard bytes.count >= 12 else { throw .badLength(type, bytes.count) }
        let dimensions = bytes.readBigEndian(Int32.self)
        let elementType = PostgresDataType(bytes.readBigEndian(UInt32.self, at: 8))
        if dimensions == 0 { return [] }
        guard dimensions == 1, bytes.count >= 20 else {
            throw PostgresDecodingFailure("only one-dimensional arrays can be decoded")
        }
        let count = Int(bytes.readBigEndian(Int32.self, at: 12))
        var result: [Self] = []
        result.reserveCapacity(count)
        var offset = 20
        for _ in 0..<count {
            guard bytes.count >= offset + 4 else { throw .badLength(type, bytes.count) }
            let length = Int(bytes.readBigEndian(Int32.self, at: offset))
            offset += 4
            if length < 0 {
                result.append(try Self.decodeNull())
                continue
            }
            guard bytes.count >= offset + length else { throw .badLength(type, bytes.count) }
            let start = bytes.startIndex + offset
            result.append(try Self.decode(from: bytes[start..<(start + length)], type: elementType))
            offset += length
        }
        return result
    }

    static func acceptsArrayType(_ type: PostgresDataType) -> Bool {
        // varchar[], name[], bpchar[] hold text-like elements, which String decodes.
        Self.self == String.self && [1015, 1003, 1014].contains(type.oid)
    }
}

extension String: PostgresArrayElement {
    public static var postgresArrayType: PostgresDataType { .textArray }
}
extension Int: PostgresArrayElement {
    public static var postgresArrayType: PostgresDataType { .int8Array }
}
extension Int64: PostgresArrayElement {
    public static var postgresArrayType: PostgresDataType { .int8Array }
}
extension Int32: PostgresArrayElement {
    public static var postgresArrayType: PostgresDataType { .int4Array }
}
extension Bool: PostgresArrayElement {
    public static var postgresArrayType: PostgresDataType { .boolArray }
}
extension Double: PostgresArrayElement {
    public static var postgresArrayType: PostgresDataType { .float8Array }
}
extension UUID: PostgresArrayElement {
    public static var postgresArrayType: PostgresDataType { .uuidArray }
}
extension Date: PostgresArrayElement {
    public static var postgresArrayType: PostgresDataType { .timestamptzArray }
}

/// `[UInt8]` is bytea: the bytes themselves, not an array of numbers.
extension UInt8: PostgresArrayElement {
    public static var postgresArrayType: PostgresDataType { .bytea }

    public static func encodeArray(_ elements: [UInt8], into buffer: inout [UInt8]) {
        buffer.append(contentsOf: elements)
    }

    public static func decodeArray(from bytes: ArraySlice<UInt8>, type: PostgresDataType)
        throws(PostgresDecodingFailure) -> [UInt8]
    {
        guard type == .bytea else { throw .mismatch([UInt8].self, type) }
        return Array(bytes)
    }
}
