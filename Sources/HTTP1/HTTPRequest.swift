/// A complete request: head and the whole body (bounded by the server's body limit).
///
/// ```swift
/// router.on(.get, "/hello") { request in
///     HTTPResponse(status: .ok, body: Array("hi \(request.queryItems["name"] ?? "")".utf8))
/// }
/// ```
public struct HTTPRequest: Sendable {
    /// The method.
    public var method: HTTPMethod
    /// The request target as sent (origin form, e.g. `/api/tasks?page=2`).
    public var target: String
    /// The path part of the target, without the query (not percent-decoded).
    public var path: String
    /// The query part of the target after `?`, or `nil` (not decoded).
    public var query: String?
    /// The HTTP version of the request.
    public var version: HTTPVersion
    /// The header fields, in order, with case-insensitive lookup.
    public var headers: HTTPHeaders
    /// The body bytes (empty when the request has none).
    public var body: [UInt8]
    /// The request id: the client's `X-Request-Id` if it sent a usable one, else a new one.
    /// Every response carries it back in `X-Request-Id`.
    public var requestID: String

    /// Creates a request, splitting `target` into path and query.
    public init(
        method: HTTPMethod, target: String, version: HTTPVersion = .http1_1,
        headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [], requestID: String = "-"
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
        self.requestID = requestID
        if let question = target.utf8.firstIndex(of: UInt8(ascii: "?")) {
            path = String(target[..<question])
            query = String(target[target.index(after: question)...])
        } else {
            path = target
            query = nil
        }
    }

    /// The query items, percent-decoded (`+` as space), in order; repeated names are kept.
    public var queryItems: QueryItems { QueryItems(query ?? "") }
}
