import Glibc

/// CPU seconds (user + system) and peak RSS of processes, from /proc.
struct ProcessStats {
    var cpuSeconds: Double
    var peakRSSKiB: Int

    static func read(_ pids: [Int32]) -> ProcessStats {
        var total = ProcessStats(cpuSeconds: 0, peakRSSKiB: 0)
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
        }
        return total
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
