// libFuzzer target over the HTTP/1.1 request parser (Sources/HTTP1/RequestParser*.swift),
// built by scripts/fuzz-http.sh with `-sanitize=fuzzer,address` together with those sources.
//
// Input layout: the first byte chooses a split point; the rest is the byte stream a client
// sends. The parser runs over the stream once whole and once in two pieces, and both runs must
// agree (same requests, same error status): incremental parsing may not change the outcome.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequestParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let stream = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    var limits = HTTPLimits()
    limits.maxTargetBytes = 256
    limits.maxHeaderBytes = 1024
    limits.maxHeaderCount = 16
    limits.maxBodyBytes = 4096
    limits.maxChunkLineBytes = 128
    let split = stream.isEmpty ? 0 : Int(data[0]) % (stream.count + 1)
    let whole = run([stream], limits: limits)
    let pieces = run([Array(stream[..<split]), Array(stream[split...])], limits: limits)
    if whole.events != pieces.events || whole.status != pieces.status {
        // Differing statuses are allowed only when one run hit a size limit first.
        let limitStatuses: Set<Int> = [413, 414, 431]
        let bothLimitOrBad = [whole.status, pieces.status].allSatisfy { $0 == nil || limitStatuses.contains($0!) || $0 == 400 }
        if whole.events != pieces.events || !bothLimitOrBad {
            fatalError("split at \(split) changed the outcome: \(whole) vs \(pieces)")
        }
    }
    return 0
}

private func run(_ chunks: [[UInt8]], limits: HTTPLimits) -> (events: [RequestParser.Event], status: Int?) {
    var parser = RequestParser(limits: limits)
    var events: [RequestParser.Event] = []
    for chunk in chunks {
        parser.feed(chunk)
        do {
            while let event = try parser.next() {
                if case .end(let body) = event { precondition(body.count <= limits.maxBodyBytes) }
                events.append(event)
            }
        } catch {
            return (events, error.status.code)
        }
    }
    return (events, nil)
}
