import AMQP
import JobCore
import JobStore

/// The message a task is published as (compatible with the seed):
/// `{"Task": {"task_id", "service", "source_name", "condition", "attempt", "priority"}}`,
/// persistent, `message_id` = task id, `priority`, `content_type: application/json`.
enum TaskMessage {
    static func make(_ entry: OutboxStore.Entry, sourceName: String, topology: JobTopology) -> OutgoingMessage {
        var writer = JSONWriter(capacity: 160 + entry.condition.utf8.count)
        writer.writeRaw(#"{"Task":{"task_id":"#)
        writer.write(string: entry.taskID)
        writer.writeRaw(#","service":"#)
        writer.write(string: entry.service)
        writer.writeRaw(#","source_name":"#)
        writer.write(string: sourceName)
        writer.writeRaw(#","condition":"#)
        writer.writeRaw(entry.condition)
        writer.writeRaw(#","attempt":"#)
        writer.writeRaw(String(entry.attempt))
        writer.writeRaw(#","priority":"#)
        writer.writeRaw(String(entry.priority))
        writer.writeRaw("}}")
        return OutgoingMessage(
            exchange: topology.exchange, routingKey: topology.routingKey(service: entry.service, tag: entry.tag),
            body: writer.bytes,
            properties: MessageProperties(
                contentType: "application/json", persistent: true, priority: UInt8(clamping: entry.priority),
                messageID: entry.taskID))
    }
}
