import AMQP
import Testing
import TestSupport

@Suite("Heartbeats")
struct HeartbeatTests {
    @Test("an idle publish-only connection stays alive for three heartbeat intervals")
    func idlePublisherStaysAlive() async throws {
        try await Broker.withConnection(heartbeat: 2) { connection in
            #expect(connection.heartbeat == 2)
            let queue = TestRabbitMQ.uniqueName("heartbeat")
            try await connection.declareQueue(queue, durable: false)
            defer { Task { _ = try? await connection.deleteQueue(queue) } }
            let publisher = try await connection.makePublisher()
            try await publisher.publish(OutgoingMessage(exchange: "", routingKey: queue, body: [1]))
            // The broker closes a connection after two missed heartbeats (4 s here).
            try await Task.sleep(for: .seconds(3 * connection.heartbeat + 1))
            #expect(connection.isOpen)
            try await publisher.publish(OutgoingMessage(exchange: "", routingKey: queue, body: [2]))
            #expect(try await connection.declareQueue(queue, passive: true).messageCount == 2)
        }
    }
}
