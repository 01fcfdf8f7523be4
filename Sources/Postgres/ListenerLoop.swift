import Glibc
import Logging

/// The body of a `PostgresListener`'s thread. It creates, uses and closes its `LibPQConnection`
/// on that thread only.
struct ListenerLoop: Sendable {
    let configuration: PostgresConfiguration
    let channels: [String]
    let options: PostgresListener.Options
    let logger: Logger
    let stopped: PostgresListener.StopFlag
    let continuation: AsyncStream<PostgresListener.Event>.Continuation

    func run(ready: CheckedContinuation<Void, any Error>) {
        defer { continuation.finish() }
        var ready: CheckedContinuation<Void, any Error>? = ready
        var connection: LibPQConnection?
        var delay = options.reconnectDelay
        var lastTraffic = ContinuousClock.now
        while !stopped.isSet {
            guard let current = connection else {
                do {
                    connection = try connect()
                    lastTraffic = .now
                    delay = options.reconnectDelay
                    if let first = ready {
                        first.resume()
                        ready = nil
                    } else {
                        logger.info("postgres listener reconnected", metadata: ["channels": "\(channels)"])
                        continuation.yield(.reconnected)
                    }
                } catch {
                    if let first = ready {
                        first.resume(throwing: error)
                        return
                    }
                    logger.warning(
                        "postgres listener cannot reconnect",
                        metadata: ["error": "\(error.message)", "retry_in": "\(delay)"])
                    sleep(delay)
                    delay = min(delay * 2, options.maxReconnectDelay)
                }
                continue
            }
            if current.waitReadable(timeoutMilliseconds: milliseconds(options.pollInterval)) {
                let alive = current.drainUnpromptedInput()
                deliver(current.takeNotifications())
                lastTraffic = .now
                if !alive { connection = lost(current) }
            } else if ContinuousClock.now - lastTraffic > options.keepaliveInterval {
                do {
                    _ = try current.executeScript("SELECT 1")
                    deliver(current.takeNotifications())
                    lastTraffic = .now
                } catch {
                    connection = lost(current)
                }
            }
        }
        connection = nil  // PQfinish, on this thread
    }

    private func connect() throws(PostgresError) -> LibPQConnection {
        let connection = try LibPQConnection.connect(configuration)
        connection.discardsNotifications = false
        for channel in channels {
            _ = try connection.executeScript("LISTEN " + connection.escapeIdentifier(channel))
        }
        return connection
    }

    private func lost(_ connection: LibPQConnection) -> LibPQConnection? {
        logger.warning(
            "postgres listener lost its connection; notifications until it reconnects are lost",
            metadata: ["error": "\(connection.lastNotice?.message ?? connection.errorMessage)"])
        return nil
    }

    private func deliver(_ notifications: [PostgresNotification]) {
        for notification in notifications { continuation.yield(.notification(notification)) }
    }

    /// Sleeps up to `duration`, in slices, returning early on stop.
    private func sleep(_ duration: Duration) {
        let deadline = ContinuousClock.now + duration
        while !stopped.isSet, ContinuousClock.now < deadline {
            let slice = min(deadline - ContinuousClock.now, options.pollInterval)
            _ = poll(nil, 0, milliseconds(slice))  // a plain sleep on this thread
        }
    }

    private func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        return Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }
}
