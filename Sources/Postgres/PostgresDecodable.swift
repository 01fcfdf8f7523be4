import Foundation

/// A Swift type that can be decoded from a column value in PostgreSQL's binary format.
///
/// `Optional` conforms when its wrapped type does and decodes NULL as `nil`; every other type
/// rejects NULL, and the row turns that into a `PostgresError` naming the column.
public protocol PostgresDecodable {
    /// Decodes a non-NULL value of PostgreSQL type `type` from its binary representation.
    static func decode(from bytes: ArraySlice<UInt8>, type: PostgresDataType)
        throws(PostgresDecodingFailure) -> Self
    /// The value for SQL NULL; the default throws `.unexpectedNull`.
    static func decodeNull() throws(PostgresDecodingFailure) -> Self
}

extension PostgresDecodable {
    public static func decodeNull() throws(PostgresDecodingFailure) -> Self {
        throw PostgresDecodingFailure("unexpected NULL (decode as an Optional to accept NULL)")
    }
}

/// Why a value could not be decoded; `PostgresRow` wraps it in a `PostgresError` naming the
/// column.
public struct PostgresDecodingFailure: Error, Sendable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }

    static func mismatch(_ swiftType: Any.Type, _ type: PostgresDataType) -> Self {
        PostgresDecodingFailure("cannot decode PostgreSQL type \(type) as \(swiftType)")
    }

    static func badLength(_ type: PostgresDataType, _ count: Int) -> Self {
        PostgresDecodingFailure("invalid \(count)-byte value for PostgreSQL type \(type)")
    }
}

extension ArraySlice where Element == UInt8 {
    /// Reads a big-endian integer at `offset` bytes from the start; the caller checks the length.
    @inline(__always)
    func readBigEndian<T: FixedWidthInteger>(_: T.Type, at offset: Int = 0) -> T {
        var value = T.zero
        let start = startIndex + offset
        for index in start..<(start + MemoryLayout<T>.size) {
            value = (value << 8) | T(truncatingIfNeeded: self[index])
        }
        return value
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public static func decode(from bytes: ArraySlice<UInt8>, type: PostgresDataType)
        throws(PostgresDecodingFailure) -> Self
    {
        try Wrapped.decode(from: bytes, type: type)
    }

    public static func decodeNull() throws(PostgresDecodingFailure) -> Self { nil }
}

extension String: PostgresDecodable {
    /// Decodes text types, json and jsonb (as their raw JSON text).
    public static func decode(from bytes: ArraySlice<UInt8>, type: PostgresDataType)
        throws(PostgresDecodingFailure) -> String
    {
        if type.isTextLike || type == .json {
            return String(decoding: bytes, as: UTF8.self)
        }
        if type == .jsonb {
            return try PostgresJSON.decode(from: bytes, type: type).rawText
        }
        throw .mismatch(String.self, type)
    }
}

extension Int64: PostgresDecodable {
    /// Decodes int2, int4, int8 and oid.
    public static func decode(from bytes: ArraySlice<UInt8>, type: PostgresDataType)
        throws(PostgresDecodingFailure) -> Int64
    {
        switch (type, bytes.count) {
        case (.int8, 8): return bytes.readBigEndian(Int64.self)
        case (.int4, 4): return Int64(bytes.readBigEndian(Int32.self))
        case (.int2, 2): return Int64(bytes.readBigEndian(Int16.self))
        case (.oidType, 4): return Int64(bytes.readBigEndian(UInt32.self))
        case (.int8, _), (.int4, _), (.int2, _), (.oidType, _):
            throw .badLength(type, bytes.count)
        default: throw .mismatch(Int64.self, type)
        }
    }
}

extension Int: PostgresDecodable {
    public static func decode(from bytes: ArraySlice<UInt8>, type: PostgresDataType)
        throws(PostgresDecodingFailure) -> Int
    {
        Int(try Int64.decode(from: bytes, type: type))
    }
}

extension Int32: PostgresDecodable {
    public static func decode(from bytes: ArraySlice<UInt8>, type: PostgresDataType)
        throws(PostgresDecodingFailure) -> Int32
    {
        let wide = try Int64.decode(from: bytes, type: type)
        guard let value = Int32(exactly: wide) else {
            throw PostgresDecodingFailure("value does not fit in Int32")
        }
        return value
    }
}

extension Int16: PostgresDecodable {
    public static func decode(from bytes: ArraySlice<UInt8>, type: PostgresDataType)
        throws(PostgresDecodingFailure) -> Int16
    {
        let wide = try Int64.decode(from: bytes, type: type)
        guard let value = Int16(exactly: wide) else {
            throw PostgresDecodingFailure("value does not fit in Int16")
        }
        return value
    }
}

extension Bool: PostgresDecodable {
    public static func decode(from bytes: ArraySlice<UInt8>, type: PostgresDataType)
        throws(PostgresDecodingFailure) -> Bool
    {
        guard type == .bool else { throw .mismatch(Bool.self, type) }
        guard bytes.count == 1 else { throw .badLength(type, bytes.count) }
        return bytes[bytes.startIndex] != 0
    }
}

extension Double: PostgresDecodable {
    /// Decodes float8 and float4 (numeric: cast to float8 or text in SQL).
    public static func decode(from bytes: ArraySlice<UInt8>, type: PostgresDataType)
        throws(PostgresDecodingFailure) -> Double
    {
        switch (type, bytes.count) {
        case (.float8, 8): return Double(bitPattern: bytes.readBigEndian(UInt64.self))
        case (.float4, 4): return Double(Float(bitPattern: bytes.readBigEndian(UInt32.self)))
        case (.float8, _), (.float4, _): throw .badLength(type, bytes.count)
        default: throw .mismatch(Double.self, type)
        }
    }
}

extension Date: PostgresDecodable {
    /// Decodes timestamptz and timestamp (taken as UTC), to the microsecond; ±infinity become
    /// `distantFuture` / `distantPast`.
    public static func decode(from bytes: ArraySlice<UInt8>, type: PostgresDataType)
        throws(PostgresDecodingFailure) -> Date
    {
        guard type == .timestamptz || type == .timestamp else { throw .mismatch(Date.self, type) }
        guard bytes.count == 8 else { throw .badLength(type, bytes.count) }
        let micros = bytes.readBigEndian(Int64.self)
        if micros == .max { return .distantFuture }
        if micros == .min { return .distantPast }
        let seconds = Double(micros / 1_000_000) + Double(micros % 1_000_000) / 1_000_000
        return Date(timeIntervalSince1970: seconds + Date.postgresEpochOffset)
    }
}

extension UUID: PostgresDecodable {
    public static func decode(from bytes: ArraySlice<UInt8>, type: PostgresDataType)
        throws(PostgresDecodingFailure) -> UUID
    {
        guard type == .uuid else { throw .mismatch(UUID.self, type) }
        guard bytes.count == 16 else { throw .badLength(type, bytes.count) }
        var value = UUID().uuid
        withUnsafeMutableBytes(of: &value) { raw in
            for (offset, byte) in bytes.enumerated() { raw[offset] = byte }
        }
        return UUID(uuid: value)
    }
}

extension Data: PostgresDecodable {
    public static func decode(from bytes: ArraySlice<UInt8>, type: PostgresDataType)
        throws(PostgresDecodingFailure) -> Data
    {
        guard type == .bytea else { throw .mismatch(Data.self, type) }
        return Data(bytes)
    }
}
