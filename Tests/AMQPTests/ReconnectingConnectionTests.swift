import AMQP
import Testing
import TestSupport

@Suite("ReconnectingConnection")
struct ReconnectingConnectionTests {
    @Test("after the broker stops and starts again, publishing and consuming resume")
    func resumesAfterBrokerRestart() async throws {
        try await TestRabbitMQ.withExclusiveBroker {
            let topology = JobTopology(exchange: TestRabbitMQ.uniqueName("jobs"))
            let service = "echo"
            let queue = topology.queueName(service: service)
            let amqp = ReconnectingConnection(
                configuration: try Broker.configuration(heartbeat: 2),
                backoff: Backoff(initial: .milliseconds(100), maximum: .seconds(1)), logger: Broker.logger
            ) { connection in
                try await topology.declare(on: connection, services: [service])
            }
            func message(_ text: String) -> OutgoingMessage {
                OutgoingMessage(exchange: topology.exchange, routingKey: topology.routingKey(service: service),
                                body: Array(text.utf8), properties: MessageProperties(messageID: text))
            }
            try await withThrowingTaskGroup { group in
                group.addTask { await amqp.run() }
                try await amqp.waitUntilConnected()
                var deliveries = await amqp.consume(queue: queue, prefetch: 4).makeAsyncIterator()
                #expect(await amqp.publish([message("before")]) == [.confirmed])
                let before = try #require(try await deliveries.next())
                #expect(before.body == Array("before".utf8))
                try await before.ack()

                Broker.logger.info("stopping the broker")
                try await TestRabbitMQ.stopBroker()
                Broker.logger.info("broker stopped")
                let down = await amqp.publish([message("down")])
                #expect(!down[0].isConfirmed)
                try await TestRabbitMQ.startBroker()
                Broker.logger.info("broker started")

                try await amqp.waitUntilConnected()
                var outcome = await amqp.publish([message("after")])
                while case .notSent = outcome[0] {  // the old connection may not have noticed yet
                    try await Task.sleep(for: .milliseconds(100))
                    try await amqp.waitUntilConnected()
                    outcome = await amqp.publish([message("after")])
                }
                #expect(outcome == [.confirmed])
                Broker.logger.info("published after restart")
                let after = try #require(try await deliveries.next())
                #expect(after.body == Array("after".utf8))
                try await after.ack()
                if let connection = await amqp.currentConnection {
                    _ = try? await connection.deleteQueue(queue)
                    try? await connection.deleteExchange(topology.exchange)
                }
                await amqp.shutdown()
                try await group.waitForAll()
            }
        }
    }
}
