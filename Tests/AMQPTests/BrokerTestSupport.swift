import AMQP
import Logging
import TestSupport

/// Helpers for the tests that talk to the private broker.
enum Broker {
    static let logger = Logger(label: "amqp-tests")

    static func configuration(heartbeat: Int? = nil, name: String? = nil) throws -> AMQPConfiguration {
        var configuration = try AMQPConfiguration(url: TestRabbitMQ.url())
        if let heartbeat { configuration.heartbeat = heartbeat }
        configuration.connectionName = name
        return configuration
    }

    /// Connects, runs `body`, closes (also when `body` throws); shares the broker with other
    /// tests (see ``TestRabbitMQ/withBroker(_:)``).
    static func withConnection<T>(heartbeat: Int? = nil,
                                  _ body: (AMQPConnection) async throws -> T) async throws -> T {
        try await TestRabbitMQ.withBroker {
            let connection = try await AMQPConnection.connect(configuration(heartbeat: heartbeat), logger: logger)
            do {
                let result = try await body(connection)
                await connection.close()
                return result
            } catch {
                await connection.close()
                throw error
            }
        }
    }
}

extension AsyncSequence where Element == Delivery {
    /// The next `count` deliveries.
    func first(_ count: Int) async throws -> [Delivery] {
        var result: [Delivery] = []
        guard count > 0 else { return result }
        for try await delivery in self {
            result.append(delivery)
            if result.count == count { break }
        }
        return result
    }
}
