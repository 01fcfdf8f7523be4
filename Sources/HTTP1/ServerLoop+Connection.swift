import Logging
import PosixIO

/// Driving one connection: reading, running state-machine actions, writing, logging.
extension ServerLoop {
    /// Makes all the progress possible on `connection` now: flush, parse, read, repeat.
    func service(_ connection: ServerConnection, now: MonotonicTime) {
        while lookup(connection.token) != nil {
            if connection.hasPendingOutput {
                guard connection.flush(now: now) else { return close(connection) }
                if connection.hasPendingOutput { return }  // EPOLLOUT will call back
            }
            if connection.closeAfterFlush {
                connection.closeAfterFlush = false
                connection.socket.shutdownWrite()
                connection.machine.startLingering(now: now)
            }
            var action = connection.machine.advance(now: now)
            if action == .wait {
                guard connection.machine.wantsInput, connection.readable else { return }
                do {
                    switch try connection.socket.read(into: readBuffer) {
                    case nil:
                        connection.readable = false
                        return
                    case 0:
                        connection.readable = false
                        action = connection.machine.endOfInput(now: now)
                    case let count?:
                        action = connection.machine.received(
                            UnsafeRawBufferPointer(rebasing: readBuffer[0..<count]), now: now)
                    }
                } catch {
                    return close(connection)
                }
            }
            perform(action, on: connection, now: now)
        }
    }

    /// Executes one state-machine action (writes are only queued; `service` flushes them).
    func perform(_ action: ConnectionStateMachine.Action, on connection: ServerConnection, now: MonotonicTime) {
        switch action {
        case .wait:
            break
        case .sendContinue:
            connection.output.append(contentsOf: ResponseEncoder.continueBytes)
        case .dispatch(let head, let body):
            dispatch(head, body: body, on: connection, now: now)
        case .sendError(let error):
            let requestID = context.requestIDs.id(for: HTTPHeaders())
            let response = context.configuration.errorResponse(error.status, error.reason)
            encoder.encode(
                response, requestID: requestID, omitBody: false, close: true, keepAliveHTTP10: false,
                into: &connection.output)
            connection.closeAfterFlush = true
            if context.accessLogEnabled {
                logAccess(method: "-", path: "-", status: error.status, requestID: requestID, start: now, now: now,
                          extra: ["error": "\(error.reason)"])
            }
        case .close:
            close(connection)
        }
    }

    private func dispatch(_ head: RequestHead, body: [UInt8], on connection: ServerConnection, now: MonotonicTime) {
        let requestID = context.requestIDs.id(for: head.headers)
        let request = HTTPRequest(
            method: head.method, target: head.target, version: head.version, headers: head.headers, body: body,
            requestID: requestID)
        connection.inFlight = ServerConnection.InFlight(
            method: head.method, path: request.path, requestID: requestID, start: now,
            omitBody: head.method == .head, keepAliveHTTP10: head.version == .http1_0 && head.keepAlive)
        let token = connection.token
        let context = context
        // Owned by the connection: the task's only output is the response it posts back to this
        // loop, which drops it if the connection is gone. Shutdown waits for these responses up
        // to the grace period. It runs on this loop's thread between its waits for I/O.
        Task(executorPreference: self) { [self] in
            let response = await context.router.respond(
                to: request, errorResponse: context.configuration.errorResponse, logger: context.logger)
            post(token: token, response: response)
        }
    }

    /// A handler's response arrived: encode it, log it, and carry on with the connection.
    func complete(_ completion: Completion, now: MonotonicTime) {
        guard let connection = lookup(completion.token), let inFlight = connection.inFlight else { return }
        connection.inFlight = nil
        let close = connection.machine.responseReady(now: now)
        encoder.encode(
            completion.response, requestID: inFlight.requestID, omitBody: inFlight.omitBody, close: close,
            keepAliveHTTP10: inFlight.keepAliveHTTP10 && !close, into: &connection.output)
        if close { connection.closeAfterFlush = true }
        if context.accessLogEnabled {
            logAccess(
                method: inFlight.method.rawValue, path: inFlight.path, status: completion.response.status,
                requestID: inFlight.requestID, start: inFlight.start, now: now, extra: completion.response.logMetadata)
        }
        service(connection, now: now)
    }

    private func logAccess(
        method: String, path: String, status: HTTPStatus, requestID: String, start: MonotonicTime,
        now: MonotonicTime, extra: Logger.Metadata
    ) {
        var metadata: Logger.Metadata = [
            "method": "\(method)", "path": "\(path)", "status": "\(status.code)",
            "duration_ms": "\(Double(now.duration(since: start).nanosecondsClamped) / 1_000_000)",
            "request_id": "\(requestID)",
        ]
        metadata.merge(extra) { current, _ in current }
        context.logger.info("request", metadata: metadata)
    }
}
