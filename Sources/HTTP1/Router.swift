import Logging

/// Routes requests by method and exact path to `async` handlers.
///
/// A path with no route is answered 404; a path whose routes do not include the method is
/// answered 405 with `Allow`. `HEAD` falls back to the `GET` handler (the server drops the body).
///
/// ```swift
/// var router = Router()
/// router.on(.get, "/health") { _ in try .json(["status": "ok"]) }
/// router.on(.post, "/api/create_task") { request in ... }
/// ```
public struct Router: Sendable {
    /// A request handler. It runs on Swift's concurrency pool, never on an event-loop thread.
    public typealias Handler = @Sendable (HTTPRequest) async throws -> HTTPResponse

    private var routes: [String: [HTTPMethod: Handler]] = [:]

    /// Creates a router with no routes.
    public init() {}

    /// Registers `handler` for `method` on `path` (exact match, no query), replacing any
    /// previous handler for the same pair.
    public mutating func on(_ method: HTTPMethod, _ path: String, _ handler: @escaping Handler) {
        routes[path, default: [:]][method] = handler
    }

    /// The methods allowed on `path` (with `HEAD` when `GET` is routed), sorted; empty if none.
    public func allowedMethods(for path: String) -> [HTTPMethod] {
        guard let methods = routes[path] else { return [] }
        var allowed = Set(methods.keys)
        if allowed.contains(.get) { allowed.insert(.head) }
        return allowed.sorted { $0.rawValue < $1.rawValue }
    }

    /// Answers `request`: the matching handler's response, or an error response built by
    /// `errorResponse` (404, 405 with `Allow`, a thrown ``HTTPError``, or 500 for any other error,
    /// which is logged with the request id and never shown to the client).
    public func respond(
        to request: HTTPRequest, errorResponse: HTTPErrorResponder = HTTPErrorResponses.envelope,
        logger: Logger
    ) async -> HTTPResponse {
        guard let methods = routes[request.path] else {
            return errorResponse(.notFound, "no route for \(request.method) \(request.path)")
        }
        guard let handler = methods[request.method] ?? (request.method == .head ? methods[.get] : nil) else {
            var response = errorResponse(.methodNotAllowed, "method \(request.method) not allowed on \(request.path)")
            response.headers.replaceOrAdd(
                name: "Allow", value: allowedMethods(for: request.path).map(\.rawValue).joined(separator: ", "))
            return response
        }
        do {
            return try await handler(request)
        } catch let error as HTTPError {
            return errorResponse(error.status, error.message)
        } catch {
            logger.error(
                "handler failed",
                metadata: ["request_id": "\(request.requestID)", "path": "\(request.path)", "error": "\(error)"])
            return errorResponse(.internalServerError, "internal error (request id \(request.requestID))")
        }
    }
}
