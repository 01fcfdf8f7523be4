/// Serializes responses into bytes: status line, the handler's fields (minus those the server
/// owns), `Date`, `Content-Length`, `X-Request-Id`, `Connection`, then the body.
struct ResponseEncoder {
    private var dates = DateCache()

    /// The bytes of an interim `100 Continue` response.
    static let continueBytes = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// Appends `response` to `output`.
    /// - Parameters:
    ///   - omitBody: true for a response to `HEAD` (the body is dropped, its length kept).
    ///   - close: adds `Connection: close`.
    ///   - keepAliveHTTP10: adds `Connection: keep-alive` (an HTTP/1.0 client that asked for it).
    mutating func encode(
        _ response: HTTPResponse, requestID: String, omitBody: Bool, close: Bool, keepAliveHTTP10: Bool,
        into output: inout [UInt8]
    ) {
        output.reserveCapacity(output.count + 160 + response.body.count)
        Self.appendStatusLine(response.status, to: &output)
        for field in response.headers where Self.isSendable(field) {
            output.append(contentsOf: field.name.utf8)
            output.append(contentsOf: ": ".utf8)
            output.append(contentsOf: field.value.utf8)
            output.append(contentsOf: "\r\n".utf8)
        }
        output.append(contentsOf: dates.current())
        if !response.status.forbidsBody {
            output.append(contentsOf: "Content-Length: ".utf8)
            Self.appendDecimal(response.body.count, to: &output)
            output.append(contentsOf: "\r\n".utf8)
        }
        output.append(contentsOf: "X-Request-Id: ".utf8)
        output.append(contentsOf: requestID.utf8)
        if close {
            output.append(contentsOf: "\r\nConnection: close\r\n\r\n".utf8)
        } else if keepAliveHTTP10 {
            output.append(contentsOf: "\r\nConnection: keep-alive\r\n\r\n".utf8)
        } else {
            output.append(contentsOf: "\r\n\r\n".utf8)
        }
        if !omitBody && !response.status.forbidsBody {
            output.append(contentsOf: response.body)
        }
    }

    private static func appendStatusLine(_ status: HTTPStatus, to output: inout [UInt8]) {
        if status.code == 200 && status.reason == "OK" {
            output.append(contentsOf: "HTTP/1.1 200 OK\r\n".utf8)
            return
        }
        output.append(contentsOf: "HTTP/1.1 ".utf8)
        appendDecimal(status.code, to: &output)
        output.append(ByteClass.space)
        output.append(contentsOf: status.reason.utf8.filter { ByteClass.isFieldValueByte($0) && $0 != ByteClass.tab })
        output.append(contentsOf: "\r\n".utf8)
    }

    static func appendDecimal(_ value: Int, to output: inout [UInt8]) {
        if value < 10 {
            output.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            while rest > 0 {
                buffer[count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            }
            for index in stride(from: count - 1, through: 0, by: -1) { output.append(buffer[index]) }
        }
    }

    /// Drops fields the server sets itself and any field that would break framing
    /// (invalid name, CR / LF / NUL in the value).
    private static func isSendable(_ field: HTTPHeaders.Field) -> Bool {
        let name = field.name.utf8
        guard !name.isEmpty, name.allSatisfy(ByteClass.isTokenChar),
              field.value.utf8.allSatisfy(ByteClass.isFieldValueByte) else { return false }
        switch name.count {
        case 4: return !HTTPHeaders.namesEqual(field.name, "Date")
        case 10: return !HTTPHeaders.namesEqual(field.name, "Connection")
        case 12: return !HTTPHeaders.namesEqual(field.name, "X-Request-Id")
        case 14: return !HTTPHeaders.namesEqual(field.name, "Content-Length")
        case 17: return !HTTPHeaders.namesEqual(field.name, "Transfer-Encoding")
        default: return true
        }
    }
}
