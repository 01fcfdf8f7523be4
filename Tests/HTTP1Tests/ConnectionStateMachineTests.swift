import PosixIO
import Testing

@testable import HTTP1

@Suite struct ConnectionStateMachineTests {
    static let timeouts = ConnectionStateMachine.Timeouts(
        header: .seconds(10), body: .seconds(30), idle: .seconds(60), write: .seconds(5), linger: .seconds(2))
    let start = MonotonicTime(nanoseconds: 1_000_000_000)

    func at(_ seconds: Double) -> MonotonicTime { start + .milliseconds(Int64(seconds * 1000)) }

    func machine() -> ConnectionStateMachine {
        ConnectionStateMachine(limits: HTTPLimits(), timeouts: Self.timeouts, now: start)
    }

    func receive(_ machine: inout ConnectionStateMachine, _ text: String, at now: MonotonicTime) -> ConnectionStateMachine.Action {
        bytes(text).withUnsafeBytes { machine.received($0, now: now) }
    }

    func isDispatch(_ action: ConnectionStateMachine.Action, _ path: String) -> Bool {
        if case .dispatch(let head, _) = action { return head.target == path }
        return false
    }

    @Test func newConnectionThatSendsNothingIsClosedSilently() {
        var connection = machine()
        #expect(connection.tick(now: at(9.9)) == .wait)
        #expect(connection.tick(now: at(10)) == .close)
    }

    @Test func slowHeaderGets408() {
        var connection = machine()
        #expect(receive(&connection, "GET / HTTP/1.1\r\n", at: at(1)) == .wait)
        #expect(connection.tick(now: at(10.9)) == .wait)  // deadline counts from the first byte
        #expect(connection.tick(now: at(11)) == .sendError(HTTPParseError(.requestTimeout, "request not received in time")))
        #expect(connection.phase == .closing)
    }

    @Test func slowBodyGets408() {
        var connection = machine()
        #expect(receive(&connection, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc", at: at(1)) == .wait)
        #expect(connection.phase == .readingBody)
        #expect(receive(&connection, "d", at: at(20)) == .wait)  // a drip does not extend the deadline
        guard case .sendError(let error) = connection.tick(now: at(31)) else { Issue.record("no 408"); return }
        #expect(error.status == .requestTimeout)
    }

    @Test func idleKeepAliveClosesSilently() {
        var connection = machine()
        #expect(isDispatch(receive(&connection, "GET /a HTTP/1.1\r\nHost: a\r\n\r\n", at: at(1)), "/a"))
        #expect(connection.tick(now: at(100)) == .wait)  // no timeout while the handler runs
        #expect(connection.responseReady(now: at(100)) == false)
        #expect(connection.phase == .waitingForRequest(receivedAny: false))
        #expect(connection.tick(now: at(159)) == .wait)
        #expect(connection.tick(now: at(160)) == .close)
    }

    @Test func pipelinedRequestsAreDispatchedOneAtATimeInOrder() {
        var connection = machine()
        let first = receive(&connection, "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\nGET /3 HTTP/1.1\r\nHost: a\r\n\r\n", at: at(0))
        #expect(isDispatch(first, "/1"))
        #expect(connection.advance(now: at(0)) == .wait)
        #expect(!connection.wantsInput)
        #expect(connection.responseReady(now: at(0)) == false)
        #expect(isDispatch(connection.advance(now: at(0)), "/2"))
        #expect(connection.responseReady(now: at(0)) == false)
        #expect(isDispatch(connection.advance(now: at(0)), "/3"))
        #expect(connection.responseReady(now: at(0)) == false)
        #expect(connection.advance(now: at(0)) == .wait)
    }

    @Test func connectionCloseAndHTTP10CloseAfterResponse() {
        var connection = machine()
        #expect(isDispatch(receive(&connection, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", at: at(0)), "/"))
        #expect(connection.responseReady(now: at(0)) == true)
        var old = machine()
        #expect(isDispatch(receive(&old, "GET / HTTP/1.0\r\n\r\n", at: at(0)), "/"))
        #expect(old.responseReady(now: at(0)) == true)
        var oldKeepAlive = machine()
        #expect(isDispatch(receive(&oldKeepAlive, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", at: at(0)), "/"))
        #expect(oldKeepAlive.responseReady(now: at(0)) == false)
    }

