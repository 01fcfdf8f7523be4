import Testing

@testable import HTTP1

@Suite struct RequestParserTests {
    struct Valid: CustomTestStringConvertible, Sendable {
        let name: String
        let input: String
        let requests: [String]
        var testDescription: String { name }
    }

    static let valid: [Valid] = [
        .init(name: "simple GET", input: "GET / HTTP/1.1\r\nHost: a\r\n\r\n", requests: ["GET / "]),
        .init(name: "HTTP/1.0 without Host", input: "GET /x HTTP/1.0\r\n\r\n", requests: ["GET /x "]),
        .init(name: "Content-Length body", input: "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
              requests: ["POST /p hello"]),
        .init(name: "Content-Length zero", input: "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n",
              requests: ["POST /p "]),
        .init(name: "identical duplicate Content-Length",
              input: "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nContent-Length: 2, 2\r\n\r\nok",
              requests: ["POST /p ok"]),
        .init(name: "chunked body",
              input: "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
              requests: ["POST /c hello world"]),
        .init(name: "chunked, upper-case hex, extensions and trailers",
              input: "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\nA;ext=1 ; x=\"y\"\r\n0123456789\r\n0\r\nX-Trailer: t\r\nX-Other: u\r\n\r\n",
              requests: ["POST /c 0123456789"]),
        .init(name: "leading empty line", input: "\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", requests: ["GET / "]),
        .init(name: "absolute form", input: "GET http://example.com/p?q=1 HTTP/1.1\r\nHost: example.com\r\n\r\n",
              requests: ["GET /p?q=1 "]),
        .init(name: "absolute form without path", input: "GET http://example.com HTTP/1.1\r\nHost: example.com\r\n\r\n",
              requests: ["GET / "]),
        .init(name: "OPTIONS *", input: "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", requests: ["OPTIONS * "]),
        .init(name: "pipelined", input: "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nPOST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\nxGET /3 HTTP/1.1\r\nHost: a\r\n\r\n",
              requests: ["GET /1 ", "POST /2 x", "GET /3 "]),
        .init(name: "obs-text and tabs in a value", input: "GET / HTTP/1.1\r\nHost: a\r\nX-V: \t caf\u{e9}\tx \r\n\r\n",
              requests: ["GET / "]),
        .init(name: "empty value", input: "GET / HTTP/1.1\r\nHost: a\r\nX-Empty:\r\n\r\n", requests: ["GET / "]),
    ]

    @Test(arguments: valid)
    func validRequestAtEverySplit(_ testCase: Valid) {
        for chunks in everySplit(bytes(testCase.input)) {
            let (events, error) = runParser(chunks)
            #expect(error == nil, "split \(chunks.map(\.count))")
            #expect(requests(events) == testCase.requests, "split \(chunks.map(\.count))")
        }
    }

    struct Invalid: CustomTestStringConvertible, Sendable {
        let name: String
        let input: String
        let status: Int
        var testDescription: String { "\(status) \(name)" }
    }

