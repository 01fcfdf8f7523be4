import Glibc

/// A failed system call: the call's name and the `errno` it left.
///
/// ```swift
/// do { try systemCall("close") { close(fd) } }
/// catch let error where error.errno == EBADF { ... }
/// ```
public struct SystemError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The system call that failed, e.g. `"accept4"`.
    public let call: String
    /// The `errno` value read right after the call returned.
    public let errno: Int32

    /// Creates an error for `call` failing with `errno`.
    public init(call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    public var description: String {
        "\(call) failed: \(String(cString: strerror(errno))) (errno \(errno))"
    }
}
