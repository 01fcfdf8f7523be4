/// Command line of the load generator (`--key value` pairs; see `usage`).
struct Options {
    var port: UInt16 = 8080
    var user = ""
    var secret = ""
    var database = ""
    var service = "echo"
    var tasks = 10_000
    var concurrency = 32
    var bulk = 1
    /// Open loop: tasks per second (single creates at fixed times); 0 = closed loop.
    var rate = 0.0
    var label = "ours"
    var batch = ""
    var timeoutSeconds = 300.0
    var processes: [(name: String, pids: [Int32])] = []

    static let usage = """
        usage: WholePathLoad --port P --user U --secret S --database URL [--tasks N] [--concurrency C]
                             [--bulk B] [--rate R] [--service echo] [--label NAME] [--batch NAME]
                             [--timeout SECONDS] [--proc NAME=PID[,PID...]]...
        """

    static func parse(_ arguments: [String]) -> Options? {
        var options = Options()
        var index = 0
        while index < arguments.count {
            let key = arguments[index]
            guard index + 1 < arguments.count else { return nil }
            let value = arguments[index + 1]
            index += 2
            switch key {
            case "--port": options.port = UInt16(value) ?? 0
            case "--user": options.user = value
            case "--secret": options.secret = value
            case "--database": options.database = value
            case "--service": options.service = value
            case "--tasks": options.tasks = Int(value) ?? 0
            case "--concurrency": options.concurrency = Int(value) ?? 0
            case "--bulk": options.bulk = max(1, Int(value) ?? 1)
            case "--rate": options.rate = Double(value) ?? 0
            case "--label": options.label = value
            case "--batch": options.batch = value
            case "--timeout": options.timeoutSeconds = Double(value) ?? 300
            case "--proc":
                let parts = value.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { return nil }
                options.processes.append((String(parts[0]), parts[1].split(separator: ",").compactMap { Int32($0) }))
            default: return nil
            }
        }
        guard options.port > 0, !options.database.isEmpty, options.tasks > 0, options.concurrency > 0 else { return nil }
        return options
    }
}
