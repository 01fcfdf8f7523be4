import ArgumentParser
import JobConfig
import JobServer

/// `jobserver check-config [FILE]`: validates a configuration and names every bad key.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate a configuration file (with environment overrides) and name any bad key and why.",
        discussion: "Checks unknown keys, wrong types and ranges, URL shapes, and that auth.key_file exists with mode 0600 and holds a key. Exit status 0 when valid, 1 otherwise.")

    @Argument(help: "The file to check (default: --config, $JOBS_CONFIG, else conf/jobserver.yaml).")
    var file: String?

    @OptionGroup var options: CommonOptions

    func run() throws {
        var problems: [String] = []
        let path = file ?? options.config
        do {
            let config = try Configuration.load(file: path)
            do { _ = try SecretKey.load(path: config.auth.keyFile) } catch { problems.append("  auth.key_file: \(error)") }
            if !problems.isEmpty {
                throw CommandFailure((["invalid configuration\(path.map { " in \($0)" } ?? ""):"] + problems).joined(separator: "\n"))
            }
        } catch let error as ConfigurationError {
            throw CommandFailure(error.description)
        }
        print("configuration OK\(path.map { ": \($0)" } ?? "")")
    }
}
