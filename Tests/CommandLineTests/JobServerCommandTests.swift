import Foundation
import Testing
import TestSupport

/// `jobserver` subcommands, run as the built binary.
@Suite struct JobServerCommandTests {
    static let amqpURL = "amqp://guest:guest@127.0.0.1:5672/%2f"

    /// Environment for a run against `databaseURL` with a fresh key file.
    static func environment(databaseURL: String, keyFile: String) -> [String: String] {
        [
            "JOBS_CONFIG": TestPostgres.packageRoot.appendingPathComponent("conf/jobserver.yaml").path,
            "JOBS_DATABASE_URL": databaseURL, "JOBS_AMQP_URL": amqpURL, "JOBS_AUTH_KEY_FILE": keyFile,
        ]
    }

    @Test func keygenWritesAPrivateKeyAndNeverOverwrites() throws {
        let key = try CommandRunner.temporaryDirectory() + "/secret.key"
        let first = try CommandRunner.run("jobserver", ["keygen", key])
        #expect(first.status == 0)
        let attributes = try FileManager.default.attributesOfItem(atPath: key)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let text = try String(contentsOfFile: key, encoding: .utf8).trimmingCharacters(in: .newlines)
        #expect(text.count == 64 && text.allSatisfy(\.isHexDigit))
        let second = try CommandRunner.run("jobserver", ["keygen", key])
        #expect(second.status != 0)
        #expect(second.stderr.contains("File exists"))
        #expect(try String(contentsOfFile: key, encoding: .utf8).trimmingCharacters(in: .newlines) == text)
    }

    @Test func checkConfigAcceptsAValidFile() throws {
        let key = try CommandRunner.temporaryDirectory() + "/secret.key"
        _ = try CommandRunner.run("jobserver", ["keygen", key])
        let result = try CommandRunner.run(
            "jobserver", ["check-config"], environment: Self.environment(databaseURL: "postgresql://x@127.0.0.1/db", keyFile: key))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("configuration OK"))
    }

    @Test func checkConfigNamesTheBadKeyAndWhy() throws {
        let dir = try CommandRunner.temporaryDirectory()
        let file = dir + "/bad.yaml"
        try """
            server:
              port: eighty
              colour: red
            database:
              url: mysql://nope
            amqp:
              url: amqp://guest:guest@127.0.0.1/%2f
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let result = try CommandRunner.run("jobserver", ["check-config", file])
        #expect(result.status == 1)
        #expect(result.stderr.contains("server.port: expected an integer"))
        #expect(result.stderr.contains("server.colour: unknown key"))
        #expect(result.stderr.contains("database.url"))
        #expect(result.stderr.contains(file))
    }

    @Test func checkConfigReportsAMissingOrOpenKeyFile() throws {
        let dir = try CommandRunner.temporaryDirectory()
        let missing = try CommandRunner.run(
            "jobserver", ["check-config"], environment: Self.environment(databaseURL: "postgresql://x@h/db", keyFile: dir + "/none.key"))
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("auth.key_file"))
        #expect(missing.stderr.contains(dir + "/none.key"))

        let open = dir + "/open.key"
        _ = try CommandRunner.run("jobserver", ["keygen", open])
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: open)
        let loose = try CommandRunner.run(
            "jobserver", ["check-config"], environment: Self.environment(databaseURL: "postgresql://x@h/db", keyFile: open))
        #expect(loose.status == 1)
        #expect(loose.stderr.contains("chmod 600"))
    }

    @Test func migrateStatusAndServeRefusalOnAPendingSchema() async throws {
        try await TestPostgres.withDatabase { db in
            let key = try CommandRunner.temporaryDirectory() + "/secret.key"
            _ = try CommandRunner.run("jobserver", ["keygen", key])
            let env = Self.environment(databaseURL: db.url, keyFile: key)

            let before = try CommandRunner.run("jobserver", ["migrate", "--status"], environment: env)
            #expect(before.status == 1)
            #expect(before.stdout.contains("pending  0001_initial.sql"))

            let serve = try CommandRunner.run("jobserver", ["serve"], environment: env)
            #expect(serve.status == 1)
            #expect(serve.stderr.contains("pending migrations 0001_initial.sql"))

            let migrate = try CommandRunner.run("jobserver", ["migrate"], environment: env)
            #expect(migrate.status == 0, "\(migrate.stderr)")
            #expect(migrate.stdout.contains("applied 0001_initial.sql"))

            let after = try CommandRunner.run("jobserver", ["migrate", "--status"], environment: env)
            #expect(after.status == 0)
            #expect(after.stdout.contains("applied  0001_initial.sql"))
            #expect(!after.stdout.contains("pending"))
        }
    }

    @Test func migrateNamesAnUnreachableDatabaseWithoutItsPassword() throws {
        let key = try CommandRunner.temporaryDirectory() + "/secret.key"
        let result = try CommandRunner.run(
            "jobserver", ["migrate"],
            environment: Self.environment(databaseURL: "postgresql://jobs:hunter2@127.0.0.1:1/jobserver?connect_timeout=2", keyFile: key))
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot connect to the database"))
        #expect(!result.stderr.contains("hunter2"))
    }
}
