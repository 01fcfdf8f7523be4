import AMQP
import ServiceLifecycle

/// Keeps the RabbitMQ connection up (reconnecting with backoff) as a lifecycle service; closes
/// it on graceful shutdown, after the services listed after it have stopped.
public struct AMQPService: Service {
    public let connection: ReconnectingConnection

    public init(connection: ReconnectingConnection) {
        self.connection = connection
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await connection.run()
        } onGracefulShutdown: {
            // The handler is synchronous; the shutdown is awaited by run() returning.
            Task { await connection.shutdown() }
        }
    }
}
