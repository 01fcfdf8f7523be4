import Glibc

/// One keep-alive HTTP/1.1 connection on a blocking socket, used from one thread. Enough for a
/// load generator: POST with Content-Length, response framed by Content-Length.
final class BlockingHTTPClient {
    struct Failure: Error, CustomStringConvertible { var description: String }

    private let port: UInt16
    private var fd: Int32 = -1
    private var buffer: [UInt8] = []
    /// One receive buffer for the connection's life: a fresh zeroed 64 KiB per recv(2) was the
    /// load generator's top CPU cost (memset) and took cores from the stack it measures.
    private var chunk = [UInt8](repeating: 0, count: 65_536)

    init(port: UInt16) { self.port = port }
    deinit { if fd >= 0 { close(fd) } }

    private func connect() throws {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard socketFD >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            let code = errno
            close(socketFD)
            throw Failure(description: "connect: errno \(code)")
        }
        var one: Int32 = 1
        setsockopt(socketFD, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        fd = socketFD
        buffer.removeAll(keepingCapacity: true)
    }

    /// Sends `request` (a complete HTTP request) and returns status and body; reconnects once
    /// when the server closed the idle connection.
    func exchange(_ request: [UInt8]) throws -> (status: Int, body: [UInt8]) {
        if fd < 0 { try connect() }
        do {
            return try exchangeOnce(request)
        } catch {
            close(fd)
            fd = -1
            try connect()
            return try exchangeOnce(request)
        }
    }

    private func exchangeOnce(_ request: [UInt8]) throws -> (status: Int, body: [UInt8]) {
        var sent = 0
        try request.withUnsafeBytes { raw in
            while sent < raw.count {
                let n = send(fd, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                if n < 0 { if errno == EINTR { continue }; throw Failure(description: "send: errno \(errno)") }
                sent += n
            }
        }
        var headerEnd: Int?
        while true {
            if let end = Self.find(buffer) { headerEnd = end; break }
            try fill()
        }
        let head = String(decoding: buffer[..<headerEnd!], as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        guard let first = lines.first, first.count >= 12, let status = Int(first.dropFirst(9).prefix(3)) else {
            throw Failure(description: "bad status line")
        }
        var length = 0
        for line in lines.dropFirst() where line.lowercased().hasPrefix("content-length:") {
            length = Int(line.dropFirst(15).trimmingCharacters(in: " ")) ?? 0
        }
        let bodyStart = headerEnd! + 4
        while buffer.count < bodyStart + length { try fill() }
        let body = Array(buffer[bodyStart..<(bodyStart + length)])
        buffer.removeFirst(bodyStart + length)
        return (status, body)
    }

    private func fill() throws {
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n < 0 && errno == EINTR { return }
        guard n > 0 else { throw Failure(description: n == 0 ? "connection closed" : "recv: errno \(errno)") }
        buffer.append(contentsOf: chunk[..<n])
    }

    private static func find(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0...(bytes.count - 4) where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
            return i
        }
        return nil
    }
}

extension Substring {
    func trimmingCharacters(in character: Character) -> Substring {
        var value = self
        while value.first == character { value = value.dropFirst() }
        while value.last == character { value = value.dropLast() }
        return value
    }
}
