/// The client side of the API's authentication scheme (docs/api.md, "Authentication"): every
/// `/api/` request carries `_` = the current UTC time in integer seconds as a query parameter and
/// `Authorization: Basic base64(user ":" md5hex(secret "@" _))`.
///
/// ```swift
/// let now = Int(Date().timeIntervalSince1970)
/// request.setValue(AuthSignature.header(user: "alice", secret: secret, timestamp: now),
///                  forHTTPHeaderField: "Authorization")
/// // and append "?_=\(now)" to the URL
/// ```
public enum AuthSignature {
    /// `md5hex(secret "@" timestamp)` in lowercase hex: the password part of the header.
    /// - Parameters:
    ///   - secret: the user's secret as printed by `jobserver user add`.
    ///   - timestamp: the `_` query parameter exactly as sent (or with `.0` appended for the
    ///     legacy float form).
    public static func digest(secret: String, timestamp: String) -> String {
        var input = Array(secret.utf8)
        input.append(UInt8(ascii: "@"))
        input.append(contentsOf: timestamp.utf8)
        return Digest.md5Hex(input)
    }

    /// The full `Authorization` header value: `Basic base64(user ":" digest)`.
    /// - Parameters:
    ///   - user: the user name.
    ///   - secret: the user's secret.
    ///   - timestamp: the value sent as `_`, UTC seconds since 1970.
    public static func header(user: String, secret: String, timestamp: Int) -> String {
        let digest = digest(secret: secret, timestamp: String(timestamp))
        return "Basic " + Base64.encode(Array((user + ":" + digest).utf8))
    }
}
