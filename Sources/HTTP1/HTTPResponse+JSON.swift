import Foundation

extension HTTPResponse {
    /// A JSON response (`application/json`) encoding `value`.
    ///
    /// - Throws: the encoder's error if `value` cannot be encoded.
    public static func json<Value: Encodable>(
        _ value: Value, status: HTTPStatus = .ok, encoder: JSONEncoder = JSONEncoder()
    ) throws -> HTTPResponse {
        HTTPResponse(
            status: status, headers: ["Content-Type": "application/json"],
            body: Array(try encoder.encode(value)))
    }

    /// A JSON response whose body is already-encoded JSON bytes.
    public static func json(bytes: [UInt8], status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: bytes)
    }
}

extension HTTPRequest {
    /// Decodes the body as JSON.
    ///
    /// - Throws: ``HTTPError`` 400 if the body is not valid JSON for `type`.
    public func decodeJSON<Value: Decodable>(
        _ type: Value.Type, decoder: JSONDecoder = JSONDecoder()
    ) throws -> Value {
        do {
            return try decoder.decode(type, from: Data(body))
        } catch {
            throw HTTPError(.badRequest, "body is not valid JSON")
        }
    }

    /// Whether `Content-Type` is `application/json` (parameters such as `charset` allowed).
    public var hasJSONContentType: Bool {
        guard let type = headers["Content-Type"] else { return false }
        // Bytes, not Foundation's trimming and lowercasing: this runs for every API request.
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        var media = type.utf8.prefix { $0 != UInt8(ascii: ";") }[...]
        while let first = media.first, isSpace(first) { media = media.dropFirst() }
        while let last = media.last, isSpace(last) { media = media.dropLast() }
        let expected = "application/json".utf8
        return media.count == expected.count
            && zip(media, expected).allSatisfy { byte, wanted in
                (UInt8(ascii: "A")...UInt8(ascii: "Z") ~= byte ? byte | 0x20 : byte) == wanted
            }
    }
}
