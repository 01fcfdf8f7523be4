import Foundation
import JobCore
import JobCrypto
import Logging

/// Checks the API's authentication (docs/api.md, "Authentication"): the `_` query parameter
/// and `Authorization: Basic base64(user ":" md5hex(secret "@" _))`.
///
/// Order of checks, each failing at once:
/// 1. `_` is 1–18 ASCII digits and within `windowSeconds` of now, bounds included → else 2100.
///    (This needs no user data, so answering it first reveals nothing.)
/// 2. exactly one `Authorization` header, `Basic`, valid padded base64, a colon → else 401.
/// 3. the user's secret (from the `UserSecrets` cache); the digest must equal
///    `md5hex(secret "@" _)` or the legacy `md5hex(secret "@" _ ".0")`, lowercase, compared in
///    constant time → else 401. Unknown users, invalid names and wrong digests get the same
///    answer, and a digest is computed and compared for them too (against a random dummy
///    secret), so the work done does not tell them apart either.
///    A database failure while loading the user → 5030 (HTTP 503).
///
/// Secrets, digests and `Authorization` values are never logged; failures are logged at debug
/// level with the user name and reason.
///
/// ```swift
/// switch await authenticator.authenticate(
///     authorization: request.headers["Authorization"], timestampParameter: request.queryItems["_"]) {
/// case .success(let user): ... user.name, user.role ...
/// case .failure(let failure): ... envelope(code: failure.code, message: failure.message),
///                                 status failure.httpStatus, WWW-Authenticate failure.challenge
/// }
/// ```
public struct Authenticator: Sendable {
    /// Seconds `_` may differ from the server's clock, either way (`auth.window_seconds`).
    public let windowSeconds: Int
    private let secrets: UserSecrets
    private let logger: Logger
    /// Compared against for unknown users, so they cost what known users cost.
    private let dummySecret: [UInt8]

    /// - Parameters:
    ///   - secrets: the cache of decrypted user secrets.
    ///   - windowSeconds: `auth.window_seconds` (default 60).
    ///   - logger: for failures (debug) and store errors (warning); never secrets.
    public init(secrets: UserSecrets, windowSeconds: Int = 60, logger: Logger) {
        self.secrets = secrets
        self.windowSeconds = windowSeconds
        self.logger = logger
        dummySecret = Array(Digest.hex((try? SecureRandom.bytes(32)) ?? Array(repeating: 0x5a, count: 32)).utf8)
    }

    /// Authenticates one request.
    /// - Parameters:
    ///   - authorization: the `Authorization` header value, nil if absent.
    ///   - timestampParameter: the percent-decoded `_` query parameter, nil if absent.
    ///   - now: the current time (tests pass a fixed one).
    /// - Returns: the user, or why not (never throws).
    public func authenticate(
        authorization: String?, timestampParameter: String?, now: Date = Date()
    ) async -> Result<AuthenticatedUser, AuthFailure> {
        guard let timestamp = AuthTimestamp.parse(timestampParameter) else {
            return .failure(AuthFailure(
                .invalidTimestamp,
                message: "query parameter _ must be the current UTC time in integer seconds"))
        }
        let nowSeconds = Int(now.timeIntervalSince1970.rounded(.down))
        guard AuthTimestamp.isFresh(timestamp, now: nowSeconds, window: windowSeconds) else {
            return .failure(AuthFailure(
                .expired,
                message: "request expired: _ is outside the \(windowSeconds) s window of the server's clock"))
        }
        guard let authorization else {
            return .failure(AuthFailure(.missingCredentials, message: "missing Authorization header"))
        }
        guard let credentials = BasicCredentials.parse(authorization) else {
            return .failure(AuthFailure(
                .malformedCredentials,
                message: #"malformed Authorization header: expected Basic base64(user ":" md5hex(secret "@" _))"#))
        }

        var lookup = UserSecrets.Lookup.notFound
        if UserName.isValid(credentials.user) {
            do {
                lookup = try await secrets.lookup(credentials.user)
            } catch {
                logger.warning(
                    "user lookup failed", metadata: ["user": "\(credentials.user)", "error": "\(error)"])
                return .failure(AuthFailure(.unavailable, message: "database unavailable, retry later"))
            }
        }
        let secret: [UInt8]
        let role: UserRole?
        if case .found(let foundRole, let foundSecret) = lookup {
            (secret, role) = (foundSecret, foundRole)
        } else {
            (secret, role) = (dummySecret, nil)
        }
        let matches = Self.digestMatches(credentials.digest, secret: secret, timestamp: timestampParameter ?? "")
        if let role, matches {
            return .success(AuthenticatedUser(name: credentials.user, role: role))
        }
        let cause = switch lookup {
        case .found: "wrong digest"
        case .notFound: "unknown user"
        case .undecryptable: "stored secret undecryptable"
        }
        logger.debug("authentication failed", metadata: ["user": "\(credentials.user)", "cause": "\(cause)"])
        return .failure(AuthFailure(.invalidCredentials, message: "authentication failed: unknown user or wrong signature"))
    }

    /// Whether `digest` is `md5hex(secret "@" timestamp)` or `md5hex(secret "@" timestamp ".0")`.
    /// Both comparisons always run, each in constant time.
    static func digestMatches(_ digest: [UInt8], secret: [UInt8], timestamp: String) -> Bool {
        var input = secret
        input.append(UInt8(ascii: "@"))
        input.append(contentsOf: timestamp.utf8)
        let plain = Array(Digest.md5Hex(input).utf8)
        input.append(contentsOf: ".0".utf8)
        let legacy = Array(Digest.md5Hex(input).utf8)
        let plainMatches = ConstantTime.equals(digest, plain)
        let legacyMatches = ConstantTime.equals(digest, legacy)
        return plainMatches || legacyMatches
    }
}
