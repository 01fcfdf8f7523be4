import CLibPQ

/// Where and how to connect: a `postgresql://` URL or a libpq conninfo string, validated.
///
/// Any libpq parameter may appear in the string (`sslmode`, `connect_timeout`,
/// `application_name`, `options`, ...). `connectTimeout` and `applicationName` here are defaults
/// that the string overrides. The password never appears in `description`.
///
/// ```swift
/// let config = try PostgresConfiguration(
///     "postgresql://jobs:secret@db.internal:5432/jobs?sslmode=verify-full&connect_timeout=5")
/// print(config)   // postgresql://jobs@db.internal:5432/jobs (sslmode=verify-full)
/// ```
public struct PostgresConfiguration: Sendable, CustomStringConvertible {
    /// The connection string as given (may contain a password: never log it).
    let connectionString: String
    /// The parsed parameters (keyword, value), password included; for `description` and lookups.
    let parameters: [(String, String)]

    /// Default `connect_timeout` in seconds when the string does not set one (libpq's default is
    /// to wait forever).
    public var connectTimeoutSeconds: Int = 10
    /// `fallback_application_name`: used when the string sets no `application_name`.
    public var applicationName: String = "jobserver"
    /// Maximum number of prepared statements kept per connection (0 disables caching). Only
    /// queries without `unescaped:` fragments are prepared, so the set of statements is bounded
    /// by the code.
    public var preparedStatementCacheSize: Int = 256

    static let sslModes: Set<String> = [
        "disable", "allow", "prefer", "require", "verify-ca", "verify-full",
    ]

    /// Parses and validates `connectionString` (URL or conninfo) without connecting.
    ///
    /// - Throws: `PostgresError` with code `.invalidConfiguration`, naming the bad parameter.
    public init(_ connectionString: String) throws(PostgresError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(connectionString, &errorMessage) else {
            var message = "cannot parse the connection string"
            if let errorMessage {
                message += ": " + Self.redactQuoted(String(cString: errorMessage))
                PQfreemem(errorMessage)
            }
            throw PostgresError(code: .invalidConfiguration, message: message)
        }
        // "The return value [of PQconninfoParse] ... should be freed with PQconninfoFree".
        defer { PQconninfoFree(options) }
        var parameters: [(String, String)] = []
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                parameters.append((String(cString: keyword), String(cString: value)))
            }
            option += 1
        }
        self.connectionString = connectionString
        self.parameters = parameters
        try validate()
    }

    /// The value of a libpq parameter set in the string (`"host"`, `"sslmode"`, ...).
    public func parameter(_ keyword: String) -> String? {
        keyword == "password" ? nil : parameters.last(where: { $0.0 == keyword })?.1
    }

    /// A copy that connects to database `name` instead (same server, user and options).
    public func withDatabase(_ name: String) -> PostgresConfiguration {
        var copy = self
        copy.databaseOverride = name
        return copy
    }

    var databaseOverride: String?

    /// `postgresql://user@host:port/db (sslmode=...)`, without the password.
    public var description: String {
        let user = parameter("user").map { "\($0)@" } ?? ""
        let host = parameter("host") ?? parameter("hostaddr") ?? "localhost"
        let port = parameter("port").map { ":\($0)" } ?? ""
        let db = databaseOverride ?? parameter("dbname") ?? ""
        var text = "postgresql://\(user)\(host)\(port)/\(db)"
        if let mode = parameter("sslmode") { text += " (sslmode=\(mode))" }
        return text
    }

    private func validate() throws(PostgresError) {
        if let mode = parameter("sslmode"), !Self.sslModes.contains(mode) {
            throw PostgresError(
                code: .invalidConfiguration,
                message: "invalid sslmode \"\(mode)\": expected one of "
                    + Self.sslModes.sorted().joined(separator: ", "))
        }
        if let timeout = parameter("connect_timeout"), Int(timeout) == nil {
            throw PostgresError(
                code: .invalidConfiguration,
                message: "invalid connect_timeout \"\(timeout)\": expected whole seconds")
        }
    }

    /// Keyword/value pairs for `PQconnectdbParams` with `expand_dbname = 1`: our defaults first,
    /// then the string (its values override ours), then the database override.
    var connectParameters: [(String, String)] {
        var result = [
            ("connect_timeout", String(connectTimeoutSeconds)),
            ("fallback_application_name", applicationName),
            ("dbname", connectionString),
        ]
        if let databaseOverride { result.append(("dbname", databaseOverride)) }
        return result
    }

    /// Replaces quoted fragments in a libpq parse error, which may quote part of a password.
    static func redactQuoted(_ message: String) -> String {
        if message.hasPrefix("invalid connection option") { return message }
        var result = ""
        var inQuote = false
        for character in message {
            if character == "\"" {
                result.append(inQuote ? "…\"" : "\"")
                inQuote.toggle()
            } else if !inQuote {
                result.append(character)
            }
        }
        while result.last?.isNewline == true { result.removeLast() }
        return result
    }
}
