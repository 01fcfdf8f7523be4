import ArgumentParser
import JobServer

/// `jobserver keygen FILE`: writes a fresh key for encrypting user secrets.
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Write a new random key file (32 bytes as 64 hex characters, mode 0600) for auth.key_file.",
        discussion: "Refuses to overwrite an existing file: replacing the key makes every stored user secret unreadable.")

    @Argument(help: "Where to write the key.")
    var file: String

    func run() throws {
        do {
            try SecretKey.generate(path: file)
        } catch {
            throw CommandFailure(error.description)
        }
        print("wrote \(file)")
    }
}
