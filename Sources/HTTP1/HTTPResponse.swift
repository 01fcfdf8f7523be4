import Logging

/// A response: status, header fields and the whole body.
///
/// The server adds `Date`, `Content-Length`, `X-Request-Id` and, when it closes the connection,
/// `Connection: close`; any `Content-Length`, `Transfer-Encoding` or `Connection` set here is
/// replaced. A response to `HEAD` keeps its `Content-Length` and loses its body.
public struct HTTPResponse: Sendable {
    /// The status.
    public var status: HTTPStatus
    /// Header fields set by the handler.
    public var headers: HTTPHeaders
    /// The body bytes.
    public var body: [UInt8]
    /// Extra metadata for this request's access-log line (e.g. `["user": "alice"]`).
    public var logMetadata: Logger.Metadata

    /// Creates a response.
    public init(
        status: HTTPStatus = .ok, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [],
        logMetadata: Logger.Metadata = [:]
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.logMetadata = logMetadata
    }

    /// A plain-text response (`text/plain; charset=utf-8`).
    public static func text(_ text: String, status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(
            status: status, headers: ["Content-Type": "text/plain; charset=utf-8"],
            body: Array(text.utf8))
    }
}
