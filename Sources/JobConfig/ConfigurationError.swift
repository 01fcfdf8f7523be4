/// What is wrong with a configuration: every problem found, each naming its key.
///
/// `description` lists one problem per line, e.g.
/// `server.port: expected an integer from 1 to 65535, got "http"`.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    /// One problem with one key.
    public struct Issue: Sendable, Equatable, CustomStringConvertible {
        /// The dotted key (`server.port`), or the environment variable that set it.
        public var key: String
        /// Why the value is not accepted.
        public var reason: String
        public var description: String { "\(key): \(reason)" }
    }

    /// The file the configuration came from, if any.
    public var file: String?
    /// Every problem found, in file order.
    public var issues: [Issue]

    public var description: String {
        let head = file.map { "invalid configuration in \($0):" } ?? "invalid configuration:"
        return ([head] + issues.map { "  \($0)" }).joined(separator: "\n")
    }
}
