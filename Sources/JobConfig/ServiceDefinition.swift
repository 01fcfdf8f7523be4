import JobCore
import Yams

/// One entry of `services:` — a service the server accepts tasks for, with its defaults.
public struct ServiceDefinition: Sendable, Equatable {
    /// The service name, `[a-z][a-z0-9_]{0,62}`.
    public var name: String
    /// The seed's `source_name`, passed in each task message. Default: the name.
    public var sourceName: String
    /// Overrides `tasks.default_max_attempts` for this service.
    public var maxAttempts: Int?
    /// Overrides `tasks.default_timeout` for this service, in seconds.
    public var timeout: Double?

    public init(name: String, sourceName: String? = nil, maxAttempts: Int? = nil, timeout: Double? = nil) {
        self.name = name
        self.sourceName = sourceName ?? name
        self.maxAttempts = maxAttempts
        self.timeout = timeout
    }

    /// Reads the `services:` list; a plain name is shorthand for `{name: NAME}`.
    static func list(from node: Node?, issues: inout [ConfigurationError.Issue]) -> [ServiceDefinition] {
        guard let node, node.null == nil else { return [] }
        guard let items = node.sequence else {
            issues.append(.init(key: "services", reason: "expected a list of services"))
            return []
        }
        var result: [ServiceDefinition] = []
        for (index, item) in items.enumerated() {
            let key = "services[\(index)]"
            if let name = item.string {
                result.append(ServiceDefinition(name: name))
            } else if let mapping = item.mapping {
                var fields: [String: Node] = [:]
                for (k, v) in mapping { if let k = k.string { fields[k] = v } }
                for unknown in fields.keys.sorted() where !["name", "source_name", "max_attempts", "timeout"].contains(unknown) {
                    issues.append(.init(key: "\(key).\(unknown)", reason: "unknown key"))
                }
                let maxAttempts = fields["max_attempts"].map { $0.int }
                let timeout = fields["timeout"].map { $0.float }
                if case .some(nil) = maxAttempts { issues.append(.init(key: "\(key).max_attempts", reason: "expected an integer >= 1")) }
                if case .some(nil) = timeout { issues.append(.init(key: "\(key).timeout", reason: "expected a number of seconds > 0")) }
                result.append(ServiceDefinition(
                    name: fields["name"]?.string ?? "", sourceName: fields["source_name"]?.string,
                    maxAttempts: maxAttempts ?? nil, timeout: timeout ?? nil))
            } else {
                issues.append(.init(key: key, reason: "expected a service name or a mapping"))
                continue
            }
            let service = result[result.count - 1]
            if !ServiceName.isValid(service.name) {
                issues.append(.init(key: "\(key).name", reason: "expected a name matching [a-z][a-z0-9_]{0,62}, got \"\(service.name)\""))
            }
            if let m = service.maxAttempts, m < 1 { issues.append(.init(key: "\(key).max_attempts", reason: "expected an integer >= 1")) }
            if let t = service.timeout, !(t > 0) { issues.append(.init(key: "\(key).timeout", reason: "expected a number of seconds > 0")) }
        }
        let names = result.map(\.name)
        for name in Set(names) where names.filter({ $0 == name }).count > 1 {
            issues.append(.init(key: "services", reason: "service \"\(name)\" is listed twice"))
        }
        return result
    }
}
