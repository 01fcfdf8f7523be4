/// An error a handler throws to answer with a given status and message.
///
/// The router turns it into a response through the server's ``HTTPServerConfiguration/errorResponse``
/// (by default the JSON envelope `{"result":"exception","code":<status>,"message":...}`).
///
/// ```swift
/// throw HTTPError(.notFound, "task not found")
/// ```
public struct HTTPError: Error, Sendable, Equatable {
    /// The status to answer with.
    public var status: HTTPStatus
    /// A message safe to show to the client.
    public var message: String

    /// Creates an error answered with `status` and `message`.
    public init(_ status: HTTPStatus, _ message: String? = nil) {
        self.status = status
        self.message = message ?? status.reason
    }
}

/// Builds the response for an error status (router misses, thrown ``HTTPError``s, unexpected
/// errors as 500, and the server's own 400 / 408 / 413 / 414 / 431 / 501 / 503 / 505).
public typealias HTTPErrorResponder = @Sendable (_ status: HTTPStatus, _ message: String) -> HTTPResponse

/// The default error responses.
public enum HTTPErrorResponses {
    /// `{"result":"exception","code":<status code>,"message":"<message>"}` as JSON.
    public static let envelope: HTTPErrorResponder = { status, message in
        var body = Array(#"{"result":"exception","code":"#.utf8)
        body.append(contentsOf: String(status.code).utf8)
        body.append(contentsOf: #","message":""#.utf8)
        JSONText.appendEscaped(message, to: &body)
        body.append(contentsOf: #""}"#.utf8)
        return HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: body)
    }
}

/// Minimal JSON text helpers for responses built without an encoder.
enum JSONText {
    /// Appends `text` escaped as the inside of a JSON string.
    static func appendEscaped(_ text: String, to output: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): output.append(contentsOf: #"\\"#.utf8)
            case UInt8(ascii: "\n"): output.append(contentsOf: #"\n"#.utf8)
            case UInt8(ascii: "\r"): output.append(contentsOf: #"\r"#.utf8)
            case UInt8(ascii: "\t"): output.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20:
                output.append(contentsOf: #"\u00"#.utf8)
                output.append(hex[Int(byte >> 4)])
                output.append(hex[Int(byte & 0xF)])
            default: output.append(byte)
            }
        }
    }
}
