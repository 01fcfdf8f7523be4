import Foundation
import Glibc
import JobCore

/// One HTTP response as the client saw it.
struct HTTPReply: Sendable, CustomStringConvertible {
    var status: Int
    /// Header fields in the order received, names as sent.
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    /// The first value of header `name` (case-insensitive).
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as exact JSON (numbers kept as text).
    func json() throws -> JSONValue { try JSONParser.parse(body) }

    /// `code` of the envelope, or nil when the body is not one.
    var code: Int? {
        guard let value = try? json(), case .number(let text)? = value["code"] else { return nil }
        return Int(text)
    }

    var description: String { "HTTP \(status) \(text)" }
}

struct HTTPClientError: Error, CustomStringConvertible {
    var description: String
}

/// A deliberately small HTTP/1.1 client over a blocking loopback socket: one request per
/// connection (`Connection: close`), bytes sent exactly as given, so tests can send what no
/// well-behaved client library would (bad UTF-8, wrong content types, oversized bodies).
/// It runs on its own thread so it never blocks Swift's cooperative pool, which the server's
/// handlers need. Reads give up after 30 s: a guard against hangs, not a timing assertion.
enum RawHTTPClient {
    /// Sends `head` (request line and header lines, without the blank line) and `body`.
    static func exchange(port: UInt16, head: String, body: [UInt8]) async throws -> HTTPReply {
        let request = Array((head + "\r\n\r\n").utf8) + body
        return try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try exchangeBlocking(port: port, request: request) })
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    private static func exchangeBlocking(port: UInt16, request: [UInt8]) throws -> HTTPReply {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw HTTPClientError(description: "socket: errno \(errno)") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw HTTPClientError(description: "connect to port \(port): errno \(errno)") }
        // Send everything we can; a server that answers early (413) may close before reading
        // the whole body, so a failed send is not an error: the answer is read below.
        var offset = 0
        while offset < request.count {
            let sent = request[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0 && errno == EINTR { continue }
            if sent <= 0 { break }
            offset += sent
        }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && errno == ECONNRESET && !received.isEmpty { break }
            if count < 0 { throw HTTPClientError(description: "recv: errno \(errno) after \(received.count) bytes") }
            if count == 0 { break }
            received.append(contentsOf: chunk[0..<count])
        }
        return try parse(received)
    }

    /// Parses one response: status line, headers, and a `Content-Length` body (or the rest).
    static func parse(_ bytes: [UInt8]) throws -> HTTPReply {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = (0...max(0, bytes.count - 4)).first(where: { bytes.count >= 4 && Array(bytes[$0..<$0 + 4]) == separator }) else {
            throw HTTPClientError(description: "no complete response head in \(bytes.count) bytes")
        }
        let lines = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw HTTPClientError(description: "bad status line \(lines[0])")
        }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        var body = Array(bytes[(end + 4)...])
        if let length = headers.first(where: { $0.name.lowercased() == "content-length" }).flatMap({ Int($0.value) }), length <= body.count {
            body = Array(body[..<length])
        }
        return HTTPReply(status: status, headers: headers, body: body)
    }
}
