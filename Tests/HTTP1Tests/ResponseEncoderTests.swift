import Testing

@testable import HTTP1

@Suite struct ResponseEncoderTests {
    func encode(_ response: HTTPResponse, omitBody: Bool = false, close: Bool = false, keepAlive10: Bool = false) -> String {
        var encoder = ResponseEncoder()
        var output: [UInt8] = []
        encoder.encode(response, requestID: "r1", omitBody: omitBody, close: close, keepAliveHTTP10: keepAlive10, into: &output)
        let text = String(decoding: output, as: UTF8.self)
        // Replace the date, which changes every second.
        return text.replacing(/Date: [^\r]+\r\n/, with: "Date: D\r\n")
    }

    @Test func byteForByte() {
        #expect(encode(.text("hi")) == "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nDate: D\r\nContent-Length: 2\r\nX-Request-Id: r1\r\n\r\nhi")
        #expect(encode(HTTPResponse(status: .notFound, body: Array("x".utf8)), close: true)
            == "HTTP/1.1 404 Not Found\r\nDate: D\r\nContent-Length: 1\r\nX-Request-Id: r1\r\nConnection: close\r\n\r\nx")
        #expect(encode(.text("hi"), omitBody: true, keepAlive10: true)
            == "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nDate: D\r\nContent-Length: 2\r\nX-Request-Id: r1\r\nConnection: keep-alive\r\n\r\n")
        #expect(encode(HTTPResponse(status: .noContent, body: Array("x".utf8)))
            == "HTTP/1.1 204 No Content\r\nDate: D\r\nX-Request-Id: r1\r\n\r\n")
    }

    @Test func serverOwnedAndUnsafeFieldsAreDropped() {
        let response = HTTPResponse(headers: [
            "Content-Length": "99", "Connection": "keep-alive", "Transfer-Encoding": "chunked",
            "X-Injected": "a\r\nSet-Cookie: x", "Bad Name": "v", "X-Ok": "fine",
        ], body: Array("1234567890".utf8))
        #expect(encode(response) == "HTTP/1.1 200 OK\r\nX-Ok: fine\r\nDate: D\r\nContent-Length: 10\r\nX-Request-Id: r1\r\n\r\n1234567890")
    }

    @Test func imfFixdate() {
        #expect(DateCache.imfFixdate(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
    }
}
