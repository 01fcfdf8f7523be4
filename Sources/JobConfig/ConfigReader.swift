import Foundation
import Yams

/// Reads one section of the configuration: the YAML mapping, overridden key by key by
/// `JOBS_<SECTION>_<KEY>` environment variables, collecting every problem instead of stopping at
/// the first. Keys in the file that no section reads are reported as unknown.
public final class ConfigReader {
    private let section: String
    private let mapping: [String: Node]
    private let environment: [String: String]
    private var readKeys: Set<String> = []
    /// Problems found so far, shared by all sections of one load.
    private(set) var issues: [ConfigurationError.Issue] = []

    init(section: String, node: Node?, environment: [String: String]) {
        self.section = section
        self.environment = environment
        var mapping: [String: Node] = [:]
        if let node {
            if let pairs = node.mapping {
                for (key, value) in pairs { if let name = key.string { mapping[name] = value } }
            } else if node.null == nil {
                issues.append(.init(key: section, reason: "expected a mapping of keys to values"))
            }
        }
        self.mapping = mapping
    }

    /// Records a problem with `key` of this section.
    func fail(_ key: String, _ reason: String) {
        issues.append(.init(key: "\(section).\(key)", reason: reason))
    }

    /// The environment variable that overrides `key`: `JOBS_SERVER_PORT` for `server.port`.
    func environmentName(_ key: String) -> String { "JOBS_\(section)_\(key)".uppercased() }

    /// The raw value of `key`: the environment's if set, else the file's scalar, else nil.
    /// Returns the text and where it came from (for messages).
    private func scalar(_ key: String) -> (text: String, source: String)? {
        readKeys.insert(key)
        let variable = environmentName(key)
        if let value = environment[variable] { return (value, variable) }
        guard let node = mapping[key] else { return nil }
        if node.null != nil { return nil }
        guard let text = node.string else {
            fail(key, "expected a single value, got a \(node.mapping != nil ? "mapping" : "list")")
            return nil
        }
        return (text, "\(section).\(key)")
    }

    private func issue(_ source: String, _ reason: String) {
        issues.append(.init(key: source, reason: reason))
    }

    /// A string value, or `defaultValue` when absent.
    func string(_ key: String, default defaultValue: String) -> String {
        scalar(key)?.text ?? defaultValue
    }

    /// An optional string value.
    func optionalString(_ key: String) -> String? {
        guard let text = scalar(key)?.text, !text.isEmpty else { return nil }
        return text
    }

    /// An integer within `range`, or `defaultValue` when absent or invalid (invalid is reported).
    func int(_ key: String, default defaultValue: Int, in range: ClosedRange<Int>) -> Int {
        guard let (text, source) = scalar(key) else { return defaultValue }
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
            issue(source, "expected an integer from \(range.lowerBound) to \(range.upperBound), got \"\(text)\"")
            return defaultValue
        }
        return value
    }

    /// A number of seconds within `range` (fractions allowed).
    func seconds(_ key: String, default defaultValue: Double, in range: ClosedRange<Double>) -> Double {
        guard let (text, source) = scalar(key) else { return defaultValue }
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite,
              range.contains(value) else {
            issue(source, "expected a number of seconds from \(range.lowerBound) to \(range.upperBound), got \"\(text)\"")
            return defaultValue
        }
        return value
    }

    /// A boolean (`true` / `false`, also `yes` / `no`, `1` / `0` from the environment).
    func bool(_ key: String, default defaultValue: Bool) -> Bool {
        guard let (text, source) = scalar(key) else { return defaultValue }
        switch text.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default:
            issue(source, "expected true or false, got \"\(text)\"")
            return defaultValue
        }
    }

    /// One of `choices`.
    func choice(_ key: String, default defaultValue: String, from choices: [String]) -> String {
        guard let (text, source) = scalar(key) else { return defaultValue }
        guard choices.contains(text) else {
            issue(source, "expected one of \(choices.joined(separator: ", ")), got \"\(text)\"")
            return defaultValue
        }
        return text
    }

    /// A list of strings: a YAML sequence, or a comma-separated environment value.
    func stringList(_ key: String) -> [String] {
        readKeys.insert(key)
        if let value = environment[environmentName(key)] {
            return value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        guard let node = mapping[key], node.null == nil else { return [] }
        if let text = node.string { return text.isEmpty ? [] : [text] }
        guard let items = node.sequence else {
            fail(key, "expected a list of strings")
            return []
        }
        var result: [String] = []
        for item in items {
            guard let text = item.string else { fail(key, "expected a list of strings"); return [] }
            result.append(text)
        }
        return result
    }

    /// The raw YAML node of `key`, for structured values (the `services` list).
    func node(_ key: String) -> Node? {
        readKeys.insert(key)
        return mapping[key]
    }

    /// Reports every key of the file's section that was never read.
    func reportUnknownKeys() {
        for key in mapping.keys.sorted() where !readKeys.contains(key) {
            fail(key, "unknown key")
        }
    }
}
