/// Why a request could not be parsed, and the status to answer before closing the connection.
public struct HTTPParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// 400, 413, 414, 431, 501 or 505.
    public let status: HTTPStatus
    /// A short, constant explanation (safe to log and to send).
    public let reason: String

    init(_ status: HTTPStatus, _ reason: String) {
        self.status = status
        self.reason = reason
    }

    static func bad(_ reason: String) -> HTTPParseError { HTTPParseError(.badRequest, reason) }

    public var description: String { "\(status.code) \(reason)" }
}
