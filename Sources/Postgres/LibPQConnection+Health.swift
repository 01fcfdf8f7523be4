import CLibPQ

extension LibPQConnection {
    /// Routes notices and out-of-band errors to `lastNotice` instead of libpq's default (stderr).
    ///
    /// The receiver runs synchronously inside libpq calls on this connection's thread, and the
    /// connection outlives its PGconn's use, so the unretained pointer is valid whenever called.
    func installNoticeReceiver() {
        let context = Unmanaged.passUnretained(self).toOpaque()
        PQsetNoticeReceiver(
            conn,
            { context, result in
                guard let context, let result else { return }
                let owner = Unmanaged<LibPQConnection>.fromOpaque(context).takeUnretainedValue()
                let state = PQresultErrorField(result, CPQ_DIAG_SQLSTATE).map {
                    SQLState(String(cString: $0))
                }
                let message = PQresultErrorField(result, CPQ_DIAG_MESSAGE_PRIMARY).map {
                    String(cString: $0)
                }
                let severity = PQresultErrorField(result, CPQ_DIAG_SEVERITY).map {
                    String(cString: $0)
                }
                owner.lastNotice = (state, severity ?? "", message ?? "")
            }, context)
    }

    /// Before a statement is sent: a socket that is readable while no command is in flight
    /// means the server said something unprompted, usually a FATAL error and EOF (restart,
    /// `pg_terminate_backend`, idle timeout). Read it; if the connection is gone, fail with a
    /// `connectionLost` that is safe to retry, since the statement was never sent.
    func checkBeforeSending(_ statement: String) throws(PostgresError) {
        guard isConnected else {
            throw PostgresError(
                code: .connectionLost, message: "the connection is broken: \(errorMessage)",
                statement: statement, isSafeToRetry: true)
        }
        guard waitReadable(timeoutMilliseconds: 0) else { return }
        if drainUnpromptedInput() { return }
        let notice = lastNotice
        throw PostgresError(
            code: .connectionLost,
            message: "the server closed the connection while it was idle: "
                + (notice?.message ?? errorMessage),
            sqlState: notice?.sqlState, severity: notice?.severity, statement: statement,
            isSafeToRetry: true)
    }

    /// Reads what the server sent while no command was in flight. Returns false when the
    /// connection is gone: EOF, or a FATAL / PANIC notice (the server closes right after it;
    /// libpq only notices the EOF on a later read).
    func drainUnpromptedInput() -> Bool {
        lastNotice = nil
        for _ in 0..<4 {
            guard consumeInput() else { return false }
            if discardsNotifications { _ = takeNotifications() }  // nobody listens here
            if let severity = lastNotice?.severity, severity == "FATAL" || severity == "PANIC" {
                isBroken = true
                return false
            }
            guard waitReadable(timeoutMilliseconds: 0) else { return true }
        }
        return isConnected
    }
}
