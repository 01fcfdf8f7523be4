import Foundation
import HTTP1

extension Authenticator {
    /// Authenticates `request` from its `Authorization` header and `_` query parameter. More than
    /// one `Authorization` header counts as missing credentials.
    ///
    /// ```swift
    /// let user: AuthenticatedUser
    /// switch await authenticator.authenticate(request) {
    /// case .success(let found): user = found
    /// case .failure(let failure): return apiError(failure)   // 401 / 2100 / 5030 envelope
    /// }
    /// ```
    public func authenticate(_ request: HTTPRequest, now: Date = Date()) async -> Result<AuthenticatedUser, AuthFailure> {
        let values = request.headers.values(for: "Authorization")
        return await authenticate(
            authorization: values.count == 1 ? values[0] : nil,
            timestampParameter: request.queryItems["_"], now: now)
    }
}
