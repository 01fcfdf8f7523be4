import Foundation
import JobCore

/// The task functions a worker runs, by service name. Registration is in code: build a
/// registry, register typed functions, hand it to the worker.
///
/// ```swift
/// var registry = TaskRegistry()
/// struct Resize: Codable, Sendable { var url: String; var width: Int }
/// try registry.register("resize", input: Resize.self) { input, context in
///     await context.progress(0.5, "downloaded")
///     return ["url": "s3://out/\(input.width).png"]
/// }
/// ```
public struct TaskRegistry: Sendable {
    /// A registered function, its input decoding and output encoding erased.
    struct Entry: Sendable {
        let options: TaskOptions
        /// Decodes the condition, runs the function, encodes its output as JSON text.
        let run: @Sendable (_ condition: [UInt8], _ context: TaskContext) async throws -> String
    }

    private(set) var entries: [String: Entry] = [:]

    public init() {}

    /// The registered service names, sorted.
    public var services: [String] { entries.keys.sorted() }

    /// Registers `body` under `service`: the task's condition is decoded as `Input`, the returned
    /// `Output` is stored as the task's result (JSON).
    ///
    /// - Throws: `RegistrationError` for a name that is not `[a-z][a-z0-9_]{0,62}` or already
    ///   registered, so mistakes fail at start-up, not when a task arrives.
    public mutating func register<Input: Decodable & Sendable, Output: Encodable & Sendable>(
        _ service: String, input: Input.Type = Input.self, options: TaskOptions = TaskOptions(),
        _ body: @escaping @Sendable (Input, TaskContext) async throws -> Output
    ) throws(RegistrationError) {
        guard ServiceName.isValid(service) else { throw .invalidName(service) }
        guard entries[service] == nil else { throw .duplicate(service) }
        if let attempts = options.maxAttempts, attempts < 1 { throw .invalidOptions(service, "maxAttempts must be at least 1") }
        entries[service] = Entry(options: options) { condition, context in
            let input: Input
            do {
                input = try JSONDecoder().decode(Input.self, from: Data(condition))
            } catch {
                throw PermanentFailure("condition does not match \(Input.self): \(Self.describe(error))")
            }
            let output = try await body(input, context)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(output), as: UTF8.self)
        }
    }

    /// Registers a function that takes the condition as JSON text and returns the result as
    /// JSON text, exactly: nothing is decoded or re-encoded, so numbers keep every digit.
    /// - Throws: `RegistrationError`, as `register`; the returned text must be valid JSON.
    public mutating func registerJSON(
        _ service: String, options: TaskOptions = TaskOptions(),
        _ body: @escaping @Sendable (_ condition: String, TaskContext) async throws -> String
    ) throws(RegistrationError) {
        guard ServiceName.isValid(service) else { throw .invalidName(service) }
        guard entries[service] == nil else { throw .duplicate(service) }
        entries[service] = Entry(options: options) { condition, context in
            let output = try await body(String(decoding: condition, as: UTF8.self), context)
            guard (try? JSONParser.parse(output)) != nil else { throw PermanentFailure("the function returned text that is not JSON") }
            return output
        }
    }

    func entry(_ service: String) -> Entry? { entries[service] }

    private static func describe(_ error: Error) -> String {
        guard let decoding = error as? DecodingError else { return "\(error)" }
        switch decoding {
        case .keyNotFound(let key, _): return "missing key \(key.stringValue)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

/// A mistake in registering task functions.
public enum RegistrationError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidName(String)
    case duplicate(String)
    case invalidOptions(String, String)

    public var description: String {
        switch self {
        case .invalidName(let name): "invalid service name \"\(name)\": it must match [a-z][a-z0-9_]{0,62}"
        case .duplicate(let name): "service \"\(name)\" is registered twice"
        case .invalidOptions(let name, let why): "service \"\(name)\": \(why)"
        }
    }
}