    static let host = "Host: a\r\n"
    static let invalid: [Invalid] = [
        .init(name: "Content-Length with Transfer-Encoding",
              input: "POST / HTTP/1.1\r\n\(host)Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", status: 400),
        .init(name: "Transfer-Encoding then Content-Length",
              input: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", status: 400),
        .init(name: "gzip coding", input: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: gzip\r\n\r\n", status: 400),
        .init(name: "chunked not final", input: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked, gzip\r\n\r\n", status: 400),
        .init(name: "gzip before chunked", input: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: gzip, chunked\r\n\r\n", status: 400),
        .init(name: "chunked twice", input: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", status: 400),
        .init(name: "empty Transfer-Encoding", input: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: \r\n\r\n", status: 400),
        .init(name: "Transfer-Encoding in HTTP/1.0", input: "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", status: 400),
        .init(name: "differing Content-Length lines", input: "POST / HTTP/1.1\r\n\(host)Content-Length: 5\r\nContent-Length: 6\r\n\r\n", status: 400),
        .init(name: "differing Content-Length list", input: "POST / HTTP/1.1\r\n\(host)Content-Length: 5, 6\r\n\r\n", status: 400),
        .init(name: "non-digit Content-Length", input: "POST / HTTP/1.1\r\n\(host)Content-Length: 5a\r\n\r\n", status: 400),
        .init(name: "signed Content-Length", input: "POST / HTTP/1.1\r\n\(host)Content-Length: +5\r\n\r\n", status: 400),
        .init(name: "negative Content-Length", input: "POST / HTTP/1.1\r\n\(host)Content-Length: -1\r\n\r\n", status: 400),
        .init(name: "empty Content-Length", input: "POST / HTTP/1.1\r\n\(host)Content-Length:\r\n\r\n", status: 400),
        .init(name: "overflowing Content-Length", input: "POST / HTTP/1.1\r\n\(host)Content-Length: 99999999999999999999999\r\n\r\n", status: 400),
        .init(name: "non-hex chunk size", input: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\nzz\r\n", status: 400),
        .init(name: "empty chunk size", input: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n\r\n", status: 400),
        .init(name: "junk after chunk size", input: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n5 x\r\n", status: 400),
        .init(name: "overflowing chunk size", input: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n", status: 400),
        .init(name: "signed chunk size", input: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n-5\r\n", status: 400),
        .init(name: "chunk size with bare LF", input: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n5\nhello", status: 400),
        .init(name: "chunk data without CRLF", input: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n2\r\nabcd\r\n", status: 400),
        .init(name: "control byte in chunk extension", input: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n2;a\u{1}\r\n", status: 400),
        .init(name: "invalid trailer", input: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n0\r\nBad Trailer: x\r\n\r\n", status: 400),
        .init(name: "obs-fold", input: "GET / HTTP/1.1\r\n\(host)X-A: 1\r\n folded\r\n\r\n", status: 400),
        .init(name: "obs-fold with tab", input: "GET / HTTP/1.1\r\n\(host)X-A: 1\r\n\tfolded\r\n\r\n", status: 400),
        .init(name: "space before colon", input: "GET / HTTP/1.1\r\nHost : a\r\n\r\n", status: 400),
        .init(name: "tab before colon", input: "GET / HTTP/1.1\r\n\(host)X-A\t: 1\r\n\r\n", status: 400),
        .init(name: "no colon", input: "GET / HTTP/1.1\r\n\(host)NoColon\r\n\r\n", status: 400),
        .init(name: "empty name", input: "GET / HTTP/1.1\r\n\(host): v\r\n\r\n", status: 400),
        .init(name: "NUL in value", input: "GET / HTTP/1.1\r\n\(host)X-A: a\u{0}b\r\n\r\n", status: 400),
        .init(name: "CR in value", input: "GET / HTTP/1.1\r\n\(host)X-A: a\rb\r\n\r\n", status: 400),
        .init(name: "DEL in value", input: "GET / HTTP/1.1\r\n\(host)X-A: a\u{7f}b\r\n\r\n", status: 400),
        .init(name: "control byte in name", input: "GET / HTTP/1.1\r\n\(host)X\u{1}A: b\r\n\r\n", status: 400),
        .init(name: "bare LF line ends", input: "GET / HTTP/1.1\nHost: a\n\n", status: 400),
        .init(name: "missing Host", input: "GET / HTTP/1.1\r\n\r\n", status: 400),
        .init(name: "two Host fields", input: "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", status: 400),
        .init(name: "double space", input: "GET  / HTTP/1.1\r\n\(host)\r\n", status: 400),
        .init(name: "trailing space", input: "GET / HTTP/1.1 \r\n\(host)\r\n", status: 400),
        .init(name: "leading space", input: " GET / HTTP/1.1\r\n\(host)\r\n", status: 400),
        .init(name: "tab separator", input: "GET\t/ HTTP/1.1\r\n\(host)\r\n", status: 400),
        .init(name: "no target", input: "GET HTTP/1.1\r\n\(host)\r\n", status: 400),
        .init(name: "relative target", input: "GET index.html HTTP/1.1\r\n\(host)\r\n", status: 400),
        .init(name: "asterisk target on GET", input: "GET * HTTP/1.1\r\n\(host)\r\n", status: 400),
        .init(name: "non-ASCII target", input: "GET /caf\u{e9} HTTP/1.1\r\n\(host)\r\n", status: 400),
        .init(name: "lower-case version", input: "GET / http/1.1\r\n\(host)\r\n", status: 400),
        .init(name: "short version", input: "GET / HTTP/1\r\n\(host)\r\n", status: 400),
        .init(name: "garbage line", input: "hello\r\n\r\n", status: 400),
        .init(name: "HTTP/2.0", input: "GET / HTTP/2.0\r\n\(host)\r\n", status: 505),
        .init(name: "HTTP/1.2", input: "GET / HTTP/1.2\r\n\(host)\r\n", status: 505),
        .init(name: "HTTP/0.9", input: "GET / HTTP/0.9\r\n\(host)\r\n", status: 505),
        .init(name: "unknown method", input: "BREW /pot HTTP/1.1\r\n\(host)\r\n", status: 501),
        .init(name: "lower-case method", input: "get / HTTP/1.1\r\n\(host)\r\n", status: 501),
        .init(name: "CONNECT", input: "CONNECT example.com:443 HTTP/1.1\r\n\(host)\r\n", status: 501),
    ]

    @Test(arguments: invalid)
    func invalidRequestAtEverySplit(_ testCase: Invalid) {
        for chunks in everySplit(bytes(testCase.input)) {
            let (_, error) = runParser(chunks)
            #expect(error?.status.code == testCase.status, "split \(chunks.map(\.count)): \(String(describing: error))")
        }
    }

    static var smallLimits: HTTPLimits {
        var limits = HTTPLimits()
        limits.maxTargetBytes = 64
        limits.maxHeaderBytes = 256
        limits.maxHeaderCount = 4
        limits.maxBodyBytes = 16
        limits.maxChunkLineBytes = 32
        return limits
    }

    static let overLimits: [Invalid] = [
        .init(name: "target too long (complete line)", input: "GET /\(String(repeating: "a", count: 64)) HTTP/1.1\r\n\(host)\r\n", status: 414),
        .init(name: "request line never ends", input: "GET /\(String(repeating: "a", count: 200))", status: 414),
        .init(name: "too many fields", input: "GET / HTTP/1.1\r\n\(host)A: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", status: 431),
        .init(name: "header section too large", input: "GET / HTTP/1.1\r\n\(host)A: \(String(repeating: "x", count: 300))\r\n\r\n", status: 431),
        .init(name: "header section never ends", input: "GET / HTTP/1.1\r\n\(host)A: \(String(repeating: "x", count: 300))", status: 431),
        .init(name: "Content-Length over the limit", input: "POST / HTTP/1.1\r\n\(host)Content-Length: 17\r\n\r\n", status: 413),
        .init(name: "chunked body over the limit",
              input: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n9\r\n", status: 413),
        .init(name: "chunk-size line too long",
              input: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n1;\(String(repeating: "e", count: 40))\r\n", status: 400),
        .init(name: "trailers too many",
              input: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n0\r\nA: 1\r\nB: 1\r\nC: 1\r\nD: 1\r\nE: 1\r\n\r\n", status: 431),
        .init(name: "trailers too large",
              input: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n0\r\nA: \(String(repeating: "x", count: 300))\r\n\r\n", status: 431),
    ]

    @Test(arguments: overLimits)
    func limitsAtEverySplit(_ testCase: Invalid) {
        for chunks in everySplit(bytes(testCase.input)) {
            let (_, error) = runParser(chunks, limits: Self.smallLimits)
            #expect(error?.status.code == testCase.status, "split \(chunks.map(\.count)): \(String(describing: error))")
        }
    }

    @Test func bodyExactlyAtTheLimitIsAccepted() {
        let input = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 16\r\n\r\n0123456789abcdef"
        let (events, error) = runParser([bytes(input)], limits: Self.smallLimits)
        #expect(error == nil)
        #expect(requests(events) == ["POST / 0123456789abcdef"])
    }

    @Test func headCarriesFramingAndConnectionDecisions() throws {
        func head(_ text: String) throws -> RequestHead {
            let (events, error) = runParser([bytes(text)])
            #expect(error == nil)
            guard case .head(let head)? = events.first else { throw HTTPError(.badRequest) }
            return head
        }
        #expect(try head("GET / HTTP/1.1\r\nHost: a\r\n\r\n").keepAlive)
        #expect(try !head("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").keepAlive)
        #expect(try !head("GET / HTTP/1.0\r\n\r\n").keepAlive)
        #expect(try head("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").keepAlive)
        #expect(try head("GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Upgrade\r\n\r\n").keepAlive)
        let expecting = try head("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n")
        #expect(expecting.expectsContinue)
        #expect(expecting.framing == .length(3))
        #expect(try !head("GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n").expectsContinue)
        let fields = try head("GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\nx-a:  2 \r\n\r\n").headers
        #expect(fields["X-A"] == "1")
        #expect(fields.values(for: "x-A") == ["1", "2"])
        #expect(fields["host"] == "a")
    }

    @Test func failedParserStaysFailed() {
        var parser = RequestParser(limits: HTTPLimits())
        parser.feed(bytes("BAD\r\n\r\n"))
        #expect(throws: HTTPParseError.self) { try parser.next() }
        parser.feed(bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(throws: HTTPParseError.self) { try parser.next() }
    }
}
