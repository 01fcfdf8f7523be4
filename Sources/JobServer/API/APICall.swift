import HTTP1
import JobCore
import JobStore

/// One authenticated API call, as a handler sees it.
struct APICall: Sendable {
    let request: HTTPRequest
    let caller: AuthenticatedUser
    let parameters: APIParameters
    let context: APIContext

    /// Whose tasks the caller may see and act on: admins and consumers all, users their own.
    var scope: TaskScope {
        caller.role == .user ? .owner(caller.name) : .all
    }
}
