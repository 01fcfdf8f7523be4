import Foundation
import Testing

@testable import PosixIO

@Suite struct StageTraceTests {
    @Test func concurrentWritersAppendWholeLines() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("stage-\(UUID().uuidString).trace").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try #require(StageTraceFile(path: path))
        await withTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    for round in 0..<200 {
                        file.write(stage: "claim.sent", ids: ["ts_a_\(writer)_\(round)", "ts_b_\(writer)_\(round)"], microseconds: 1_700_000_000_000_000 + Int64(round))
                    }
                }
            }
        }
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 8 * 200 * 2)
        #expect(Set(lines).count == lines.count)
        for line in lines {
            let fields = line.split(separator: " ")
            #expect(fields.count == 3 && fields[0] == "claim.sent" && fields[1].hasPrefix("ts_") && Int64(fields[2]) != nil)
        }
    }

    @Test func nothingIsWrittenForNoIds() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("stage-\(UUID().uuidString).trace").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try #require(StageTraceFile(path: path))
        file.write(stage: "claim.sent", ids: [], microseconds: 1)
        #expect(try String(contentsOfFile: path, encoding: .utf8).isEmpty)
    }

    @Test func unopenablePathGivesNil() {
        #expect(StageTraceFile(path: "/nonexistent-dir/stage.trace") == nil)
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["JOBS_STAGE_TRACE"] == nil))
    func offWithoutTheEnvironmentVariable() {
        #expect(!StageTrace.isEnabled)
        StageTrace.mark("claim.sent", { Issue.record("ids evaluated while tracing is off"); return [] }())
        StageTrace.$tasks.withValue(["ts_a_1"]) { StageTrace.markTasks("statement.begin") }
    }
}
