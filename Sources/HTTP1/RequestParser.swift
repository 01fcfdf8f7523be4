import Glibc

/// A sans-IO HTTP/1.1 request parser (RFC 9112) with limits.
///
/// Feed it bytes as they arrive, then call ``next()`` until it returns `nil` (more bytes needed).
/// Each request yields `.head` as soon as its header section is complete (so the caller can
/// answer `100 Continue` or refuse early), then `.end` with the whole body. After an error the
/// parser stays failed: answer ``HTTPParseError/status`` and close the connection.
///
/// ```swift
/// var parser = RequestParser(limits: HTTPLimits())
/// parser.feed(bytes)
/// while let event = try parser.next() { ... }
/// ```
struct RequestParser {
    enum Event: Equatable {
        case head(RequestHead)
        case end(body: [UInt8])
    }

    enum State: Equatable {
        case head
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers(bytes: Int, count: Int)
        case emptyBody
        case failed
    }

    let limits: HTTPLimits
    var state: State = .head
    var buffer: [UInt8] = []
    var readIndex = 0
    /// Head scanning progress, relative to `readIndex`: where to look for the next LF,
    /// where the current line starts, where the request line ended (its LF), header count.
    var scanOffset = 0
    var lineStartOffset = 0
    var requestLineEndOffset: Int?
    var headerCount = 0
    var body: [UInt8] = []

    init(limits: HTTPLimits) { self.limits = limits }

    /// Bytes received and not yet consumed.
    var bufferedByteCount: Int { buffer.count - readIndex }

    /// Whether the parser is between requests and has consumed everything it was given.
    var isBetweenRequests: Bool { state == .head && bufferedByteCount == 0 }

    /// Appends received bytes.
    mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        if readIndex > 0 && (readIndex == buffer.count || readIndex >= 16 * 1024) {
            buffer.removeSubrange(0..<readIndex)
            readIndex = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// Appends received bytes (convenience for tests and fuzzing).
    mutating func feed(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { feed($0) }
    }

    /// The next event, or `nil` when more bytes are needed.
    mutating func next() throws(HTTPParseError) -> Event? {
        do {
            return try step()
        } catch {
            state = .failed
            throw error
        }
    }

    private mutating func step() throws(HTTPParseError) -> Event? {
        while true {
            switch state {
            case .failed:
                throw .bad("parser already failed")
            case .head:
                guard let head = try parseHeadIfComplete() else { return nil }
                return .head(head)
            case .emptyBody:
                return finishMessage()
            case .fixedBody(let remaining):
                let take = min(remaining, bufferedByteCount)
                if take > 0 {
                    body.append(contentsOf: buffer[readIndex..<readIndex + take])
                    readIndex += take
                }
                if take == remaining { return finishMessage() }
                state = .fixedBody(remaining: remaining - take)
                return nil
            case .chunkSize:
                guard try parseChunkSizeLine() else { return nil }
            case .chunkData(let remaining):
                let take = min(remaining, bufferedByteCount)
                guard take > 0 else { return nil }
                body.append(contentsOf: buffer[readIndex..<readIndex + take])
                readIndex += take
                state = take == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - take)
            case .chunkDataEnd:
                guard bufferedByteCount >= 2 else { return nil }
                guard buffer[readIndex] == ByteClass.cr, buffer[readIndex + 1] == ByteClass.lf else {
                    throw .bad("chunk data not followed by CRLF")
                }
                readIndex += 2
                state = .chunkSize
            case .trailers:
                guard try parseTrailerLine() else { return nil }
                if state == .emptyBody { return finishMessage() }
            }
        }
    }

    /// Hands out the body and gets ready for the next request on the connection.
    mutating func finishMessage() -> Event {
        let complete = body
        body = []
        state = .head
        scanOffset = 0
        lineStartOffset = 0
        requestLineEndOffset = nil
        headerCount = 0
        return .end(body: complete)
    }

    /// Sets the state after a head, from its framing.
    mutating func startBody(_ framing: BodyFraming) {
        switch framing {
        case .none, .length(0):
            state = .emptyBody
        case .length(let length):
            body.reserveCapacity(length)
            state = .fixedBody(remaining: length)
        case .chunked:
            state = .chunkSize
        }
    }

    /// Runs `body` over the buffer's bytes, keeping the error type.
    func withBuffer<T>(
        _ body: (UnsafeRawBufferPointer) throws(HTTPParseError) -> T
    ) throws(HTTPParseError) -> T {
        let result: Result<T, HTTPParseError> = buffer.withUnsafeBytes { raw in
            do throws(HTTPParseError) { return .success(try body(raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// The index of the first LF at or after `start`, or `nil`.
    func indexOfLF(from start: Int) -> Int? {
        guard start < buffer.count else { return nil }
        return buffer.withUnsafeBytes { raw -> Int? in
            guard let found = memchr(raw.baseAddress! + start, Int32(ByteClass.lf), raw.count - start)
            else { return nil }
            return raw.baseAddress!.distance(to: UnsafeRawPointer(found))
        }
    }
}
