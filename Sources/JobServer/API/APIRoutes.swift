import Foundation
import HTTP1
import JobCore
import Logging
import Postgres

/// The `/api/` routes: each authenticates the caller, checks the caller's role, parses the
/// parameters, runs its handler, and answers every failure with the contract's envelope.
public enum APIRoutes {
    /// The API paths and the roles that may call each (admins may call everything).
    static let table: [(path: String, consumer: Bool, handler: @Sendable (APICall) async throws -> HTTPResponse)] = [
        ("/api/create_task", false, CreateTaskHandler.handle),
        ("/api/status_task", true, TaskQueryHandlers.status),
        ("/api/update_status_task", true, TaskActionHandlers.updateStatus),
        ("/api/result_task", true, TaskQueryHandlers.result),
        ("/api/tasks", false, TaskQueryHandlers.list),
        ("/api/start_task", false, TaskActionHandlers.start),
        ("/api/update_task", false, TaskActionHandlers.update),
        ("/api/service_task", false, CatalogHandlers.services),
        ("/api/cancel_task", false, TaskActionHandlers.cancel),
        ("/api/rerun_task", false, TaskActionHandlers.rerun),
        ("/api/copy_task", false, TaskActionHandlers.copy),
        ("/api/delete_task", false, TaskActionHandlers.delete),
        ("/api/summary", false, CatalogHandlers.summary),
        ("/api/workers", false, WorkerHandlers.list),
        ("/api/worker_control", false, WorkerHandlers.control),
    ]

    /// Every API path (all `POST`), in table order; docs/openapi.yaml lists the same (a test
    /// keeps them equal).
    public static var paths: [String] { table.map(\.path) }

    /// Adds every API route to `router`.
    public static func register(on router: inout Router, context: APIContext) {
        for route in table {
            let handler = route.handler
            let consumerAllowed = route.consumer
            let path = route.path
            router.on(.post, path) { request in
                let started = ContinuousClock.now
                let response = await respond(to: request, context: context, consumerAllowed: consumerAllowed, handler: handler)
                context.metrics.recordRequest(route: path, status: response.status.code, duration: .now - started)
                return response
            }
        }
    }

    /// Errors the HTTP layer answers itself, in the contract's envelope: a body over
    /// `server.max_body_bytes` is code 4130; other statuses use their number as the code.
    public static let serverErrorResponse: HTTPErrorResponder = { status, message in
        APIError(code: status.code == 413 ? 4130 : status.code, status: status, message: message).response
    }

    static func respond(
        to request: HTTPRequest, context: APIContext, consumerAllowed: Bool,
        handler: @Sendable (APICall) async throws -> HTTPResponse
    ) async -> HTTPResponse {
        let caller: AuthenticatedUser
        switch await context.authenticator.authenticate(request) {
        case .success(let user): caller = user
        case .failure(let failure): return APIError(failure).response
        }
        var response: HTTPResponse
        do {
            if caller.role == .consumer && !consumerAllowed {
                throw APIError.forbidden("a consumer may call only status_task, update_status_task and result_task")
            }
            let call = APICall(request: request, caller: caller, parameters: try APIParameters.parse(request), context: context)
            response = try await handler(call)
        } catch let error as APIError {
            response = error.response
        } catch let error as PostgresError where error.isUnavailable {
            context.logger.warning("database unavailable", metadata: ["request_id": "\(request.requestID)", "error": "\(error)"])
            response = APIError.unavailable.response
        } catch {
            context.logger.error("request failed", metadata: ["request_id": "\(request.requestID)", "error": "\(error)"])
            response = APIError.internalError(requestID: request.requestID).response
        }
        response.logMetadata["user"] = "\(caller.name)"
        return response
    }
}

extension APIError {
    /// The envelope for an authentication failure (401 with the Basic challenge, 2100, or 5030).
    init(_ failure: AuthFailure) {
        var headers: [String: String] = [:]
        if let challenge = failure.challenge { headers["WWW-Authenticate"] = challenge }
        if let seconds = failure.retryAfterSeconds { headers["Retry-After"] = String(seconds) }
        self.init(code: failure.code, status: HTTPStatus(code: failure.httpStatus), message: failure.message, headers: headers)
    }
}

extension PostgresError {
    /// Whether the failure means the database cannot be reached right now (answered 503 / 5030).
    var isUnavailable: Bool {
        switch code {
        case .connectionFailed, .connectionLost, .poolExhausted, .closed: return true
        default:
            return sqlState == .adminShutdown || sqlState == .cannotConnectNow
        }
    }
}
