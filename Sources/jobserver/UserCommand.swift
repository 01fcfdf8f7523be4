import ArgumentParser
import Foundation
import JobConfig
import JobCore
import JobServer
import JobStore
import Logging
import Postgres

/// `jobserver user add|list|remove|rotate-secret`: manages API users in the database.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage API users: add, list, remove, rotate-secret.",
        discussion: """
            Needs the database (database.url) and the key file (auth.key_file) of the configuration. \
            Secrets are 64 hex characters, printed once, alone on the last line of standard output, \
            and stored only encrypted. Running servers notice removals and rotations within their \
            10-second secret cache.
            """,
        subcommands: [Add.self, List.self, Remove.self, RotateSecret.self])

    /// `jobserver user add NAME [--role ROLE]`.
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user and print its new secret (once, on the last line).")

        @Argument(help: "The user name: 1 to 64 of A-Z a-z 0-9 _ . @ - (no colon, no spaces).")
        var name: String

        @Option(name: .long, help: "admin (everything), user (its own tasks) or consumer (update/status/result of any task).")
        var role: UserRole = .user

        @OptionGroup var options: CommonOptions

        func run() async throws {
            let secret = try await withAccounts(options) { try await $0.add(name: name, role: role) }
            print("added user \(name) with role \(role); its secret (shown only now):")
            print(secret)
        }
    }

    /// `jobserver user list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List users: name, role, created (never secrets).")

        @OptionGroup var options: CommonOptions

        func run() async throws {
            let users = try await withAccounts(options) { try await $0.list() }
            let width = max(4, users.map(\.name.count).max() ?? 0)
            print("NAME".padding(toLength: width, withPad: " ", startingAt: 0) + "  ROLE      CREATED")
            for user in users {
                print(
                    user.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                        + user.role.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0) + "  "
                        + user.createdAt.formatted(.iso8601))
            }
        }
    }

    /// `jobserver user remove NAME`.
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a user (exit status 1 if there is none).")

        @Argument(help: "The user to remove.")
        var name: String

        @OptionGroup var options: CommonOptions

        func run() async throws {
            try await withAccounts(options) { try await $0.remove(name: name) }
            print("removed user \(name)")
        }
    }

    /// `jobserver user rotate-secret NAME`.
    struct RotateSecret: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-secret",
            abstract: "Give a user a new secret and print it (once, on the last line); the old one stops working.")

        @Argument(help: "The user whose secret to replace.")
        var name: String

        @OptionGroup var options: CommonOptions

        func run() async throws {
            let secret = try await withAccounts(options) { try await $0.rotateSecret(name: name) }
            print("new secret of user \(name) (shown only now):")
            print(secret)
        }
    }
}

extension UserRole: ExpressibleByArgument {}

/// Loads the configuration and key, connects, runs `body`, closes; known failures become
/// `CommandFailure` messages (exit status 1).
private func withAccounts<T>(_ options: CommonOptions, _ body: (UserAccounts) async throws -> T) async throws -> T {
    let config = try options.loadConfiguration()
    bootstrapLogging(level: "warning")
    let key: SecretKey
    do { key = try SecretKey.load(path: config.auth.keyFile) } catch { throw CommandFailure(error.description) }
    let connection = try await connectDatabase(config.database.url, logger: Logger(label: "jobserver.user"))
    do {
        let result = try await body(UserAccounts(store: UserStore(connection: connection), key: key))
        await connection.close()
        return result
    } catch let error as UserAccountError {
        await connection.close()
        throw CommandFailure(error.description)
    } catch let error as PostgresError {
        await connection.close()
        throw CommandFailure("database error: \(error)")
    } catch {
        await connection.close()
        throw error
    }
}
