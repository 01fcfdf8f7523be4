import Foundation

/// Shape checks for the connection URLs, so `check-config` catches a typo before start-up.
enum URLCheck {
    static func isPostgres(_ text: String) -> Bool {
        if text.hasPrefix("postgresql://") || text.hasPrefix("postgres://") {
            return URLComponents(string: text) != nil
        }
        // A conninfo string: space-separated key=value pairs.
        return text.contains("=") && !text.contains("://")
    }

    static func isAMQP(_ text: String) -> Bool {
        guard let url = URLComponents(string: text), let scheme = url.scheme,
              scheme == "amqp" || scheme == "amqps" else { return false }
        return !(url.host ?? "").isEmpty
    }
}
