import Testing

@testable import HTTP1

@Suite struct HTTPServerTests {
    @Test func getCarriesDateLengthAndRequestID() async throws {
        try await withServer { server in
            try await blocking { [port = server.port] in
                let client = try TestClient(port: port)
                try client.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
                let response = try client.response()
                #expect(response.status == 200)
                #expect(response.text == "hello")
                #expect(response.headers["Content-Length"] == "5")
                #expect(response.headers["Date"]?.hasSuffix(" GMT") == true)
                #expect(response.headers["X-Request-Id"]?.isEmpty == false)
                #expect(response.headers["Connection"] == nil)
                try client.send("GET /hello HTTP/1.1\r\nHost: a\r\nX-Request-Id: abc-123\r\n\r\n")
                #expect(try client.response().headers["X-Request-Id"] == "abc-123")
            }
        }
    }

    @Test func routerErrorsHeadAndBodies() async throws {
        try await withServer { server in
            try await blocking { [port = server.port] in
                let client = try TestClient(port: port)
                try client.send("GET /missing HTTP/1.1\r\nHost: a\r\n\r\n")
                let missing = try client.response()
                #expect(missing.status == 404)
                #expect(missing.text.contains(#""code":404"#))
                try client.send("DELETE /hello HTTP/1.1\r\nHost: a\r\n\r\n")
                let wrongMethod = try client.response()
                #expect(wrongMethod.status == 405)
                #expect(wrongMethod.headers["Allow"] == "GET, HEAD")
                try client.send("HEAD /hello HTTP/1.1\r\nHost: a\r\n\r\n")
                let head = try client.response(head: true)
                #expect(head.status == 200)
                #expect(head.headers["Content-Length"] == "5")
                try client.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nping")
                #expect(try client.response().text == "ping")
                try client.send("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\nT: 1\r\n\r\n")
                #expect(try client.response().text == "abcde")
                try client.send("POST /echo HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n")
                #expect(try client.response().status == 100)
                try client.send("ok")
                #expect(try client.response().text == "ok")
            }
        }
    }

    @Test func connectionCloseAndHTTP10() async throws {
        try await withServer { server in
            try await blocking { [port = server.port] in
                let closing = try TestClient(port: port)
                try closing.send("GET /hello HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
                #expect(try closing.response().headers["Connection"] == "close")
                #expect(try closing.readsEndOfStream())
                let old = try TestClient(port: port)
                try old.send("GET /hello HTTP/1.0\r\n\r\n")
                #expect(try old.response().text == "hello")
                #expect(try old.readsEndOfStream())
                let oldKeepAlive = try TestClient(port: port)
                try oldKeepAlive.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                #expect(try oldKeepAlive.response().headers["Connection"] == "keep-alive")
                try oldKeepAlive.send("GET /hello HTTP/1.0\r\n\r\n")
                #expect(try oldKeepAlive.response().status == 200)
                #expect(try oldKeepAlive.readsEndOfStream())
            }
        }
    }

    @Test(arguments: [
        ("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400),
        ("GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505),
        ("BREW / HTTP/1.1\r\nHost: a\r\n\r\n", 501),
        ("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 2000000\r\n\r\n", 413),
        ("GET /\(String(repeating: "a", count: 9000)) HTTP/1.1\r\nHost: a\r\n\r\n", 414),
        ("GET / HTTP/1.1\r\nHost: a\r\n\(String(repeating: "X: 1\r\n", count: 101))\r\n", 431),
    ])
    func protocolErrorsAreAnsweredThenClosed(request: String, status: Int) async throws {
        try await withServer { server in
            try await blocking { [port = server.port] in
                let client = try TestClient(port: port)
                try client.send(request)
                let response = try client.response()
                #expect(response.status == status)
                #expect(response.headers["Connection"] == "close")
                #expect(response.headers["X-Request-Id"] != nil)
                #expect(try client.readsEndOfStream())
            }
        }
    }

    @Test func tenThousandRequestsOnOneConnection() async throws {
        try await withServer { server in
            try await blocking { [port = server.port] in
                let client = try TestClient(port: port)
                for _ in 0..<10_000 {
                    try client.send("GET /health HTTP/1.1\r\nHost: a\r\n\r\n")
                    let response = try client.response()
                    guard response.status == 200, response.text == #"{"status":"ok"}"# else {
                        Issue.record("bad response \(response.status)")
                        return
                    }
                }
            }
        }
    }

    @Test func hundredPipelinedRequestsAnsweredInOrder() async throws {
        try await withServer { server in
            try await blocking { [port = server.port] in
                let client = try TestClient(port: port)
                try client.send((0..<100).map { "GET /query?i=\($0) HTTP/1.1\r\nHost: a\r\n\r\n" }.joined())
                for index in 0..<100 {
                    #expect(try client.response().text == "\(index)")
                }
            }
        }
    }

    @Test func thousandConcurrentConnections() async throws {
        try await withServer { server in
            try await blocking { [port = server.port, server] in
                let clients = try (0..<1_000).map { _ in try TestClient(port: port) }
                for (index, client) in clients.enumerated() {
                    try client.send("GET /query?i=\(index) HTTP/1.1\r\nHost: a\r\n\r\n")
                }
                var answered = 0
                for (index, client) in clients.enumerated() where try client.response().text == "\(index)" {
                    answered += 1
                }
                #expect(answered == 1_000)
                #expect(server.openConnections == 1_000)
            }
        }
    }
}
