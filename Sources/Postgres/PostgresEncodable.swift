import Foundation

/// A Swift value that can be bound as a query parameter, in PostgreSQL's binary format.
///
/// Conforming types: `String`, `Int`, `Int32`, `Int64`, `Bool`, `Double`, `Date` (timestamptz),
/// `UUID`, `Data` and `[UInt8]` (bytea), `PostgresJSON` (jsonb), arrays of those element types
/// (`[String]` is text[]), and `Optional` of any of them (NULL).
public protocol PostgresEncodable: Sendable {
    /// The PostgreSQL type the value is sent as.
    static var postgresType: PostgresDataType { get }
    /// Appends the binary representation of the value to `buffer`.
    func encode(into buffer: inout [UInt8])
}

extension FixedWidthInteger {
    /// Appends the value in network byte order.
    @inline(__always)
    func appendBigEndian(to buffer: inout [UInt8]) {
        withUnsafeBytes(of: self.bigEndian) { buffer.append(contentsOf: $0) }
    }
}

extension String: PostgresEncodable {
    public static var postgresType: PostgresDataType { .text }
    public func encode(into buffer: inout [UInt8]) {
        var copy = self
        copy.withUTF8 { buffer.append(contentsOf: $0) }
    }
}

extension Int: PostgresEncodable {
    public static var postgresType: PostgresDataType { .int8 }
    public func encode(into buffer: inout [UInt8]) { Int64(self).appendBigEndian(to: &buffer) }
}

extension Int64: PostgresEncodable {
    public static var postgresType: PostgresDataType { .int8 }
    public func encode(into buffer: inout [UInt8]) { appendBigEndian(to: &buffer) }
}

extension Int32: PostgresEncodable {
    public static var postgresType: PostgresDataType { .int4 }
    public func encode(into buffer: inout [UInt8]) { appendBigEndian(to: &buffer) }
}

extension Int16: PostgresEncodable {
    public static var postgresType: PostgresDataType { .int2 }
    public func encode(into buffer: inout [UInt8]) { appendBigEndian(to: &buffer) }
}

extension Bool: PostgresEncodable {
    public static var postgresType: PostgresDataType { .bool }
    public func encode(into buffer: inout [UInt8]) { buffer.append(self ? 1 : 0) }
}

extension Double: PostgresEncodable {
    public static var postgresType: PostgresDataType { .float8 }
    public func encode(into buffer: inout [UInt8]) { bitPattern.appendBigEndian(to: &buffer) }
}

extension Date: PostgresEncodable {
    /// Seconds from 1970-01-01 (Unix epoch) to 2000-01-01 (PostgreSQL epoch).
    static let postgresEpochOffset: Double = 946_684_800

    public static var postgresType: PostgresDataType { .timestamptz }
    /// Microseconds since 2000-01-01 UTC, rounded to the nearest microsecond.
    public func encode(into buffer: inout [UInt8]) {
        let micros = ((timeIntervalSince1970 - Self.postgresEpochOffset) * 1_000_000).rounded()
        Int64(micros).appendBigEndian(to: &buffer)
    }
}

extension UUID: PostgresEncodable {
    public static var postgresType: PostgresDataType { .uuid }
    public func encode(into buffer: inout [UInt8]) {
        withUnsafeBytes(of: uuid) { buffer.append(contentsOf: $0) }
    }
}

extension Data: PostgresEncodable {
    public static var postgresType: PostgresDataType { .bytea }
    public func encode(into buffer: inout [UInt8]) { buffer.append(contentsOf: self) }
}
