import Foundation
import Testing
import TestSupport

/// `jobserver user add|list|remove|rotate-secret`, run as the built binary against a fresh
/// database.
@Suite struct UserCommandTests {
    /// A migrated database, a key file and the environment pointing at both.
    static func withSetup(_ body: ([String: String]) throws -> Void) async throws {
        try await TestPostgres.withDatabase { db in
            let key = try CommandRunner.temporaryDirectory() + "/secret.key"
            _ = try CommandRunner.run("jobserver", ["keygen", key])
            let env = JobServerCommandTests.environment(databaseURL: db.url, keyFile: key)
            let migrate = try CommandRunner.run("jobserver", ["migrate"], environment: env)
            try #require(migrate.status == 0, "\(migrate.stderr)")
            try body(env)
        }
    }

    /// The last line of `text`, which must be a fresh secret: 64 lowercase hex characters.
    static func secret(_ text: String) -> String? {
        guard let last = text.split(separator: "\n").last.map(String.init),
            last.count == 64, last.allSatisfy({ "0123456789abcdef".contains($0) })
        else { return nil }
        return last
    }

    @Test func addListRotateRemove() async throws {
        try await Self.withSetup { env in
            let add = try CommandRunner.run("jobserver", ["user", "add", "alice", "--role", "admin"], environment: env)
            #expect(add.status == 0, "\(add.stderr)")
            let secret = try #require(Self.secret(add.stdout), "\(add.stdout)")
            #expect(!add.stderr.contains(secret))

            let plain = try CommandRunner.run("jobserver", ["user", "add", "bob"], environment: env)
            #expect(plain.status == 0)
            let bobSecret = try #require(Self.secret(plain.stdout))
            #expect(bobSecret != secret)

            let duplicate = try CommandRunner.run("jobserver", ["user", "add", "alice"], environment: env)
            #expect(duplicate.status == 1)
            #expect(duplicate.stderr.contains("a user named alice already exists"))
            #expect(Self.secret(duplicate.stdout) == nil)

            let list = try CommandRunner.run("jobserver", ["user", "list"], environment: env)
            #expect(list.status == 0)
            let lines = list.stdout.split(separator: "\n").map(String.init)
            #expect(lines.count == 3)
            #expect(lines[0].hasPrefix("NAME"))
            #expect(lines[1].hasPrefix("alice") && lines[1].contains("admin"))
            #expect(lines[2].hasPrefix("bob") && lines[2].contains("user"))
            #expect(!list.stdout.contains(secret) && !list.stdout.contains(bobSecret))

            let rotate = try CommandRunner.run("jobserver", ["user", "rotate-secret", "alice"], environment: env)
            #expect(rotate.status == 0)
            let rotated = try #require(Self.secret(rotate.stdout))
            #expect(rotated != secret)

            let remove = try CommandRunner.run("jobserver", ["user", "remove", "bob"], environment: env)
            #expect(remove.status == 0)
            let again = try CommandRunner.run("jobserver", ["user", "remove", "bob"], environment: env)
            #expect(again.status == 1)
            #expect(again.stderr.contains("no user named bob"))
            let rotateMissing = try CommandRunner.run("jobserver", ["user", "rotate-secret", "bob"], environment: env)
            #expect(rotateMissing.status == 1)
            #expect(Self.secret(rotateMissing.stdout) == nil)
        }
    }

    @Test func badInputIsRefused() async throws {
        try await Self.withSetup { env in
            let role = try CommandRunner.run("jobserver", ["user", "add", "carol", "--role", "root"], environment: env)
            #expect(role.status == 64)
            #expect(role.stderr.contains("root"))
            let name = try CommandRunner.run("jobserver", ["user", "add", "a:b"], environment: env)
            #expect(name.status == 1)
            #expect(name.stderr.contains("invalid user name"))
            let list = try CommandRunner.run("jobserver", ["user", "list"], environment: env)
            #expect(list.stdout.split(separator: "\n").count == 1)
        }
    }

    @Test func needsTheKeyFile() async throws {
        try await TestPostgres.withDatabase { db in
            let missing = try CommandRunner.temporaryDirectory() + "/none.key"
            let env = JobServerCommandTests.environment(databaseURL: db.url, keyFile: missing)
            let add = try CommandRunner.run("jobserver", ["user", "add", "alice"], environment: env)
            #expect(add.status == 1)
            #expect(add.stderr.contains(missing))
        }
    }

    @Test func helpDescribesEveryOption() throws {
        let help = try CommandRunner.run("jobserver", ["user", "add", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("--role"))
        #expect(help.stdout.contains("admin"))
        #expect(help.stdout.contains("--config"))
        let top = try CommandRunner.run("jobserver", ["user", "--help"])
        for sub in ["add", "list", "remove", "rotate-secret"] { #expect(top.stdout.contains(sub)) }
    }
}
