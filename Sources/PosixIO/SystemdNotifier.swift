import CLinuxShims
import Foundation
import Glibc

/// `sd_notify` without libsystemd: sends `READY=1`, `STOPPING=1`, `WATCHDOG=1`, `STATUS=...`
/// as a datagram to `$NOTIFY_SOCKET` (a path, or `@name` in the abstract namespace). Without
/// that variable (not under systemd `Type=notify`) every call does nothing.
public struct SystemdNotifier: Sendable {
    private let socketPath: String?
    /// The watchdog interval systemd asked for (`WATCHDOG_USEC`), if any: notify at half of it.
    public let watchdogInterval: Duration?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        socketPath = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        if let usec = environment["WATCHDOG_USEC"].flatMap(Int64.init), usec > 0 {
            watchdogInterval = .microseconds(usec)
        } else {
            watchdogInterval = nil
        }
    }

    /// Sends `state` (e.g. `"READY=1"`). Failures are returned, never fatal: systemd notices a
    /// missing READY by its own timeout.
    @discardableResult
    public func notify(_ state: String) -> Bool {
        guard let socketPath else { return false }
        guard let fd = try? systemCall("socket", { cshim_socket_nonblocking(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0) }) else {
            return false
        }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var path = Array(socketPath.utf8)
        if path.first == UInt8(ascii: "@") { path[0] = 0 }  // abstract namespace
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in path.enumerated() { raw[i] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + path.count)
        let sent = state.utf8CString.withUnsafeBytes { bytes in
            withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, bytes.baseAddress, bytes.count - 1, Int32(MSG_NOSIGNAL), $0, length)
                }
            }
        }
        return sent == state.utf8.count
    }
}
