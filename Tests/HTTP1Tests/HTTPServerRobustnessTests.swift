import Glibc
import Synchronization
import Testing

@testable import HTTP1

@Suite struct HTTPServerRobustnessTests {
    @Test func slowDripClientDoesNotDelayOthers() async throws {
        try await withServer { server in
            let othersDone = Atomic<Bool>(false)
            let request = Array("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
            async let dripped: Int = blocking { [port = server.port] in
                let slow = try TestClient(port: port)
                var sent = 0
                while sent < request.count, !othersDone.load(ordering: .acquiring) {
                    try slow.send([request[sent]])
                    sent += 1
                    sleep(1)
                }
                return sent
            }
            try await blocking { [port = server.port] in
                let client = try TestClient(port: port)
                for _ in 0..<200 {
                    try client.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
                    #expect(try client.response().status == 200)
                }
                othersDone.store(true, ordering: .releasing)
            }
            // The other client finished while the slow request was still incomplete.
            #expect(try await dripped < request.count)
        }
    }

    @Test func headerBodyAndIdleTimeoutsFire() async throws {
        try await withServer({
            $0.headerTimeout = .milliseconds(300)
            $0.bodyTimeout = .milliseconds(300)
            $0.idleTimeout = .milliseconds(300)
        }) { server in
            try await blocking { [port = server.port] in
                let header = try TestClient(port: port)
                try header.send("GET / HTTP/1.1\r\nHost:")
                #expect(try header.response().status == 408)
                #expect(try header.readsEndOfStream())

                let body = try TestClient(port: port)
                try body.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc")
                #expect(try body.response().status == 408)
                #expect(try body.readsEndOfStream())

                let idle = try TestClient(port: port)
                try idle.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
                #expect(try idle.response().status == 200)
                #expect(try idle.readResponse() == nil)  // closed without a response

                let silent = try TestClient(port: port)
                #expect(try silent.readResponse() == nil)
            }
        }
    }

    @Test func writeTimeoutClosesAPeerThatDoesNotRead() async throws {
        try await withServer({ $0.writeTimeout = .milliseconds(200) }) { server in
            let client = try await blocking { [port = server.port] in
                let client = try TestClient(port: port)
                try client.send("GET /big HTTP/1.1\r\nHost: a\r\n\r\n")
                return UncheckedBox(client)
            }
            // Bounded wait (a safety net, not a timing assertion): the write timeout must close it.
            var waited = 0
            while server.openConnections > 0 && waited < 400 {
                try await Task.sleep(for: .milliseconds(50))
                waited += 1
            }
            #expect(server.openConnections == 0)
            _ = client
        }
    }

    @Test func connectionsPastTheCapGet503() async throws {
        try await withServer({ $0.maxConnections = 2 }) { server in
            try await blocking { [port = server.port] in
                let first = try TestClient(port: port)
                let second = try TestClient(port: port)
                for client in [first, second] {
                    try client.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
                    #expect(try client.response().status == 200)
                }
                let third = try TestClient(port: port)
                let refused = try third.response()
                #expect(refused.status == 503)
                #expect(refused.headers["Retry-After"] == "1")
                #expect(try third.readsEndOfStream())
                try first.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
                #expect(try first.response().status == 200)
            }
        }
    }

    @Test func shutdownDrainsInFlightRequestsAndClosesIdleOnes() async throws {
        var configuration = HTTPServerConfiguration()
        configuration.port = 0
        // The in-flight request's handler answers only once the test has seen the shutdown begin
        // (the idle connection closed): no race between the handler and the shutdown.
        let gate = HandlerGate()
        var router = testRouter()
        gate.route("/gated", answer: "slow", on: &router)
        let server = try HTTPServer(configuration: configuration, router: router, logger: .init(label: "test"))
        let running = Task { try await server.run() }
        let (slow, idle) = try await blocking { [port = server.port] in
            let slow = try TestClient(port: port)
            let idle = try TestClient(port: port)
            try idle.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
            _ = try idle.response()
            try slow.send("GET /gated HTTP/1.1\r\nHost: a\r\n\r\n")
            return (UncheckedBox(slow), UncheckedBox(idle))
        }
        try await gate.waitUntilReached()
        server.shutdown()
        try await blocking {
            #expect(try idle.value.readResponse() == nil)
            gate.release()
            let response = try slow.value.response()
            #expect(response.text == "slow")
            #expect(response.headers["Connection"] == "close")
            #expect(try slow.value.readsEndOfStream())
        }
        try await running.value
        #expect(throws: (any Error).self) { _ = try TestClient(port: server.port) }
    }
}

/// Moves a test client between the threads of one test, used by one thread at a time.
struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
