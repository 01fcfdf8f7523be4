import Glibc
import PosixIO
import Synchronization
import Testing

@testable import HTTP1

/// Handlers run on their loop's thread (ServerLoop+Executor.swift), and still finish once the
/// loop is gone.
@Suite struct LoopExecutorTests {
    @Test func handlersStartAndResumeOnTheirLoopsThread() async throws {
        let threads = Mutex<[String]>([])
        var router = Router()
        router.on(.get, "/where") { _ in
            threads.withLock { $0.append(NamedThread.currentName) }
            try await Task.sleep(for: .milliseconds(2))  // resumed by a timer on another thread
            threads.withLock { $0.append(NamedThread.currentName) }
            return .text("here")
        }
        try await withServer({ $0.eventLoopThreads = 1 }, router: router) { server in
            try await blocking { [port = server.port] in
                let client = try TestClient(port: port)
                for _ in 0..<20 {
                    try client.send("GET /where HTTP/1.1\r\nHost: a\r\n\r\n")
                    #expect(try client.response().text == "here")
                }
            }
        }
        let seen = threads.withLock { $0 }
        #expect(seen.count == 40)
        #expect(Set(seen) == ["http-loop-0"])  // not Swift's pool (com.apple.root.default-qos)
    }

    @Test func aHandlerResumedAfterItsClientLeftDoesNotWedgeTheLoop() async throws {
        let gate = HandlerGate()
        var router = testRouter()
        gate.route("/gated", answer: "gone", on: &router)
        try await withServer({ $0.eventLoopThreads = 1 }, router: router) { server in
            let client = try await sendRequest(port: server.port, path: "/gated")
            try await gate.waitUntilReached()
            client.value.socket.close()
            gate.release()  // resumed from a timer thread, it answers a closed peer
            let handlerFinished = try await gate.waitUntilFinished()
            #expect(handlerFinished)
            for _ in 0..<2_000 where server.openConnections > 0 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(server.openConnections == 0)
            try await blocking { [port = server.port] in
                let next = try TestClient(port: port)
                try next.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
                #expect(try next.response().text == "hello")
            }
        }
    }

    @Test func aHandlerThatKeepsYieldingDoesNotStarveTheLoopsOtherConnections() async throws {
        let spinning = Atomic<Bool>(false), released = Atomic<Bool>(false)
        var router = testRouter()
        router.on(.get, "/spin") { _ in
            spinning.store(true, ordering: .releasing)
            while !released.load(ordering: .acquiring) { await Task.yield() }  // always ready to run
            return .text("spun")
        }
        try await withServer({ $0.eventLoopThreads = 1 }, router: router) { server in
            let spinner = try await sendRequest(port: server.port, path: "/spin")
            for _ in 0..<2_000 where !spinning.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(10)) }
            try await blocking { [port = server.port] in
                let other = try TestClient(port: port)
                for _ in 0..<20 {
                    try other.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
                    #expect(try other.response().text == "hello")
                }
            }
            released.store(true, ordering: .releasing)
            let answer = try await blocking { try spinner.value.response().text }
            #expect(answer == "spun")
        }
    }

    @Test func aHandlerStillWaitingWhenTheLoopExitsFinishesElsewhere() async throws {
        let gate = HandlerGate()  // released only once the loop has exited, past the grace period
        var router = Router()
        gate.route("/late", answer: "late", on: &router)
        var configuration = HTTPServerConfiguration()
        configuration.port = 0
        configuration.shutdownGracePeriod = .milliseconds(50)
        let server = try HTTPServer(configuration: configuration, router: router, logger: .init(label: "test"))
        let running = Task { try await server.run() }
        let client = try await sendRequest(port: server.port, path: "/late")
        try await gate.waitUntilReached()
        server.shutdown()
        try await running.value  // the loop has exited; the handler still waits
        gate.release()
        let finishedLater = try await gate.waitUntilFinished()
        #expect(finishedLater)  // resumed on the global executor
        _ = client
    }
}
