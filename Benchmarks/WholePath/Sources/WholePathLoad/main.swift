import Foundation
import JobCrypto
import Logging
import Postgres
import Synchronization

// Whole-path load: create N no-op tasks through POST /api/create_task (signed), closed loop at
// concurrency C (single or bulk) or open loop at a fixed rate, wait until every one is final,
// then read the latencies from the database timestamps (created_at, started_at, ended_at).
// Prints a human summary and one `RESULT label key=value...` line for scripts.

guard let options = Options.parse(Array(CommandLine.arguments.dropFirst())) else {
    FileHandle.standardError.write(Data((Options.usage + "\n").utf8))
    exit(2)
}
let batch = options.batch.isEmpty ? "bench-\(options.label)-\(UInt32.random(in: 0...UInt32.max))" : options.batch

/// Builds the signed create request for task numbers `first..<first+count`.
struct RequestBuilder: Sendable {
    let service: String, batch: String, bulk: Int, user: String, secret: String

    func make(first: Int, count: Int) -> [UInt8] {
        let one = #"{"service":"\#(service)","condition":{"n":"#
        let rest = #"},"batch":"\#(batch)"}"#
        var body = #"{"data":"#
        if bulk > 1 {
            body += "[" + (first..<(first + count)).map { one + String($0) + rest }.joined(separator: ",") + "]"
        } else {
            body += one + String(first) + rest
        }
        body += "}"
        let now = Int(Date().timeIntervalSince1970)
        let auth = AuthSignature.header(user: user, secret: secret, timestamp: now)
        let head = "POST /api/create_task?_=\(now) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: \(auth)\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
        return Array((head + body).utf8)
    }
}
let builder = RequestBuilder(service: options.service, batch: batch, bulk: options.bulk, user: options.user, secret: options.secret)

/// Shared by the sender threads: the next request number, failures, lateness (open loop).
final class Progress: Sendable {
    struct State { var next = 0; var failures = 0; var lastError = ""; var late = 0; var done = 0 }
    let state = Mutex(State())
}

let requests = (options.tasks + options.bulk - 1) / options.bulk
let progress = Progress()
let clock = ContinuousClock()
let pidsAll = options.processes.flatMap(\.pids)
let before = options.processes.map { ProcessStats.read($0.pids) }
let start = clock.now
let finished = DispatchSemaphore(value: 0)
let threads = min(options.concurrency, requests)
for _ in 0..<threads {
    let thread = Thread { [builder, progress, start, clock, finished, threads, requests, rate = options.rate, bulk = options.bulk, tasks = options.tasks, port = options.port] in
        let client = BlockingHTTPClient(port: port)
        while true {
            let index: Int? = progress.state.withLock { state in
                guard state.next < requests else { return nil }
                defer { state.next += 1 }
                return state.next
            }
            guard let index else { break }
            if rate > 0 {
                let due = start + .seconds(Double(index) / rate)
                let wait = due - clock.now
                if wait > .zero { Thread.sleep(forTimeInterval: Double(wait.components.attoseconds) / 1e18 + Double(wait.components.seconds)) }
                else if wait < .milliseconds(-5) { progress.state.withLock { $0.late += 1 } }
            }
            let first = index * bulk
            let count = min(bulk, tasks - first)
            do {
                let (status, body) = try client.exchange(builder.make(first: first, count: count))
                if status != 200 || !body.starts(with: Array(#"{"result":"ok""#.utf8)) {
                    let text = String(decoding: body.prefix(200), as: UTF8.self)
                    progress.state.withLock { $0.failures += 1; $0.lastError = "HTTP \(status): \(text)" }
                }
            } catch {
                progress.state.withLock { $0.failures += 1; $0.lastError = "\(error)" }
            }
        }
        let last = progress.state.withLock { state -> Bool in state.done += 1; return state.done == threads }
        if last { finished.signal() }
    }
    thread.stackSize = 1 << 20
    thread.start()
}
await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
    DispatchQueue.global().async { finished.wait(); continuation.resume() }
}
let createSeconds = (clock.now - start).seconds
let sent = progress.state.withLock { $0 }
if sent.failures > 0 {
    print("\(options.label): \(sent.failures) create requests failed; last: \(sent.lastError)")
}

// Wait until every task of the batch is final (or the timeout). On our schema the poll reads the
// counters the API's `total` uses (migration 0002: a few hundred rows), not the batch's rows; the
// peer's table has no counters and few rows, and is counted. Every 100 ms: the poll shares the
// database with the path it measures, and the figures come from the rows' timestamps, not from
// when this loop notices the end.
var logger = Logger(label: "wholepath")
logger.logLevel = .error
let pool = PostgresPool(configuration: try PostgresConfiguration(options.database), logger: logger)
let expected = options.tasks - sent.failures * options.bulk
let hasCounters = try await pool.query("SELECT to_regclass('task_counts') IS NOT NULL")[0].decode(0, as: Bool.self)
let pollQuery: PostgresQuery = hasCounters ? """
    SELECT coalesce(sum(n) FILTER (WHERE status IN ('ready', 'waiting', 'running')), 0)::int8, coalesce(sum(n), 0)::int8
    FROM (SELECT status, n FROM task_counts WHERE batch = \(batch)
          UNION ALL SELECT status, n FROM task_count_deltas WHERE batch = \(batch)) counted
    """ : """
    SELECT count(*) FILTER (WHERE status NOT IN ('finished', 'failed', 'cancelled')), count(*) FROM tasks WHERE batch = \(batch)
    """
