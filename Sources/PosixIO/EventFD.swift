import CLinuxShims
import Glibc

/// A non-blocking, close-on-exec eventfd: another thread's way to wake an epoll loop.
public final class EventFD: Sendable {
    /// The descriptor, to register with ``Epoll`` for `.readable`.
    public let fd: Int32

    /// Creates the eventfd with a zero counter.
    public init() throws(SystemError) {
        fd = try systemCall("eventfd") { cshim_eventfd_nonblocking(0) }
    }

    deinit { close(fd) }

    /// Makes the descriptor readable (safe from any thread).
    public func signal() {
        var one: UInt64 = 1
        // EAGAIN means the counter is saturated: already readable, which is all we want.
        _ = try? nonBlockingSystemCall("write(eventfd)") { write(fd, &one, 8) }
    }

    /// Resets the counter so the descriptor is no longer readable.
    public func drain() {
        var value: UInt64 = 0
        _ = try? nonBlockingSystemCall("read(eventfd)") { read(fd, &value, 8) }
    }
}
