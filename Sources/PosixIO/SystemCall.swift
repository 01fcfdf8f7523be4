import CLinuxShims
import Glibc

/// Runs a system call, retrying it while it fails with `EINTR`, and throws on any other failure.
///
/// `errno` is read on the line after the call, before anything else can change it.
///
/// - Parameters:
///   - name: the call's name, used in the thrown error.
///   - body: the call; it returns -1 on failure, as C system calls do.
/// - Returns: the call's non-negative result.
/// - Throws: ``SystemError`` naming the call and carrying `errno`.
///
/// ```swift
/// let fd = try systemCall("epoll_create1") { cshim_epoll_create_cloexec() }
/// ```
@inlinable
public func systemCall<T: FixedWidthInteger>(
    _ name: StaticString, _ body: () -> T
) throws(SystemError) -> T {
    while true {
        let result = body()
        if result != -1 { return result }
        let code = cshim_errno()
        if code == EINTR { continue }
        throw SystemError(call: name.description, errno: code)
    }
}

/// Like ``systemCall(_:_:)`` for a call on a non-blocking descriptor: returns `nil` when it
/// fails with `EAGAIN` / `EWOULDBLOCK` (nothing to do now, wait for readiness).
@inlinable
public func nonBlockingSystemCall<T: FixedWidthInteger>(
    _ name: StaticString, _ body: () -> T
) throws(SystemError) -> T? {
    while true {
        let result = body()
        if result != -1 { return result }
        let code = cshim_errno()
        if code == EINTR { continue }
        if code == EAGAIN || code == EWOULDBLOCK { return nil }
        throw SystemError(call: name.description, errno: code)
    }
}
