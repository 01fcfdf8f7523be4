import AMQP
import Testing
import TestSupport

@Suite("JobTopology")
struct JobTopologyTests {
    @Test("names and arguments follow SPEC section 4")
    func names() {
        let topology = JobTopology()
        #expect(topology.exchange == "jobs")
        #expect(topology.queueName(service: "echo") == "jobs.echo")
        #expect(topology.queueName(service: "echo", tag: "gpu") == "jobs.echo.gpu")
        #expect(topology.routingKey(service: "echo", tag: "gpu") == "jobs.echo.gpu")
        #expect(topology.queueArguments["x-max-priority"]?.integerValue == 9)
        #expect(JobTopology(deadLetterExchange: "jobs.dlx").queueArguments["x-dead-letter-exchange"] == "jobs.dlx")
    }

    @Test("declaring twice is idempotent and routes by service and tag")
    func declareTwice() async throws {
        try await Broker.withConnection { connection in
            let topology = JobTopology(exchange: TestRabbitMQ.uniqueName("jobs"))
            let names = try await topology.declare(on: connection, services: ["echo", "sleep"], tags: ["gpu"])
            #expect(names == [topology.queueName(service: "echo"), topology.queueName(service: "echo", tag: "gpu"),
                              topology.queueName(service: "sleep"), topology.queueName(service: "sleep", tag: "gpu")])
            try await topology.declare(on: connection, services: ["echo", "sleep"], tags: ["gpu"])
            let publisher = try await connection.makePublisher()
            let outcomes = await publisher.publish([
                OutgoingMessage(exchange: topology.exchange, routingKey: topology.routingKey(service: "echo", tag: "gpu"),
                                body: [1], properties: MessageProperties(priority: 5)),
            ])
            #expect(outcomes == [.confirmed])
            #expect(try await connection.declareQueue(names[1], passive: true).messageCount == 1)
            for name in names { try await connection.deleteQueue(name) }
            try await connection.deleteExchange(topology.exchange)
        }
    }
}
