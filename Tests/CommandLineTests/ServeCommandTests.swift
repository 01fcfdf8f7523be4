import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TestSupport

/// `jobserver serve` as a process: starts on a migrated database, answers `/health`, and exits
/// 0 on SIGTERM.
@Suite struct ServeCommandTests {

    /// GET `path` on 127.0.0.1:`port`; nil while nothing answers.
    static func get(port: Int, _ path: String) async -> (status: Int, body: String)? {
        let url = URL(string: "http://127.0.0.1:\(port)\(path)")!
        guard let (data, response) = try? await URLSession.shared.data(from: url),
              let http = response as? HTTPURLResponse else { return nil }
        return (http.statusCode, String(decoding: data, as: UTF8.self))
    }

    @Test func servesHealthAndStopsOnSIGTERM() async throws {
        try await TestPostgres.withDatabase { db in
            let dir = try CommandRunner.temporaryDirectory()
            let key = dir + "/secret.key"
            _ = try CommandRunner.run("jobserver", ["keygen", key])
            let port = try TestPorts.freePort()
            var env = JobServerCommandTests.environment(databaseURL: db.url, keyFile: key)
            env["JOBS_SERVER_PORT"] = "\(port)"
            #expect(try CommandRunner.run("jobserver", ["migrate"], environment: env).status == 0)

            let process = Process()
            process.executableURL = CommandRunner.binDirectory.appendingPathComponent("jobserver")
            process.arguments = ["serve"]
            process.currentDirectoryURL = TestPostgres.packageRoot
            process.environment = ["PATH": "/usr/bin:/bin"].merging(env) { $1 }
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: "/dev/null"))
            try process.run()

            var health: (status: Int, body: String)?
            for _ in 0..<200 where health == nil {
                health = await Self.get(port: port, "/health")
                if health == nil { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(health?.status == 200)
            #expect(health?.body.contains(#""status":"ok""#) == true)

            process.terminate()  // SIGTERM
            // Bounded wait (waitUntilExit spins a run loop and would hang the run on a bug).
            for _ in 0..<300 where process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                Issue.record("jobserver serve did not exit within 30 s of SIGTERM")
                return
            }
            #expect(process.terminationReason == .exit)
            #expect(process.terminationStatus == 0)
        }
    }
}
