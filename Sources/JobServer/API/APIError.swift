import HTTP1
import JobCore

/// An error answered with the envelope `{"result":"exception","code":...,"message":...}`: the
/// contract's code, its HTTP status, and a message that says what was wrong and where.
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: Int
    public var status: HTTPStatus
    public var message: String
    /// Extra response headers (`WWW-Authenticate`, `Retry-After`).
    public var headers: [String: String] = [:]

    public init(code: Int, status: HTTPStatus, message: String, headers: [String: String] = [:]) {
        self.code = code
        self.status = status
        self.message = message
        self.headers = headers
    }

    public var description: String { "\(code): \(message)" }

    /// 2000: a required field is missing.
    static func missing(_ field: String) -> APIError {
        APIError(code: 2000, status: .unprocessableContent, message: "field \(field) is required")
    }
    /// 2001: a field has the wrong type or is out of range.
    static func invalid(_ field: String, _ expectation: String) -> APIError {
        APIError(code: 2001, status: .unprocessableContent, message: "field \(field) must be \(expectation)")
    }
    /// 2002: the body is not JSON, not UTF-8, or not sent as application/json.
    static func badBody(_ reason: String) -> APIError {
        APIError(code: 2002, status: .badRequest, message: reason)
    }
    /// 3000: the service is not one the server accepts.
    static func unsupportedService(_ name: String) -> APIError {
        APIError(code: 3000, status: .unprocessableContent, message: "service not support: \(name)")
    }
    /// 4000: no such task (or another user's: never revealed).
    static func taskNotFound(_ id: String) -> APIError {
        APIError(code: 4000, status: .notFound, message: "task not found: \(id)")
    }
    /// 4001: the task's status does not allow the operation.
    static func conflict(_ id: String, _ status: TaskStatus, _ operation: String) -> APIError {
        APIError(code: 4001, status: .conflict, message: "cannot \(operation) task \(id) while it is \(status.rawValue)")
    }
    /// 4002: too many items in one request.
    static func tooMany(_ field: String, max: Int) -> APIError {
        APIError(code: 4002, status: .unprocessableContent, message: "too many items in \(field): at most \(max)")
    }
    /// 403: authenticated but not allowed.
    static func forbidden(_ what: String) -> APIError {
        APIError(code: 403, status: .forbidden, message: "not allowed: \(what)")
    }
    /// 5030: the database is unavailable; retry later.
    static let unavailable = APIError(
        code: 5030, status: .serviceUnavailable, message: "database unavailable, retry later", headers: ["Retry-After": "1"])
    /// 500: a bug; the log has the details under the request id.
    static func internalError(requestID: String) -> APIError {
        APIError(code: 500, status: .internalServerError, message: "internal error (request id \(requestID))")
    }
}
