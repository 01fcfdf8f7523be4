import JobCore
import Postgres

/// Reading envelopes and putting tasks into a given status through the API itself.
extension APITestServer {
    /// Creates one task as `user` and returns its id.
    func create(as user: String = "alice", service: String = "echo", condition: String = #"{"n":1}"#, extra: String = "") async throws -> String {
        let body = #"{"data":{"service":"\#(service)","condition":\#(condition)\#(extra.isEmpty ? "" : "," + extra)}}"#
        return try await ok("create_task", as: user, body).string("task_id")
    }

    /// Creates a task owned by `user` and drives it to `status` with the calls the contract
    /// offers (`start:false`, `update_status_task` as admin, `cancel_task`).
    func task(in status: TaskStatus, as user: String = "alice", service: String = "echo") async throws -> String {
        let id = try await create(as: user, service: service, extra: status == .ready ? #""start":false"# : "")
        try await drive(id, to: status)
        return id
    }

    /// Moves a freshly created (ready or waiting) task on to `status`.
    func drive(_ id: String, to status: TaskStatus) async throws {
        switch status {
        case .ready, .waiting: return
        case .cancelled:
            try await ok("cancel_task", as: "root", #"{"task_id":"\#(id)"}"#)
        case .running, .finished, .failed:
            try await ok("update_status_task", as: "root", #"{"task_id":"\#(id)","status":"running"}"#)
            if status != .running {
                try await ok("update_status_task", as: "root", #"{"task_id":"\#(id)","status":"\#(status.rawValue)"}"#)
            }
        }
    }

    /// The task's status as `status_task` reports it to `root`.
    func status(of id: String) async throws -> String {
        let reply = try await ok("status_task", as: "root", #"{"data":[{"task_id":"\#(id)"}]}"#)
        return try reply.array("status")[0].string("status")
    }

    /// The task's row count in `tasks` (0 or 1), read directly.
    func exists(_ id: String) async throws -> Bool {
        try await pool.query("SELECT count(*) FROM tasks WHERE task_id = \(id)")[0].decode(0, as: Int.self) == 1
    }

    /// Every `task_events` row of a task, oldest first: (actor, from, to).
    func events(of id: String) async throws -> [Event] {
        let rows = try await pool.query("SELECT actor, from_status, to_status FROM task_events WHERE task_id = \(id) ORDER BY id")
        return try rows.map { Event(actor: try $0.decode(0), from: try $0.decode(1), to: try $0.decode(2)) }
    }

    /// Number of tasks in the database.
    func taskCount() async throws -> Int {
        try await pool.query("SELECT count(*) FROM tasks")[0].decode(0, as: Int.self)
    }

    struct Event: Equatable, CustomStringConvertible {
        var actor: String
        var from: String?
        var to: String
        var description: String { "\(actor): \(from ?? "nil") -> \(to)" }
    }
}

struct JSONShapeError: Error, CustomStringConvertible {
    var description: String
}

/// Typed reads of parsed replies; a wrong shape throws (the test fails with the path).
extension JSONValue {
    func string(_ key: String) throws -> String {
        guard case .string(let text)? = self[key] else { throw JSONShapeError(description: "\(key) is not a string in \(self)") }
        return text
    }

    func int(_ key: String) throws -> Int {
        guard case .number(let text)? = self[key], let value = Int(text) else {
            throw JSONShapeError(description: "\(key) is not an integer in \(self)")
        }
        return value
    }

    func array(_ key: String) throws -> [JSONValue] {
        guard case .array(let items)? = self[key] else { throw JSONShapeError(description: "\(key) is not an array in \(self)") }
        return items
    }

    func isNull(_ key: String) -> Bool { self[key] == .null }

    /// The same JSON up to key order (the last of repeated keys wins, as in jsonb), numbers
    /// compared by their exact decimal value, never through a `Double`.
    func sameJSON(as other: JSONValue) -> Bool {
        switch (self, other) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.string(let a), .string(let b)): return a.unicodeScalars.elementsEqual(b.unicodeScalars)
        case (.number(let a), .number(let b)): return ExactDecimal(a) == ExactDecimal(b)
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.sameJSON(as: $1) }
        case (.object(let a), .object(let b)):
            let left = Dictionary(a.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
            let right = Dictionary(b.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
            return left.count == right.count && left.allSatisfy { key, value in right[key].map { value.sameJSON(as: $0) } ?? false }
        default: return false
        }
    }
}

/// A JSON number as sign, digits and exponent, normalised (no leading / trailing zeros), so
/// `1.50`, `15e-1` and `1.5` compare equal and no digit is ever rounded.
struct ExactDecimal: Equatable {
    var negative: Bool
    var digits: String
    var exponent: Int

    init(_ text: String) {
        var mantissa = Substring(text)
        var exponent = 0
        if let e = mantissa.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(mantissa[mantissa.index(after: e)...].replacingOccurrences(of: "+", with: "")) ?? 0
            mantissa = mantissa[..<e]
        }
        var negative = mantissa.hasPrefix("-")
        if negative { mantissa = mantissa.dropFirst() }
        var digits = String(mantissa)
        if let dot = digits.firstIndex(of: ".") {
            exponent -= digits.distance(from: dot, to: digits.endIndex) - 1
            digits.remove(at: dot)
        }
        while digits.hasPrefix("0") { digits.removeFirst() }
        while digits.hasSuffix("0") {
            digits.removeLast()
            exponent += 1
        }
        if digits.isEmpty { (negative, exponent) = (false, 0) }
        self.negative = negative
        self.digits = digits
        self.exponent = exponent
    }
}
