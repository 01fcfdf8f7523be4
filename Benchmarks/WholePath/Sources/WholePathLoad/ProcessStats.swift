import Glibc

/// CPU seconds (user + system), peak RSS and context switches of processes, from /proc.
struct ProcessStats {
    var cpuSeconds: Double
    var peakRSSKiB: Int
    /// Voluntary and involuntary context switches of the processes' live threads (a thread that
    /// ended during the run takes its count with it).
    var contextSwitches: Int

    static func read(_ pids: [Int32]) -> ProcessStats {
        var total = ProcessStats(cpuSeconds: 0, peakRSSKiB: 0, contextSwitches: 0)
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        for pid in pids {
            if let stat = contents("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") {
                let fields = stat[stat.index(after: close)...].split(separator: " ")
                // After the command: state is field 3, utime 14, stime 15 (1-based in proc(5)).
                if fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) {
                    total.cpuSeconds += (user + system) / ticks
                }
            }
            if let status = contents("/proc/\(pid)/status") {
                for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
                    total.peakRSSKiB += Int(line.split(separator: " ")[1]) ?? 0
                }
            }
            total.contextSwitches += threadIDs(pid).reduce(0) { $0 + contextSwitches(pid: pid, thread: $1) }
        }
        return total
    }

    private static func threadIDs(_ pid: Int32) -> [String] {
        guard let directory = opendir("/proc/\(pid)/task") else { return [] }
        defer { closedir(directory) }
        var ids: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.first?.isNumber == true { ids.append(name) }
        }
        return ids
    }

    private static func contextSwitches(pid: Int32, thread: String) -> Int {
        guard let status = contents("/proc/\(pid)/task/\(thread)/status") else { return 0 }
        return status.split(separator: "\n")
            .filter { $0.hasPrefix("voluntary_ctxt_switches:") || $0.hasPrefix("nonvoluntary_ctxt_switches:") }
            .reduce(0) { $0 + (Int($1.split(separator: "\t").last ?? "") ?? 0) }
    }

    private static func contents(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&chunk, 1, chunk.count, file)
            if n <= 0 { break }
            bytes.append(contentsOf: chunk[..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
