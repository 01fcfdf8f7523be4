/// Why a request was not authenticated: the API code, the HTTP status and a message that is
/// safe to return to the client (it never says whether a user name exists).
///
/// The API layer answers with the envelope
/// `{"result":"exception","code":code,"message":message}`, status `httpStatus`, and, when
/// `challenge` is set, `WWW-Authenticate: <challenge>`.
public struct AuthFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure (for logs and metrics; clients see `code` and `message`).
    public enum Reason: String, Sendable, Equatable {
        /// `_` is missing or not plain decimal digits (code 2100).
        case invalidTimestamp
        /// `_` is outside the window (code 2100).
        case expired
        /// No `Authorization` header, or more than one (code 401).
        case missingCredentials
        /// Not `Basic`, bad base64, or no colon (code 401).
        case malformedCredentials
        /// Unknown user or wrong digest; deliberately one reason (code 401).
        case invalidCredentials
        /// The user database cannot be read (code 5030, HTTP 503).
        case unavailable
    }

    /// The `WWW-Authenticate` value sent with every 401.
    public static let basicChallenge = #"Basic realm="jobserver""#

    public let reason: Reason
    /// The API error code: 2100, 401 or 5030.
    public let code: Int
    /// Text for the client.
    public let message: String

    init(_ reason: Reason, message: String) {
        self.reason = reason
        self.message = message
        switch reason {
        case .invalidTimestamp, .expired: code = 2100
        case .missingCredentials, .malformedCredentials, .invalidCredentials: code = 401
        case .unavailable: code = 5030
        }
    }

    /// The HTTP status: 401, or 503 for `unavailable`.
    public var httpStatus: Int { reason == .unavailable ? 503 : 401 }

    /// The `WWW-Authenticate` value for a 401 (`Basic realm="jobserver"`); nil for a 503.
    public var challenge: String? { reason == .unavailable ? nil : Self.basicChallenge }

    /// Seconds for `Retry-After` on a 503; nil otherwise.
    public var retryAfterSeconds: Int? { reason == .unavailable ? 1 : nil }

    public var description: String { "\(code) \(reason.rawValue): \(message)" }
}
