// Publish-with-confirm rate through our AMQP module: COUNT persistent messages of SIZE bytes
// (content_type and a per-message message_id, like c/bench-amqp.c), in windows of WINDOW
// messages, each window published as one batch and awaited until every confirm arrived.
// Usage: AMQPBench URL QUEUE COUNT SIZE WINDOW  -> prints "msgs_per_sec <rate>"
import AMQP
import Foundation
import Logging

let arguments = CommandLine.arguments
guard arguments.count == 6, let count = Int(arguments[3]), let size = Int(arguments[4]), let window = Int(arguments[5])
else {
    FileHandle.standardError.write(Data("usage: AMQPBench URL QUEUE COUNT SIZE WINDOW\n".utf8))
    exit(2)
}
let queue = arguments[2]
let logger = Logger(label: "amqp-bench")
let connection = try await AMQPConnection.connect(url: arguments[1], logger: logger)
try await connection.declareQueue(queue, durable: true)
try await connection.purgeQueue(queue)
let publisher = try await connection.makePublisher()
let body = [UInt8](repeating: UInt8(ascii: "x"), count: size)

// The loop runs on the connection's own thread (see AMQPConnection.taskExecutor).
let (seconds, failed) = await withTaskExecutorPreference(connection.taskExecutor) {
var batch: [OutgoingMessage] = []
batch.reserveCapacity(window)
let start = ContinuousClock.now
var sent = 0
var failed = 0
while sent < count {
    let n = min(window, count - sent)
    batch.removeAll(keepingCapacity: true)
    for i in 0..<n {
        batch.append(OutgoingMessage(
            exchange: "", routingKey: queue, body: body,
            properties: MessageProperties(contentType: "application/json", persistent: true,
                                          messageID: "msg-\(sent + i)"),
            mandatory: false))
    }
    for outcome in await publisher.publish(batch) where !outcome.isConfirmed { failed += 1 }
    sent += n
}
let elapsed = ContinuousClock.now - start
return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, failed)
}
if failed > 0 { FileHandle.standardError.write(Data("\(failed) messages not confirmed\n".utf8)); exit(1) }
try await connection.purgeQueue(queue)
await connection.close()
print("msgs_per_sec \(String(format: "%.0f", Double(count) / seconds))")
