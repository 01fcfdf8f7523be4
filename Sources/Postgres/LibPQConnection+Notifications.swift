import CLibPQ
import Glibc

/// A notification received on a `LISTEN`ing connection.
public struct PostgresNotification: Sendable, Hashable {
    /// The channel name, as given to `NOTIFY` / `pg_notify`.
    public var channel: String
    /// The payload ("" when none was given).
    public var payload: String
    /// The process id of the notifying backend.
    public var processID: Int32
}

extension LibPQConnection {
    /// Waits up to `timeoutMilliseconds` for the socket to become readable (poll, retrying
    /// EINTR). Returns true when readable (or on error / hang-up, which the next read reports).
    func waitReadable(timeoutMilliseconds: Int32) -> Bool {
        Self.pollReadable(socket: socket, timeoutMilliseconds: timeoutMilliseconds)
    }

    static func pollReadable(socket: Int32, timeoutMilliseconds: Int32) -> Bool {
        guard socket >= 0 else { return true }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        while true {
            let result = poll(&descriptor, 1, timeoutMilliseconds)
            if result >= 0 { return result > 0 }
            if errno != EINTR { return true }
        }
    }

    /// Reads whatever the server sent (notifications, notices, or a FATAL error and EOF).
    /// Returns false when the connection is broken.
    func consumeInput() -> Bool {
        PQconsumeInput(conn) == 1 && isConnected
    }

    /// Takes the notifications libpq has queued, freeing each one.
    func takeNotifications() -> [PostgresNotification] {
        var result: [PostgresNotification] = []
        while let notify = PQnotifies(conn) {
            // "After processing a PGnotify object returned by PQnotifies, be sure to free it
            // with PQfreemem."
            defer { PQfreemem(notify) }
            result.append(
                PostgresNotification(
                    channel: String(cString: notify.pointee.relname),
                    payload: notify.pointee.extra.map { String(cString: $0) } ?? "",
                    processID: notify.pointee.be_pid))
        }
        return result
    }

    /// Quotes `identifier` for use as a SQL identifier (PQescapeIdentifier).
    func escapeIdentifier(_ identifier: String) throws(PostgresError) -> String {
        let utf8 = Array(identifier.utf8)
        let escaped = utf8.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                PQescapeIdentifier(conn, $0.baseAddress, $0.count)
            }
        }
        guard let escaped else {
            throw PostgresError(code: .invalidConfiguration, message: errorMessage)
        }
        defer { PQfreemem(escaped) }
        return String(cString: escaped)
    }
}
