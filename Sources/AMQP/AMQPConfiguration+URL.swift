extension AMQPConfiguration {
    /// Parses an `amqp://` or `amqps://` URL (RabbitMQ URI spec).
    ///
    /// `amqp[s]://[user[:password]@]host[:port][/vhost][?options]`. User, password and vhost are
    /// percent-decoded (`%2f` is "/"); an empty or absent vhost means "/". Options:
    /// `heartbeat` (seconds), `frame_max`, `channel_max`, `connection_timeout` (seconds; also
    /// accepted in milliseconds as RabbitMQ's URI spec has it when > 1000), `name`, and for
    /// `amqps`: `cacertfile`, `certfile`, `keyfile`, `verify` (`verify_peer` or `verify_none`).
    ///
    /// - Throws: ``AMQPError/invalidURL(_:)`` naming the bad part (never the password).
    public init(url: String) throws(AMQPError) {
        self.init()
        let scheme: Substring
        guard let schemeEnd = url.firstRange(of: "://") else {
            throw .invalidURL("missing scheme, expected amqp:// or amqps://")
        }
        scheme = url[..<schemeEnd.lowerBound]
        switch scheme.lowercased() {
        case "amqp": port = 5672
        case "amqps": port = 5671; tls = TLS()
        default: throw .invalidURL("unsupported scheme \(scheme)")
        }
        var rest = url[schemeEnd.upperBound...]
        var query: Substring = ""
        if let q = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: q)...]
            rest = rest[..<q]
        }
        var path: Substring?
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                user = try Self.decode(userInfo[..<colon], part: "user")
                password = try Self.decode(userInfo[userInfo.index(after: colon)...], part: "password")
            } else {
                user = try Self.decode(userInfo, part: "user")
            }
        }
        try parseHostPort(rest)
        if let path, !path.isEmpty {
            if path.contains("/") { throw .invalidURL("vhost must be one segment, encode / as %2f") }
            vhost = try Self.decode(path, part: "vhost")
        }
        for item in query.split(separator: "&") where !item.isEmpty {
            let pair = item.split(separator: "=", maxSplits: 1)
            let key = String(pair[0])
            let value = try Self.decode(pair.count > 1 ? pair[1] : "", part: "option \(key)")
            try apply(option: key, value: value)
        }
    }

    private mutating func parseHostPort(_ hostPort: Substring) throws(AMQPError) {
        var hostPart = hostPort
        var portPart: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { throw .invalidURL("unclosed [ in host") }
            hostPart = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
            let after = hostPort[hostPort.index(after: close)...]
            if after.hasPrefix(":") { portPart = after.dropFirst() }
            else if !after.isEmpty { throw .invalidURL("unexpected text after ] in host") }
        } else if let colon = hostPort.lastIndex(of: ":") {
            hostPart = hostPort[..<colon]
            portPart = hostPort[hostPort.index(after: colon)...]
        }
        if !hostPart.isEmpty { host = try Self.decode(hostPart, part: "host") }
        if let portPart {
            guard let value = Int(portPart), (1...65535).contains(value) else {
                throw .invalidURL("port must be 1-65535")
            }
            port = value
        }
    }

    private mutating func apply(option key: String, value: String) throws(AMQPError) {
        func integer(_ range: ClosedRange<Int>) throws(AMQPError) -> Int {
            guard let number = Int(value), range.contains(number) else {
                throw .invalidURL("option \(key) must be an integer in \(range)")
            }
            return number
        }
        switch key {
        case "heartbeat": heartbeat = try integer(0...65535)
        case "frame_max": frameMax = try integer(4096...Int(Int32.max))
        case "channel_max": channelMax = try integer(0...65535)
        case "connection_timeout":
            guard let seconds = Double(value), seconds > 0, seconds.isFinite else {
                throw .invalidURL("option connection_timeout must be a positive number")
            }
            connectionTimeout = seconds > 1000 ? seconds / 1000 : seconds
        case "name": connectionName = value
        case "cacertfile", "certfile", "keyfile", "verify":
            guard var settings = tls else { throw .invalidURL("option \(key) needs amqps://") }
            switch key {
            case "cacertfile": settings.caFile = value
            case "certfile": settings.certificateFile = value
            case "keyfile": settings.keyFile = value
            default:
                switch value {
                case "verify_peer": settings.verifyPeer = true
                case "verify_none": settings.verifyPeer = false
                default: throw .invalidURL("option verify must be verify_peer or verify_none")
                }
            }
            tls = settings
        default: throw .invalidURL("unknown option \(key)")
        }
    }

    /// Percent-decodes one URL component.
    static func decode(_ text: Substring, part: String) throws(AMQPError) -> String {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue)
            else { throw .invalidURL("bad percent-encoding in \(part)") }
            bytes.append(high << 4 | low)
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw .invalidURL("\(part) is not UTF-8 after decoding")
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
