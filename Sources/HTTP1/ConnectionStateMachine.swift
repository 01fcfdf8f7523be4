import PosixIO

/// The protocol logic of one server connection, with no IO: events in, actions out.
///
/// Time is a parameter of every event (an injected clock), so timeouts are unit-testable.
/// One request is in flight at a time; pipelined requests wait in the parser's buffer until
/// the response before them has been handed over, so responses go out in order.
///
/// The IO side calls ``advance(now:)`` after any event that may have made progress possible and
/// executes the returned action, repeating until it gets `.wait`.
struct ConnectionStateMachine {
    /// The timeouts a connection enforces.
    struct Timeouts: Equatable {
        var header: Duration
        var body: Duration
        var idle: Duration
        var write: Duration
        var linger: Duration
    }

    enum Phase: Equatable {
        /// Between requests; `receivedAny` once a byte of the next request arrived.
        case waitingForRequest(receivedAny: Bool)
        case readingBody
        case awaitingResponse
        /// A final response is being written; input is ignored.
        case closing
        /// Write side shut down; reading and discarding until end of stream or the deadline.
        case lingering
        case closed
    }

    enum Action: Equatable {
        /// Nothing to do until the next event.
        case wait
        /// Write `HTTP/1.1 100 Continue`, then advance again.
        case sendContinue
        /// Run the handler for this request; report its response with ``responseReady(now:)``.
        case dispatch(RequestHead, body: [UInt8])
        /// Write an error response with `Connection: close`, then ``startLingering(now:)``.
        case sendError(HTTPParseError)
        /// Close the socket now.
        case close
    }

    private(set) var phase: Phase = .waitingForRequest(receivedAny: false)
    private(set) var deadline: MonotonicTime?
    private(set) var writeDeadline: MonotonicTime?
    private var parser: RequestParser
    private var currentHead: RequestHead?
    private var keepAlive = true
    private var draining = false
    private var peerClosed = false
    let timeouts: Timeouts
    /// Most bytes buffered ahead of the parser: enough for any head the limits allow, so the
    /// parser always reaches a decision before reading stops.
    private let readAheadLimit: Int

    /// A new connection: the first request must start arriving within the header timeout.
    init(limits: HTTPLimits, timeouts: Timeouts, now: MonotonicTime) {
        parser = RequestParser(limits: limits)
        self.timeouts = timeouts
        readAheadLimit = max(64 * 1024, limits.maxTargetBytes + limits.maxHeaderBytes + 1024)
        deadline = now + timeouts.header
    }

    /// Whether the IO side should read from the socket now.
    var wantsInput: Bool {
        switch phase {
        case .waitingForRequest, .readingBody: parser.bufferedByteCount < readAheadLimit
        case .lingering: true
        default: false
        }
    }

    /// Bytes arrived from the peer.
    mutating func received(_ bytes: UnsafeRawBufferPointer, now: MonotonicTime) -> Action {
        switch phase {
        case .waitingForRequest, .readingBody:
            parser.feed(bytes)
            return advance(now: now)
        default:
            return .wait  // lingering or closing: discard
        }
    }

    /// Parses what is buffered and returns what to do next.
    mutating func advance(now: MonotonicTime) -> Action {
        while true {
            switch phase {
            case .waitingForRequest, .readingBody: break
            default: return .wait
            }
            let event: RequestParser.Event?
            do {
                event = try parser.next()
            } catch {
                phase = .closing
                deadline = nil
                return .sendError(error)
            }
            switch event {
            case nil:
                if case .waitingForRequest(false) = phase, parser.bufferedByteCount > 0 {
                    phase = .waitingForRequest(receivedAny: true)
                    deadline = now + timeouts.header
                }
                if peerClosed {
                    phase = .closed
                    return .close
                }
                return .wait
            case .head(let head)?:
                phase = .readingBody
                deadline = now + timeouts.body
                keepAlive = head.keepAlive && !draining
                currentHead = head
                if head.expectsContinue && parser.bufferedByteCount == 0 { return .sendContinue }
            case .end(let body)?:
                guard let head = currentHead else { continue }
                currentHead = nil
                phase = .awaitingResponse
                deadline = nil
                return .dispatch(head, body: body)
            }
        }
    }

    /// The handler's response is ready. Returns whether the connection closes after it
    /// (the response then carries `Connection: close`).
    mutating func responseReady(now: MonotonicTime) -> Bool {
        guard phase == .awaitingResponse else { return true }
        if !keepAlive || draining {
            phase = .closing
            return true
        }
        let receivedAny = parser.bufferedByteCount > 0
        phase = .waitingForRequest(receivedAny: receivedAny)
        deadline = now + (receivedAny ? timeouts.header : timeouts.idle)
        return false
    }

    /// The final response has been written: the IO side shuts down writing and keeps reading
    /// (discarding) until end of stream or the linger deadline, so the peer reads the response
    /// instead of a reset.
    mutating func startLingering(now: MonotonicTime) {
        phase = .lingering
        deadline = now + timeouts.linger
    }

    /// Output could not be written completely; it must drain before the write deadline.
    mutating func outputBlocked(now: MonotonicTime) {
        if writeDeadline == nil { writeDeadline = now + timeouts.write }
    }

    /// Pending output has been written.
    mutating func outputDrained() { writeDeadline = nil }

    /// The peer closed its sending side (read returned 0).
    mutating func endOfInput(now: MonotonicTime) -> Action {
        peerClosed = true
        switch phase {
        case .awaitingResponse, .closing: return .wait
        case .closed: return .wait
        case .lingering:
            phase = .closed
            return .close
        case .waitingForRequest, .readingBody:
            return advance(now: now)
        }
    }

    /// Fires expired timeouts.
    mutating func tick(now: MonotonicTime) -> Action {
        if let writeDeadline, now >= writeDeadline {
            phase = .closed
            return .close
        }
        guard let deadline, now >= deadline else { return .wait }
        self.deadline = nil
        switch phase {
        case .waitingForRequest(receivedAny: false), .lingering:
            phase = .closed
            return .close
        case .waitingForRequest(receivedAny: true), .readingBody:
            phase = .closing
            return .sendError(HTTPParseError(.requestTimeout, "request not received in time"))
        case .awaitingResponse, .closing, .closed:
            return .wait
        }
    }

    /// Graceful shutdown: idle connections close now; a request being read or handled is
    /// finished and answered with `Connection: close`.
    mutating func beginShutdown(now: MonotonicTime) -> Action {
        draining = true
        keepAlive = false
        if case .waitingForRequest(receivedAny: false) = phase {
            phase = .closed
            return .close
        }
        return .wait
    }
}
