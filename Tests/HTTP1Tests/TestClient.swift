import Foundation
import Glibc
import PosixIO

@testable import HTTP1

/// Runs blocking client code on its own thread, so it never blocks Swift's cooperative pool
/// (which the server's handlers need).
func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.stackSize = 1 << 20
        thread.start()
    }
}

struct TestResponse {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]
    var text: String { String(decoding: body, as: UTF8.self) }
}

struct ClientError: Error, CustomStringConvertible {
    var description: String
}

/// A blocking HTTP/1.1 test client over one loopback connection. Reads give up after 20 s
/// (a safety net against hangs, not a timing assertion).
final class TestClient {
    let socket: Socket
    private var buffer: [UInt8] = []

    init(port: UInt16) throws {
        socket = try Socket.connect(host: "127.0.0.1", port: port)
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        _ = setsockopt(socket.fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    func send(_ text: String) throws { try socket.writeAll(Array(text.utf8)) }
    func send(_ bytes: [UInt8]) throws { try socket.writeAll(bytes) }

    /// Reads more bytes; false at end of stream.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let count = try chunk.withUnsafeMutableBytes { raw -> Int? in
            do { return try socket.read(into: raw) } catch let error as SystemError where error.errno == ECONNRESET { return 0 }
        }
        guard let count else { throw ClientError(description: "read timed out") }
        buffer.append(contentsOf: chunk[0..<count])
        return count > 0
    }

    /// Reads one response; `nil` if the connection closed before any byte of it.
    func readResponse(head: Bool = false) throws -> TestResponse? {
        var end: Int?
        while true {
            if let found = findHeadEnd() { end = found; break }
            guard try fill() else {
                if buffer.isEmpty { return nil }
                throw ClientError(description: "closed mid-response: \(String(decoding: buffer, as: UTF8.self))")
            }
        }
        let headText = String(decoding: buffer[0..<end!], as: UTF8.self)
        buffer.removeFirst(end! + 4)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, statusLine[0] == "HTTP/1.1", let status = Int(statusLine[1]) else {
            throw ClientError(description: "bad status line in \(headText)")
        }
        var headers = HTTPHeaders()
        for line in lines {
            let parts = line.split(separator: ":", maxSplits: 1)
            headers.add(name: String(parts[0]), value: parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : "")
        }
        let length = head || status < 200 || status == 204 ? 0 : Int(headers["Content-Length"] ?? "0")!
        while buffer.count < length {
            guard try fill() else { throw ClientError(description: "closed mid-body") }
        }
        let body = Array(buffer[0..<length])
        buffer.removeFirst(length)
        return TestResponse(status: status, headers: headers, body: body)
    }

    /// Reads a response that must be there.
    func response(head: Bool = false) throws -> TestResponse {
        guard let response = try readResponse(head: head) else { throw ClientError(description: "connection closed") }
        return response
    }

    /// Whether the server closed the connection (reads to end of stream, discarding bytes).
    func readsEndOfStream() throws -> Bool {
        buffer.removeAll()
        while try fill() { buffer.removeAll() }
        return true
    }

    private func findHeadEnd() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for index in 0...(buffer.count - 4)
        where buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13 && buffer[index + 3] == 10 {
            return index
        }
        return nil
    }
}
