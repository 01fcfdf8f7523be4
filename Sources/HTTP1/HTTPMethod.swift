/// A request method. The parser accepts only the methods listed here (RFC 9110 plus PATCH);
/// any other well-formed token is answered with 501.
public struct HTTPMethod: Hashable, Sendable, CustomStringConvertible {
    /// The method's name, e.g. `"GET"`.
    public let rawValue: String

    private init(_ rawValue: String) { self.rawValue = rawValue }

    public static let get = HTTPMethod("GET")
    public static let head = HTTPMethod("HEAD")
    public static let post = HTTPMethod("POST")
    public static let put = HTTPMethod("PUT")
    public static let delete = HTTPMethod("DELETE")
    public static let patch = HTTPMethod("PATCH")
    public static let options = HTTPMethod("OPTIONS")
    public static let trace = HTTPMethod("TRACE")
    public static let connect = HTTPMethod("CONNECT")

    /// Every supported method.
    public static let all: [HTTPMethod] = [.get, .head, .post, .put, .delete, .patch, .options, .trace, .connect]

    /// The method whose name is exactly `bytes` (case-sensitive), or `nil`.
    static func known(_ bytes: UnsafeRawBufferPointer) -> HTTPMethod? {
        switch bytes.count {
        case 3:
            if bytes.elementsEqual("GET".utf8) { return .get }
            if bytes.elementsEqual("PUT".utf8) { return .put }
        case 4:
            if bytes.elementsEqual("POST".utf8) { return .post }
            if bytes.elementsEqual("HEAD".utf8) { return .head }
        case 5:
            if bytes.elementsEqual("PATCH".utf8) { return .patch }
            if bytes.elementsEqual("TRACE".utf8) { return .trace }
        case 6:
            if bytes.elementsEqual("DELETE".utf8) { return .delete }
        case 7:
            if bytes.elementsEqual("OPTIONS".utf8) { return .options }
            if bytes.elementsEqual("CONNECT".utf8) { return .connect }
        default: break
        }
        return nil
    }

    public var description: String { rawValue }
}
