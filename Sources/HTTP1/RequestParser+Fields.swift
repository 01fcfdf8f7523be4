/// Interpreting the request line and header fields: validity, version, framing, connection.
extension RequestParser {
    /// Parses a request line and header section (both without their final CRLF).
    static func parseHead(
        requestLine: UnsafeRawBufferPointer, fields: UnsafeRawBufferPointer, limits: HTTPLimits
    ) throws(HTTPParseError) -> RequestHead {
        let (methodBytes, targetBytes, version) = try splitRequestLine(requestLine)
        guard let method = HTTPMethod.known(methodBytes) else {
            throw HTTPParseError(.notImplemented, "unknown method")
        }
        if targetBytes.count > limits.maxTargetBytes { throw HTTPParseError(.uriTooLong, "request target too long") }
        let target = try originForm(targetBytes, method: method)

        var headers = HTTPHeaders()
        var contentLength: Int?
        var transferEncoding: [UnsafeRawBufferPointer] = []
        var hostCount = 0
        var close = version == .http1_0
        var expectsContinue = false
        var lineStart = 0
        while lineStart < fields.count {
            var lineEnd = lineStart
            while fields[lineEnd] != ByteClass.cr { lineEnd += 1 }  // every line ends in CRLF
            let (name, value) = try splitField(UnsafeRawBufferPointer(rebasing: fields[lineStart..<lineEnd]))
            lineStart = lineEnd + 2
            headers.add(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
            switch name.count {
            case 4 where ByteClass.equalsLowercase(name, "host"):
                hostCount += 1
            case 6 where ByteClass.equalsLowercase(name, "expect"):
                expectsContinue = ByteClass.equalsLowercase(value, "100-continue")
            case 10 where ByteClass.equalsLowercase(name, "connection"):
                try ByteClass.forEachListElement(value) { option in
                    if ByteClass.equalsLowercase(option, "close") { close = true }
                    if ByteClass.equalsLowercase(option, "keep-alive") && version == .http1_0 { close = false }
                }
            case 14 where ByteClass.equalsLowercase(name, "content-length"):
                try ByteClass.forEachListElement(value) { element throws(HTTPParseError) in
                    let length = try parseContentLength(element)
                    if let previous = contentLength, previous != length { throw .bad("differing Content-Length values") }
                    contentLength = length
                }
                if value.isEmpty { throw .bad("empty Content-Length") }
            case 17 where ByteClass.equalsLowercase(name, "transfer-encoding"):
                try ByteClass.forEachListElement(value) { transferEncoding.append($0) }
                if value.isEmpty { throw .bad("empty Transfer-Encoding") }
            default:
                break
            }
        }
        if version == .http1_1 ? hostCount != 1 : hostCount > 1 { throw .bad("missing or repeated Host") }

        let framing: BodyFraming
        if !transferEncoding.isEmpty {
            if version == .http1_0 { throw .bad("Transfer-Encoding in an HTTP/1.0 request") }
            if contentLength != nil { throw .bad("both Content-Length and Transfer-Encoding") }
            guard transferEncoding.count == 1, ByteClass.equalsLowercase(transferEncoding[0], "chunked") else {
                throw .bad("transfer coding other than a single chunked")
            }
            framing = .chunked
        } else if let length = contentLength {
            if length > limits.maxBodyBytes { throw HTTPParseError(.contentTooLarge, "body larger than the limit") }
            framing = .length(length)
        } else {
            framing = .none
        }
        let hasBody = framing == .chunked || (contentLength ?? 0) > 0
        return RequestHead(
            method: method, target: target, version: version, headers: headers, framing: framing,
            keepAlive: !close, expectsContinue: expectsContinue && hasBody && version == .http1_1)
    }

    /// `method SP request-target SP HTTP-version`, exactly one space each.
    private static func splitRequestLine(
        _ line: UnsafeRawBufferPointer
    ) throws(HTTPParseError) -> (UnsafeRawBufferPointer, UnsafeRawBufferPointer, HTTPVersion) {
        var methodEnd = 0
        while methodEnd < line.count, ByteClass.isTokenChar(line[methodEnd]) { methodEnd += 1 }
        guard methodEnd > 0, methodEnd < line.count, line[methodEnd] == ByteClass.space else {
            throw .bad("malformed request line")
        }
        var targetEnd = methodEnd + 1
        while targetEnd < line.count, ByteClass.isTargetByte(line[targetEnd]) { targetEnd += 1 }
        guard targetEnd > methodEnd + 1, targetEnd < line.count, line[targetEnd] == ByteClass.space else {
            throw .bad("malformed request line")
        }
        let version = UnsafeRawBufferPointer(rebasing: line[(targetEnd + 1)...])
        guard version.count == 8, version.starts(with: "HTTP/".utf8), version[6] == UInt8(ascii: "."),
              let major = decimalDigit(version[5]), let minor = decimalDigit(version[7]) else {
            throw .bad("malformed HTTP version")
        }
        guard major == 1, minor <= 1 else {
            throw HTTPParseError(.httpVersionNotSupported, "HTTP version not supported")
        }
        return (
            UnsafeRawBufferPointer(rebasing: line[..<methodEnd]),
            UnsafeRawBufferPointer(rebasing: line[(methodEnd + 1)..<targetEnd]),
            HTTPVersion(major: major, minor: minor))
    }

    /// Accepts origin form (`/path?q`), absolute form (reduced to its path and query) and `*`
    /// for OPTIONS. Authority form (CONNECT) is refused with 501: the server does no tunnelling.
    private static func originForm(
        _ target: UnsafeRawBufferPointer, method: HTTPMethod
    ) throws(HTTPParseError) -> String {
        if method == .connect { throw HTTPParseError(.notImplemented, "CONNECT not supported") }
        if target[0] == UInt8(ascii: "/") { return String(decoding: target, as: UTF8.self) }
        if target.count == 1 && target[0] == UInt8(ascii: "*") && method == .options { return "*" }
        for scheme: StaticString in ["http://", "https://"] where target.count > scheme.utf8CodeUnitCount
            && ByteClass.equalsLowercase(UnsafeRawBufferPointer(rebasing: target[..<scheme.utf8CodeUnitCount]), scheme) {
            let rest = UnsafeRawBufferPointer(rebasing: target[scheme.utf8CodeUnitCount...])
            guard let slash = rest.firstIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") }) else {
                return "/"
            }
            let path = String(decoding: UnsafeRawBufferPointer(rebasing: rest[slash...]), as: UTF8.self)
            return path.hasPrefix("?") ? "/" + path : path
        }
        throw .bad("malformed request target")
    }

    /// `1*DIGIT`, refusing overflow.
    private static func parseContentLength(_ bytes: UnsafeRawBufferPointer) throws(HTTPParseError) -> Int {
        var value = 0
        for byte in bytes {
            guard let digit = decimalDigit(byte) else { throw .bad("invalid Content-Length") }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(digit)
            if overflow1 || overflow2 { throw .bad("Content-Length overflows") }
            value = sum
        }
        return value
    }

    private static func decimalDigit(_ byte: UInt8) -> Int? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
    }
}
