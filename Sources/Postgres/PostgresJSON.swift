import Foundation

/// JSON text bound as jsonb, and jsonb / json columns decoded as their raw text.
///
/// The raw text is passed through untouched, so numbers keep every digit. Encoding and decoding
/// `Codable` values goes through Foundation's JSON coders only when asked for.
///
/// ```swift
/// try await conn.query("UPDATE tasks SET result = \(PostgresJSON(rawText: #"{"n": 1}"#))")
/// try await conn.query("UPDATE tasks SET condition = \(try PostgresJSON(encoding: condition))")
/// let condition = try row.decode("condition", as: PostgresJSON.self).decode(Condition.self)
/// ```
public struct PostgresJSON: Sendable, Hashable, CustomStringConvertible {
    /// The JSON document as text (as the server printed it, for decoded values).
    public var rawText: String

    /// Wraps JSON text; the server validates it when the statement runs.
    public init(rawText: String) { self.rawText = rawText }

    /// Encodes `value` with `JSONEncoder`.
    public init<Value: Encodable>(encoding value: Value, encoder: JSONEncoder = JSONEncoder())
        throws
    {
        rawText = String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Decodes the JSON text with `JSONDecoder`.
    public func decode<Value: Decodable>(
        _ type: Value.Type, decoder: JSONDecoder = JSONDecoder()
    ) throws -> Value {
        try decoder.decode(type, from: Data(rawText.utf8))
    }

    public var description: String { rawText }
}

extension PostgresJSON: PostgresEncodable {
    public static var postgresType: PostgresDataType { .jsonb }
    /// jsonb binary format: version byte 1, then the text.
    public func encode(into buffer: inout [UInt8]) {
        buffer.append(1)
        rawText.encode(into: &buffer)
    }
}

extension PostgresJSON: PostgresDecodable {
    /// Decodes jsonb (skipping its version byte), json and text columns.
    public static func decode(from bytes: ArraySlice<UInt8>, type: PostgresDataType)
        throws(PostgresDecodingFailure) -> PostgresJSON
    {
        switch type {
        case .jsonb:
            guard let version = bytes.first, version == 1 else {
                throw PostgresDecodingFailure("unsupported jsonb binary format version")
            }
            return PostgresJSON(rawText: String(decoding: bytes.dropFirst(), as: UTF8.self))
        case .json, .text, .varchar:
            return PostgresJSON(rawText: String(decoding: bytes, as: UTF8.self))
        default:
            throw .mismatch(PostgresJSON.self, type)
        }
    }
}
