/// How the body of a request is delimited (RFC 9112 section 6).
enum BodyFraming: Equatable, Sendable {
    case none
    case length(Int)
    case chunked
}

/// A parsed request line and header section, with the framing decisions already made.
struct RequestHead: Equatable, Sendable {
    var method: HTTPMethod
    var target: String
    var version: HTTPVersion
    var headers: HTTPHeaders
    var framing: BodyFraming
    /// Whether the connection may stay open after this request (version default and `Connection`).
    var keepAlive: Bool
    /// Whether the client sent `Expect: 100-continue`.
    var expectsContinue: Bool
}
