import PosixIO

/// One accepted connection: its socket, protocol state machine and pending output.
/// Owned and used by one event loop only.
final class ServerConnection {
    /// What the access log needs about the request being handled.
    struct InFlight {
        var method: HTTPMethod
        var path: String
        var requestID: String
        var start: MonotonicTime
        var omitBody: Bool
        var keepAliveHTTP10: Bool
    }

    let socket: Socket
    let token: UInt64
    var machine: ConnectionStateMachine
    var output: [UInt8] = []
    var outputOffset = 0
    /// After the pending output is written: shut down writing and linger.
    var closeAfterFlush = false
    /// epoll said readable and no read has returned EAGAIN since (edge-triggered).
    var readable = false
    var inFlight: InFlight?

    init(socket: Socket, token: UInt64, machine: ConnectionStateMachine) {
        self.socket = socket
        self.token = token
        self.machine = machine
    }

    /// Writes pending output. Returns false on a write error (the connection must close).
    func flush(now: MonotonicTime) -> Bool {
        while outputOffset < output.count {
            let written: Int?
            do {
                written = try output.withUnsafeBytes { raw throws(SystemError) in
                    try socket.write(UnsafeRawBufferPointer(rebasing: raw[outputOffset...]))
                }
            } catch {
                return false
            }
            guard let written else {
                machine.outputBlocked(now: now)
                return true
            }
            outputOffset += written
        }
        if output.capacity > 256 * 1024 {
            output = []
        } else {
            output.removeAll(keepingCapacity: true)
        }
        outputOffset = 0
        machine.outputDrained()
        return true
    }

    var hasPendingOutput: Bool { outputOffset < output.count }
}
