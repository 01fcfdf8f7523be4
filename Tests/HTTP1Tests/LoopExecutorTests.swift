import Glibc
import Synchronization
import Testing

@testable import HTTP1

/// Handlers run on their loop's thread (ServerLoop+Executor.swift), and still finish once the
/// loop is gone.
@Suite struct LoopExecutorTests {
    @Test func handlersStartAndResumeOnTheirLoopsThread() async throws {
        let threads = Mutex<[UInt]>([])
        var router = Router()
        router.on(.get, "/where") { _ in
            threads.withLock { $0.append(UInt(pthread_self())) }
            try await Task.sleep(for: .milliseconds(2))  // resumed by a timer on another thread
            threads.withLock { $0.append(UInt(pthread_self())) }
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
        #expect(Set(seen).count == 1)  // on Swift's pool they would spread over its threads
    }

    @Test func aHandlerStillWaitingWhenTheLoopExitsFinishesElsewhere() async throws {
        let reached = Atomic<Bool>(false), released = Atomic<Bool>(false), finished = Atomic<Bool>(false)
        var router = Router()
        router.on(.get, "/late") { _ in
            reached.store(true, ordering: .releasing)
            // Waits past the grace period: released only once the loop has exited.
            while !released.load(ordering: .acquiring) { try? await Task.sleep(for: .milliseconds(5)) }
            finished.store(true, ordering: .releasing)
            return .text("late")
        }
        var configuration = HTTPServerConfiguration()
        configuration.port = 0
        configuration.shutdownGracePeriod = .milliseconds(50)
        let server = try HTTPServer(configuration: configuration, router: router, logger: .init(label: "test"))
        let running = Task { try await server.run() }
        let client = try await blocking { [port = server.port] in
            let client = try TestClient(port: port)
            try client.send("GET /late HTTP/1.1\r\nHost: a\r\n\r\n")
            return UncheckedBox(client)
        }
        for _ in 0..<2_000 where !reached.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(10)) }
        server.shutdown()
        try await running.value  // the loop has exited; the handler still waits
        released.store(true, ordering: .releasing)
        for _ in 0..<500 where !finished.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(10)) }
        let finishedLater = finished.load(ordering: .acquiring)
        #expect(finishedLater)  // resumed on the global executor
        _ = client
    }
}
