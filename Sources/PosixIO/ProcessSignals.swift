import Glibc

/// Process-wide signal settings.
public enum ProcessSignals {
    /// Ignores SIGPIPE, so writing to a closed socket fails with `EPIPE` instead of killing
    /// the process. Sockets here also send with `MSG_NOSIGNAL`; this covers everything else.
    public static func ignoreSIGPIPE() {
        _ = signal(SIGPIPE, SIG_IGN)
    }
}