    @Test func expectContinueAsksForTheBody() {
        var connection = machine()
        let head = "POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n"
        #expect(receive(&connection, head, at: at(0)) == .sendContinue)
        #expect(connection.advance(now: at(0)) == .wait)
        guard case .dispatch(_, let body) = receive(&connection, "ok", at: at(0)) else { Issue.record("no dispatch"); return }
        #expect(body == bytes("ok"))
    }

    @Test func bodyTooLargeIsRefusedBeforeContinue() {
        var connection = machine()
        let head = "POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 99999999\r\n\r\n"
        guard case .sendError(let error) = receive(&connection, head, at: at(0)) else { Issue.record("no error"); return }
        #expect(error.status == .contentTooLarge)
        #expect(connection.phase == .closing)
        #expect(receive(&connection, "more", at: at(0)) == .wait)
    }

    @Test func lingeringEndsAtEndOfInputOrDeadline() {
        var connection = machine()
        _ = receive(&connection, "BAD\r\n\r\n", at: at(0))
        connection.startLingering(now: at(0))
        #expect(connection.wantsInput)
        #expect(receive(&connection, "ignored", at: at(1)) == .wait)
        #expect(connection.tick(now: at(2)) == .close)
        var other = machine()
        _ = receive(&other, "BAD\r\n\r\n", at: at(0))
        other.startLingering(now: at(0))
        #expect(other.endOfInput(now: at(0.5)) == .close)
    }

    @Test func writeTimeoutCloses() {
        var connection = machine()
        _ = receive(&connection, "GET / HTTP/1.1\r\nHost: a\r\n\r\n", at: at(0))
        _ = connection.responseReady(now: at(0))
        connection.outputBlocked(now: at(1))
        connection.outputBlocked(now: at(3))  // the first block starts the clock
        #expect(connection.tick(now: at(5.9)) == .wait)
        #expect(connection.tick(now: at(6)) == .close)
        var drained = machine()
        drained.outputBlocked(now: at(0))
        drained.outputDrained()
        #expect(drained.tick(now: at(6)) == .wait)
    }

    @Test func halfClosedClientStillGetsItsPipelinedResponses() {
        var connection = machine()
        #expect(isDispatch(receive(&connection, "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n", at: at(0)), "/1"))
        #expect(connection.endOfInput(now: at(0)) == .wait)
        #expect(connection.responseReady(now: at(0)) == false)
        #expect(isDispatch(connection.advance(now: at(0)), "/2"))
        #expect(connection.responseReady(now: at(0)) == false)
        #expect(connection.advance(now: at(0)) == .close)
    }

    @Test func shutdownClosesIdleAndFinishesInFlight() {
        var idle = machine()
        #expect(idle.beginShutdown(now: at(0)) == .close)
        var busy = machine()
        #expect(isDispatch(receive(&busy, "GET / HTTP/1.1\r\nHost: a\r\n\r\n", at: at(0)), "/"))
        #expect(busy.beginShutdown(now: at(0)) == .wait)
        #expect(busy.responseReady(now: at(1)) == true)
        var reading = machine()
        #expect(receive(&reading, "GET / HTTP/1.1\r\n", at: at(0)) == .wait)
        #expect(reading.beginShutdown(now: at(0)) == .wait)
        #expect(isDispatch(receive(&reading, "Host: a\r\n\r\n", at: at(0)), "/"))
        #expect(reading.responseReady(now: at(0)) == true)
    }

    @Test func parseErrorsAreAnsweredThenClosed() {
        var connection = machine()
        guard case .sendError(let error) = receive(&connection, "GET / HTTP/3.0\r\nHost: a\r\n\r\n", at: at(0)) else {
            Issue.record("no error"); return
        }
        #expect(error.status == .httpVersionNotSupported)
        #expect(!connection.wantsInput)
    }
}