let deadline = clock.now + .seconds(options.timeoutSeconds)
while clock.now < deadline {
    let row = try await pool.query(pollQuery)[0]
    if try row.decode(0, as: Int.self) == 0, try row.decode(1, as: Int.self) >= expected { break }
    try await Task.sleep(for: .milliseconds(100))
}
let wallSeconds = (clock.now - start).seconds
let after = options.processes.map { ProcessStats.read($0.pids) }
_ = pidsAll

let row = try await pool.query("""
    WITH t AS (
        SELECT extract(epoch FROM started_at - created_at) * 1000 AS pickup,
               extract(epoch FROM ended_at - created_at) * 1000 AS total, created_at, ended_at, status
        FROM tasks WHERE batch = \(batch)
    )
    SELECT count(*)::int8, count(*) FILTER (WHERE status = 'finished')::int8,
        coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY pickup), 0)::float8,
        coalesce(percentile_cont(0.95) WITHIN GROUP (ORDER BY pickup), 0)::float8,
        coalesce(percentile_cont(0.99) WITHIN GROUP (ORDER BY pickup), 0)::float8,
        coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY total), 0)::float8,
        coalesce(percentile_cont(0.95) WITHIN GROUP (ORDER BY total), 0)::float8,
        coalesce(percentile_cont(0.99) WITHIN GROUP (ORDER BY total), 0)::float8,
        coalesce(extract(epoch FROM max(ended_at) - min(created_at)), 0)::float8
    FROM t
    """)[0]
let count = try row.decode(0, as: Int.self)
let finishedCount = try row.decode(1, as: Int.self)
let pickup = try (2...4).map { try row.decode($0, as: Double.self) }
let complete = try (5...7).map { try row.decode($0, as: Double.self) }
let span = try row.decode(8, as: Double.self)
await pool.close()

func fmt(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }
let createRate = Double(requests) / createSeconds
let e2e = span > 0 ? Double(finishedCount) / span : 0
let mode = options.rate > 0 ? "open loop \(fmt(options.rate, 0))/s" : "closed loop c=\(options.concurrency)"
print("\(options.label): \(count) tasks (\(finishedCount) finished), \(mode), bulk \(options.bulk)")
print("  create: \(requests) requests in \(fmt(createSeconds, 2)) s = \(fmt(createRate, 0)) requests/s (\(fmt(Double(count) / createSeconds, 0)) tasks/s)"
    + (options.rate > 0 ? ", \(sent.late) sent >5 ms late" : ""))
print("  end to end: \(fmt(e2e, 0)) tasks/s (first created_at to last ended_at \(fmt(span, 2)) s; wall \(fmt(wallSeconds, 2)) s)")
print("  create -> running  ms: p50 \(fmt(pickup[0], 2))  p95 \(fmt(pickup[1], 2))  p99 \(fmt(pickup[2], 2))")
print("  create -> finished ms: p50 \(fmt(complete[0], 2))  p95 \(fmt(complete[1], 2))  p99 \(fmt(complete[2], 2))")
var processFields: [String] = []
for (index, process) in options.processes.enumerated() {
    let cpu = after[index].cpuSeconds - before[index].cpuSeconds
    let switches = Double(after[index].contextSwitches - before[index].contextSwitches) / Double(max(1, count))
    print("  \(process.name): peak RSS \(after[index].peakRSSKiB / 1024) MiB, CPU \(fmt(cpu, 2)) s, "
        + "\(fmt(switches, 1)) context switches per task")
    processFields.append("\(process.name)_rss_mib=\(after[index].peakRSSKiB / 1024) \(process.name)_cpu_s=\(fmt(cpu, 2)) "
        + "\(process.name)_switches_per_task=\(fmt(switches, 1))")
}
print("RESULT \(options.label) tasks=\(count) finished=\(finishedCount) failures=\(sent.failures) create_rps=\(fmt(createRate, 0)) "
    + "create_tps=\(fmt(Double(count) / createSeconds, 0)) e2e_tps=\(fmt(e2e, 0)) "
    + "run_p50=\(fmt(pickup[0], 2)) run_p95=\(fmt(pickup[1], 2)) run_p99=\(fmt(pickup[2], 2)) "
    + "fin_p50=\(fmt(complete[0], 2)) fin_p95=\(fmt(complete[1], 2)) fin_p99=\(fmt(complete[2], 2)) "
    + processFields.joined(separator: " "))
exit(count == options.tasks && finishedCount == count && sent.failures == 0 ? 0 : 1)

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
