@testable import AMQP
import Foundation
import Testing
import TestSupport

@Suite("Consumer against the private broker")
struct ConsumerTests {
    private func fill(_ connection: AMQPConnection, _ queue: String, count: Int) async throws {
        try await connection.declareQueue(queue, durable: false)
        let publisher = try await connection.makePublisher()
        try await publisher.publishConfirmed((0..<count).map {
            OutgoingMessage(exchange: "", routingKey: queue, body: Array("\($0)".utf8))
        })
    }

    @Test("a consumer with prefetch N never holds more than N unacknowledged deliveries")
    func prefetch() async throws {
        try await Broker.withConnection { connection in
            let queue = TestRabbitMQ.uniqueName("prefetch")
            let total = 12, prefetch = 3
            try await fill(connection, queue, count: total)
            defer { Task { _ = try? await connection.deleteQueue(queue) } }
            let consumer = try await connection.consume(queue: queue, prefetch: UInt16(prefetch))
            var held: [Delivery] = []
            var received = 0
            for try await delivery in consumer {
                held.append(delivery)
                received += 1
                if held.count == prefetch || received == total {
                    // Give the broker every chance to overshoot, then check what it still has ready.
                    try await Task.sleep(for: .milliseconds(200))
                    let ready = try await connection.declareQueue(queue, passive: true).messageCount
                    #expect(Int(ready) == total - received)
                    #expect(held.count <= prefetch)
                    try await held.removeFirst().ack()
                }
                if received == total { break }
            }
            for delivery in held { try await delivery.ack() }
            #expect(received == total)
            await consumer.cancel()
        }
    }

    @Test("acks from many tasks go out coalesced; a held delivery is never acked by them")
    func coalescedAcks() async throws {
        try await Broker.withConnection { connection in
            let queue = TestRabbitMQ.uniqueName("acks")
            let total = 200
            try await fill(connection, queue, count: total)
            defer { Task { _ = try? await connection.deleteQueue(queue) } }
            let consumer = try await connection.consume(queue: queue, prefetch: UInt16(total))
            let deliveries = try await consumer.first(total)
            let held = deliveries[37]
            // Acked concurrently, as a worker's claims do, all but one, out of order and in
            // waves: later flushes extend runs over tags an earlier flush acked alone (the
            // broker closes the channel if a frame names a tag no longer outstanding).
            var generator = SystemRandomNumberGenerator()
            let order = deliveries.filter { $0.deliveryTag != held.deliveryTag }.shuffled(using: &generator)
            for wave in stride(from: 0, to: order.count, by: 20) {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for delivery in order[wave..<min(wave + 20, order.count)] { group.addTask { try await delivery.ack() } }
                    try await group.waitForAll()
                }
                try await Task.sleep(for: .milliseconds(10))
            }
            // Closing the consumer requeues what is not acknowledged: exactly the held one.
            await consumer.cancel()
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await connection.declareQueue(queue, passive: true).messageCount == 1)
            let again = try await connection.consume(queue: queue, prefetch: 1)
            let redelivered = try #require(try await again.first(1).first)
            #expect(redelivered.redelivered && redelivered.body == held.body)
            try await redelivered.ack()
            await again.cancel()
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await connection.declareQueue(queue, passive: true).messageCount == 0)
        }
    }

    @Test("nack with requeue redelivers the message with the redelivered flag")
    func nackRequeue() async throws {
        try await Broker.withConnection { connection in
            let queue = TestRabbitMQ.uniqueName("nack")
            try await fill(connection, queue, count: 1)
            defer { Task { _ = try? await connection.deleteQueue(queue) } }
            let consumer = try await connection.consume(queue: queue, prefetch: 1)
            var iterator = consumer.makeAsyncIterator()
            let first = try #require(try await iterator.next())
            #expect(!first.redelivered)
            try await first.nack(requeue: true)
            let second = try #require(try await iterator.next())
            #expect(second.redelivered)
            #expect(second.body == first.body)
            try await second.reject(requeue: false)
            #expect(try await connection.declareQueue(queue, passive: true).messageCount == 0)
            await consumer.cancel()
        }
    }

    @Test("deliveries unacknowledged by a killed connection are redelivered to another consumer")
    func killedConnectionRedelivers() async throws {
        try await Broker.withConnection { survivor in
            let queue = TestRabbitMQ.uniqueName("killed")
            try await fill(survivor, queue, count: 4)
            defer { Task { _ = try? await survivor.deleteQueue(queue) } }
            let victim = try await AMQPConnection.connect(Broker.configuration(), logger: Broker.logger)
            let doomed = try await victim.consume(queue: queue, prefetch: 10)
            var iterator = doomed.makeAsyncIterator()
            var held: [Delivery] = []
            for _ in 0..<4 { held.append(try #require(try await iterator.next())) }
            #expect(held.allSatisfy { !$0.redelivered })

            await victim.breakSocketForTesting()
            let reason = await victim.waitUntilClosed()
            #expect(reason.isConnectionLevel)
            await #expect(throws: (any Error).self) { _ = try await iterator.next() }
            await #expect(throws: AMQPError.self) { try await held[0].ack() }

            let consumer = try await survivor.consume(queue: queue, prefetch: 10)
            let redelivered = try await consumer.first(4)
            #expect(Set(redelivered.map(\.body)) == Set(held.map(\.body)))
            #expect(redelivered.allSatisfy { $0.redelivered })
            try await redelivered.last?.ack(multiple: true)
            await consumer.cancel()
        }
    }

    @Test("a broker-side cancel (queue deleted) ends the consumer's sequence with an error")
    func brokerCancel() async throws {
        try await Broker.withConnection { connection in
            let queue = TestRabbitMQ.uniqueName("cancel")
            try await connection.declareQueue(queue, durable: false)
            let consumer = try await connection.consume(queue: queue, prefetch: 1)
            try await connection.deleteQueue(queue)
            await #expect(throws: AMQPError.consumerCancelledByBroker(queue: queue)) {
                for try await _ in consumer {}
            }
            #expect(connection.isOpen)
        }
    }
}
