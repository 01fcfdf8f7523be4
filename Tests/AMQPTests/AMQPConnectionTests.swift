import AMQP
import Foundation
import Testing
import TestSupport

@Suite("AMQPConnection against the private broker")
struct AMQPConnectionTests {
    @Test("a message round-trips with its properties")
    func roundTrip() async throws {
        try await Broker.withConnection { connection in
            let queue = TestRabbitMQ.uniqueName("roundtrip")
            try await connection.declareQueue(queue, durable: false, arguments: ["x-max-priority": 9])
            defer { Task { _ = try? await connection.deleteQueue(queue) } }
            let headers: FieldTable = [
                "attempt": .int32(3), "source": "api", "flag": true, "big": .int64(1 << 40),
                "ratio": .double(0.5), "nested": .table(["a": .array([1, "x"])]),
            ]
            let properties = MessageProperties(
                contentType: "application/json", contentEncoding: "utf-8", headers: headers, priority: 7,
                correlationID: "corr-1", replyTo: "replies", expiration: "60000", messageID: "ts_echo_0001",
                timestamp: 1_700_000_000, type: "task", appID: "jobserver")
            let body = Array(#"{"Task":{"task_id":"ts_echo_0001"}}"#.utf8)
            let publisher = try await connection.makePublisher()
            try await publisher.publish(OutgoingMessage(exchange: "", routingKey: queue, body: body, properties: properties))

            let consumer = try await connection.consume(queue: queue, prefetch: 1)
            let delivery = try #require(try await consumer.first(1).first)
            #expect(delivery.body == body)
            #expect(delivery.properties == properties)
            #expect(delivery.properties.persistent == true)
            #expect(delivery.routingKey == queue)
            #expect(delivery.exchange == "")
            #expect(delivery.redelivered == false)
            #expect(delivery.consumerTag == consumer.consumerTag)
            try await delivery.ack()
            await consumer.cancel()
        }
    }

    @Test("a queue with x-max-priority delivers the highest priority first")
    func priorityOrder() async throws {
        try await Broker.withConnection { connection in
            let queue = TestRabbitMQ.uniqueName("priority")
            try await connection.declareQueue(queue, durable: false, arguments: ["x-max-priority": 9])
            defer { Task { _ = try? await connection.deleteQueue(queue) } }
            let publisher = try await connection.makePublisher()
            let batch = (0...9).map { priority in
                OutgoingMessage(exchange: "", routingKey: queue, body: [UInt8(priority)],
                                properties: MessageProperties(priority: UInt8(priority)))
            }
            try await publisher.publishConfirmed(batch)
            let consumer = try await connection.consume(queue: queue, prefetch: 10)
            let deliveries = try await consumer.first(10)
            #expect(deliveries.map { $0.properties.priority } == (0...9).reversed().map { UInt8($0) })
            #expect(deliveries.first?.body == [9])
            try await deliveries.last?.ack(multiple: true)
            await consumer.cancel()
        }
    }

    @Test("publisher confirms arrive for single messages and batches")
    func confirms() async throws {
        try await Broker.withConnection { connection in
            let queue = TestRabbitMQ.uniqueName("confirms")
            try await connection.declareQueue(queue, durable: true)
            defer { Task { _ = try? await connection.deleteQueue(queue) } }
            let publisher = try await connection.makePublisher()
            try await publisher.publish(OutgoingMessage(exchange: "", routingKey: queue, body: [1]))
            let batch = (0..<500).map { OutgoingMessage(exchange: "", routingKey: queue, body: Array("m\($0)".utf8)) }
            async let first = publisher.publish(batch)
            async let second = publisher.publish(batch)
            let outcomes = await first + second
            #expect(outcomes.count == 1000)
            #expect(outcomes.allSatisfy { $0 == .confirmed })
            #expect(try await connection.declareQueue(queue, passive: true).messageCount == 1001)
            #expect(await publisher.publish([]) == [])
        }
    }

    @Test("a mandatory message to an unbound routing key comes back as returned")
    func mandatoryReturned() async throws {
        try await Broker.withConnection { connection in
            let exchange = TestRabbitMQ.uniqueName("ex")
            let queue = TestRabbitMQ.uniqueName("bound")
            try await connection.declareExchange(exchange, type: .direct, durable: false, autoDelete: false)
            try await connection.declareQueue(queue, durable: false)
            try await connection.bindQueue(queue, exchange: exchange, routingKey: "bound")
            defer { Task { _ = try? await connection.deleteQueue(queue); try? await connection.deleteExchange(exchange) } }
            let publisher = try await connection.makePublisher()
            let outcomes = await publisher.publish([
                OutgoingMessage(exchange: exchange, routingKey: "bound", body: [1],
                                properties: MessageProperties(messageID: "a")),
                OutgoingMessage(exchange: exchange, routingKey: "nowhere", body: [2],
                                properties: MessageProperties(messageID: "b")),
                OutgoingMessage(exchange: exchange, routingKey: "bound", body: [3],
                                properties: MessageProperties(messageID: "c")),
                OutgoingMessage(exchange: exchange, routingKey: "nowhere", body: [4]),
            ])
            #expect(outcomes == [.confirmed, .returned(code: 312, text: "NO_ROUTE"), .confirmed,
                                 .returned(code: 312, text: "NO_ROUTE")])
            await #expect(throws: PublishError.self) {
                try await publisher.publish(OutgoingMessage(exchange: exchange, routingKey: "nowhere", body: [5]))
            }
            // Not mandatory: the broker drops it and confirms.
            let dropped = await publisher.publish([OutgoingMessage(exchange: exchange, routingKey: "nowhere",
                                                                  body: [6], mandatory: false)])
            #expect(dropped == [.confirmed])
        }
    }

    @Test("publishing to a missing exchange closes the channel with 404; the publisher recovers")
    func missingExchange() async throws {
        try await Broker.withConnection { connection in
            let queue = TestRabbitMQ.uniqueName("recover")
            try await connection.declareQueue(queue, durable: false)
            defer { Task { _ = try? await connection.deleteQueue(queue) } }
            let publisher = try await connection.makePublisher()
            let outcomes = await publisher.publish([OutgoingMessage(exchange: TestRabbitMQ.uniqueName("none"),
                                                                    routingKey: "x", body: [1])])
            guard case .unknown(.channelClosed(let code, _)) = outcomes.first else {
                Issue.record("expected a channel close, got \(outcomes)")
                return
            }
            #expect(code == AMQPError.notFound)
            try await publisher.publish(OutgoingMessage(exchange: "", routingKey: queue, body: [2]))
        }
    }

    @Test("re-declaring a queue with other arguments is a 406; the control channel reopens")
    func inequivalentArguments() async throws {
        try await Broker.withConnection { connection in
            let queue = TestRabbitMQ.uniqueName("args")
            try await connection.declareQueue(queue, durable: false, arguments: ["x-max-priority": 9])
            defer { Task { _ = try? await connection.deleteQueue(queue) } }
            await #expect(throws: AMQPError.self) {
                try await connection.declareQueue(queue, durable: false, arguments: ["x-max-priority": 5])
            }
            do {
                try await connection.declareQueue(queue, durable: false, arguments: ["x-max-priority": 5])
            } catch let AMQPError.channelClosed(code, _) {
                #expect(code == AMQPError.preconditionFailed)
            }
            let info = try await connection.declareQueue(queue, durable: false, arguments: ["x-max-priority": 9])
            #expect(info.name == queue)
            #expect(connection.isOpen)
        }
    }

    @Test("a task preferring the connection's executor publishes, and goes on after the close")
    func taskExecutorPreference() async throws {
        try await TestRabbitMQ.withBroker {
            let connection = try await AMQPConnection.connect(Broker.configuration(), logger: Broker.logger)
            let queue = TestRabbitMQ.uniqueName("executor")
            let outcomes = try await withTaskExecutorPreference(connection.taskExecutor) {
                try await connection.declareQueue(queue, durable: false, autoDelete: false)
                let publisher = try await connection.makePublisher()
                let batch = (0..<50).map { OutgoingMessage(exchange: "", routingKey: queue, body: [UInt8($0)]) }
                let outcomes = await publisher.publish(batch)
                try await connection.deleteQueue(queue)
                await connection.close()
                return outcomes  // resumed by the global executor: the connection's thread is gone
            }
            #expect(outcomes.count == 50 && outcomes.allSatisfy(\.isConfirmed))
            #expect(!connection.isOpen)
        }
    }
}
