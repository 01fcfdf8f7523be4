import Foundation
import Logging
import PosixIO
import Synchronization

/// LISTEN on a dedicated connection and thread; notifications arrive as an `AsyncSequence`.
///
/// The connection lives on the listener's own thread, which waits in `poll()` on the socket
/// (with a timeout, to notice `stop()`) and never on Swift's cooperative pool. When the
/// connection breaks (e.g. a server restart) the listener reconnects with backoff, LISTENs
/// again, and yields `.reconnected`. **Notifications sent while it was disconnected are lost**:
/// on `.reconnected`, consumers should poll the database once for work they may have missed.
///
/// ```swift
/// let listener = try await PostgresListener.start(
///     configuration: config, channels: ["task_created"], logger: logger)
/// for await event in listener.events {
///     switch event {
///     case .notification(let note): print(note.channel, note.payload)
///     case .reconnected: await pollForMissedWork()
///     }
/// }
/// // elsewhere: try await pool.notify(channel: "task_created", payload: taskID)
/// listener.stop()
/// ```
public final class PostgresListener: Sendable {
    /// What the listener delivers.
    public enum Event: Sendable, Equatable {
        /// A notification on one of the channels.
        case notification(PostgresNotification)
        /// The connection was re-established and LISTEN re-issued; notifications sent in the gap
        /// were lost.
        case reconnected
    }

    /// Timing of the listener's thread.
    public struct Options: Sendable {
        /// Longest wait in `poll()` before checking for `stop()`.
        public var pollInterval: Duration = .milliseconds(250)
        /// After this long without traffic, `SELECT 1` checks the connection is alive.
        public var keepaliveInterval: Duration = .seconds(30)
        /// First delay between reconnect attempts; doubles up to `maxReconnectDelay`.
        public var reconnectDelay: Duration = .milliseconds(100)
        public var maxReconnectDelay: Duration = .seconds(5)

        public init() {}
    }

    /// The notifications (and reconnect markers), until `stop()`.
    public let events: AsyncStream<Event>
    private let stopped: StopFlag

    final class StopFlag: Sendable {
        let value = Atomic<Bool>(false)
        var isSet: Bool { value.load(ordering: .acquiring) }
        func set() { value.store(true, ordering: .releasing) }
    }

    private init(events: AsyncStream<Event>, stopped: StopFlag) {
        self.events = events
        self.stopped = stopped
    }

    deinit { stopped.set() }

    /// Connects, LISTENs on `channels`, and returns once listening.
    ///
    /// - Throws: `PostgresError` when the first connection or LISTEN fails (later failures are
    ///   retried in the background).
    public static func start(
        configuration: PostgresConfiguration, channels: [String], options: Options = Options(),
        logger: Logger
    ) async throws -> PostgresListener {
        let stopped = StopFlag()
        let (events, continuation) = AsyncStream.makeStream(of: Event.self)
        continuation.onTermination = { _ in stopped.set() }
        try await withCheckedThrowingContinuation { (ready: CheckedContinuation<Void, any Error>) in
            let loop = ListenerLoop(
                configuration: configuration, channels: channels, options: options,
                logger: logger, stopped: stopped, continuation: continuation)
            NamedThread.start(name: "pg-listener") { loop.run(ready: ready) }
        }
        return PostgresListener(events: events, stopped: stopped)
    }

    /// Stops listening: the thread closes the connection within `pollInterval` and `events`
    /// finishes.
    public func stop() { stopped.set() }
}
