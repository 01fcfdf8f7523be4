import Foundation
import JobCore
import Yams

/// The whole configuration of `jobserver` and `jobworker`: one YAML file (`conf/jobserver.yaml`
/// documents every key), each key overridable by `JOBS_<SECTION>_<KEY>` in the environment.
///
/// ```swift
/// let config = try Configuration.load(file: "conf/jobserver.yaml")
/// print(config.server.port)
/// ```
public struct Configuration: Sendable, Equatable {
    public var server = ServerConfig()
    public var database = DatabaseConfig()
    public var amqp = AMQPConfig()
    public var auth = AuthConfig()
    public var tasks = TasksConfig()
    /// Services the server accepts besides those announced by live workers.
    public var services: [ServiceDefinition] = []
    public var worker = WorkerConfig()

    public init() {}

    /// The sections and what reads each; `services` is a list and read apart.
    static let sectionNames = ["server", "database", "amqp", "auth", "tasks", "worker"]

    /// Parses YAML text and applies environment overrides.
    ///
    /// - Parameters:
    ///   - yaml: the file's text (may be empty: then every key comes from defaults or environment).
    ///   - environment: variables to read `JOBS_<SECTION>_<KEY>` overrides from.
    ///   - file: the file's path, for messages.
    /// - Throws: `ConfigurationError` listing every bad key, unknown key and missing required key.
    public static func parse(
        yaml: String, environment: [String: String] = ProcessInfo.processInfo.environment, file: String? = nil
    ) throws(ConfigurationError) -> Configuration {
        var issues: [ConfigurationError.Issue] = []
        var top: [String: Node] = [:]
        do {
            if let root = try Yams.compose(yaml: yaml), root.null == nil {
                guard let pairs = root.mapping else {
                    throw ConfigurationError(file: file, issues: [.init(key: "(top level)", reason: "expected a mapping of sections")])
                }
                for (key, value) in pairs { if let name = key.string { top[name] = value } }
            }
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError(file: file, issues: [.init(key: "(syntax)", reason: "not valid YAML: \(error)")])
        }
        for key in top.keys.sorted() where !sectionNames.contains(key) && key != "services" {
            issues.append(.init(key: key, reason: "unknown section"))
        }

        var config = Configuration()
        func section<T>(_ name: String, _ make: (ConfigReader) -> T) -> T {
            let reader = ConfigReader(section: name, node: top[name], environment: environment)
            let value = make(reader)
            reader.reportUnknownKeys()
            issues += reader.issues
            return value
        }
        config.server = section("server", ServerConfig.init)
        config.database = section("database", DatabaseConfig.init)
        config.amqp = section("amqp", AMQPConfig.init)
        config.auth = section("auth", AuthConfig.init)
        config.tasks = section("tasks", TasksConfig.init)
        config.worker = section("worker", WorkerConfig.init)
        config.services = ServiceDefinition.list(from: top["services"], issues: &issues)
        for tag in config.worker.tags where !TaskTag.isValid(tag) {
            issues.append(.init(key: "worker.tags", reason: "tag \"\(tag)\" does not match [A-Za-z0-9_.-]{1,64}"))
        }
        for name in config.worker.services where !ServiceName.isValid(name) {
            issues.append(.init(key: "worker.services", reason: "\"\(name)\" does not match [a-z][a-z0-9_]{0,62}"))
        }
        guard issues.isEmpty else { throw ConfigurationError(file: file, issues: issues) }
        return config
    }

    /// Reads `file` (or, when nil, `$JOBS_CONFIG`, else `conf/jobserver.yaml` if it exists, else
    /// nothing) and applies environment overrides.
    /// - Throws: `ConfigurationError`, also when the file cannot be read.
    public static func load(
        file: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) -> Configuration {
        let path = file ?? environment["JOBS_CONFIG"] ?? (FileManager.default.fileExists(atPath: defaultPath) ? defaultPath : nil)
        guard let path else { return try parse(yaml: "", environment: environment) }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(file: path, issues: [.init(key: "(file)", reason: "cannot read \(path)")])
        }
        return try parse(yaml: text, environment: environment, file: path)
    }

    /// The file read when neither `--config` nor `JOBS_CONFIG` names one.
    public static let defaultPath = "conf/jobserver.yaml"
}
