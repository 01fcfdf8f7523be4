import AMQP
import JobConfig
import JobStore
import Logging
import Synchronization

/// Publishes tasks' messages with publisher confirms, for both the outbox relay and the
/// handoff of freshly created tasks. Declares a task's queue (`jobs.<service>[.<tag>]`) the
/// first time it sees it; a returned message (no queue bound, e.g. deleted by an operator)
/// forgets its queue, so the next batch declares it again.
public final class TaskPublisher: Sendable {
    let amqp: ReconnectingConnection
    let topology: JobTopology
    let sourceNames: [String: String]
    let logger: Logger
    private let declared = Mutex<Set<String>>([])

    /// - Parameter services: the configured services, for each message's `source_name`.
    public init(amqp: ReconnectingConnection, topology: JobTopology, services: [ServiceDefinition], logger: Logger) {
        self.amqp = amqp
        self.topology = topology
        self.sourceNames = Dictionary(services.map { ($0.name, $0.sourceName) }, uniquingKeysWith: { a, _ in a })
        self.logger = logger
    }

    /// Publishes every entry's message; returns, per entry, whether the broker confirmed it.
    func publish(_ entries: [OutboxStore.Entry]) async -> [Bool] {
        for entry in entries {
            let queue = topology.queueName(service: entry.service, tag: entry.tag)
            guard !declared.withLock({ $0.contains(queue) }), let connection = await amqp.currentConnection else { continue }
            do {
                try await topology.declareExchange(on: connection)
                try await topology.declareQueue(on: connection, service: entry.service, tag: entry.tag)
                _ = declared.withLock { $0.insert(queue) }
            } catch {
                logger.warning("cannot declare queue", metadata: ["queue": "\(queue)", "error": "\(error)"])
            }
        }
        let messages = entries.map { TaskMessage.make($0, sourceName: sourceNames[$0.service] ?? $0.service, topology: topology) }
        let outcomes = await amqp.publish(messages)
        for (entry, outcome) in zip(entries, outcomes) {
            if case .returned = outcome {
                _ = declared.withLock { $0.remove(topology.queueName(service: entry.service, tag: entry.tag)) }
            }
        }
        return outcomes.map(\.isConfirmed)
    }
}
