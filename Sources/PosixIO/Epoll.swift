import CLinuxShims
import Glibc

/// An epoll instance (close-on-exec). Owned by one event-loop thread.
///
/// Each registered descriptor carries a 64-bit token that `wait` hands back with its events.
public final class Epoll {
    /// Readiness flags, as `epoll_event.events`.
    public struct Events: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let readable = Events(rawValue: cshim_EPOLLIN)
        public static let writable = Events(rawValue: cshim_EPOLLOUT)
        public static let error = Events(rawValue: cshim_EPOLLERR)
        public static let hangUp = Events(rawValue: cshim_EPOLLHUP)
        public static let readHangUp = Events(rawValue: cshim_EPOLLRDHUP)
        public static let edgeTriggered = Events(rawValue: cshim_EPOLLET)
        public static let exclusive = Events(rawValue: cshim_EPOLLEXCLUSIVE)
    }

    /// The epoll descriptor.
    public let fd: Int32
    private let capacity: Int
    private let events: UnsafeMutablePointer<UInt32>
    private let tokens: UnsafeMutablePointer<UInt64>

    /// Creates an epoll instance that reports at most `capacity` (≤ 256) descriptors per wait.
    public init(capacity: Int = 256) throws(SystemError) {
        fd = try systemCall("epoll_create1") { cshim_epoll_create_cloexec() }
        self.capacity = min(capacity, 256)
        events = .allocate(capacity: self.capacity)
        tokens = .allocate(capacity: self.capacity)
    }

    deinit {
        events.deallocate()
        tokens.deallocate()
        close(fd)
    }

    /// Registers `descriptor` for `interest`, reported with `token`.
    public func add(_ descriptor: Int32, interest: Events, token: UInt64) throws(SystemError) {
        _ = try systemCall("epoll_ctl(ADD)") {
            cshim_epoll_ctl(fd, EPOLL_CTL_ADD, descriptor, interest.rawValue, token)
        }
    }

    /// Changes the interest of a registered descriptor.
    public func modify(_ descriptor: Int32, interest: Events, token: UInt64) throws(SystemError) {
        _ = try systemCall("epoll_ctl(MOD)") {
            cshim_epoll_ctl(fd, EPOLL_CTL_MOD, descriptor, interest.rawValue, token)
        }
    }

    /// Unregisters a descriptor (closing it also does).
    public func remove(_ descriptor: Int32) throws(SystemError) {
        _ = try systemCall("epoll_ctl(DEL)") {
            cshim_epoll_ctl(fd, EPOLL_CTL_DEL, descriptor, 0, 0)
        }
    }

    /// Waits up to `timeoutMilliseconds` (-1: forever) and calls `body(token, events)` for each
    /// ready descriptor. Returns the number of ready descriptors.
    @discardableResult
    public func wait(
        timeoutMilliseconds: Int32, _ body: (UInt64, Events) throws -> Void
    ) throws -> Int {
        let count = try systemCall("epoll_wait") {
            cshim_epoll_wait(fd, events, tokens, Int32(capacity), timeoutMilliseconds)
        }
        for index in 0..<Int(count) {
            try body(tokens[index], Events(rawValue: events[index]))
        }
        return Int(count)
    }
}
