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
        let media = type.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) }
        return media?.lowercased() == "application/json"
    }
}
