@testable import HTTP1

/// Runs the parser over `chunks` (fed one after another) and collects events until it needs
/// more bytes at the end, or fails.
func runParser(_ chunks: [[UInt8]], limits: HTTPLimits = HTTPLimits()) -> (events: [RequestParser.Event], error: HTTPParseError?) {
    var parser = RequestParser(limits: limits)
    var events: [RequestParser.Event] = []
    for chunk in chunks {
        parser.feed(chunk)
        do {
            while let event = try parser.next() { events.append(event) }
        } catch {
            return (events, error)
        }
    }
    return (events, nil)
}

/// The same input fed whole, split at every byte boundary, and one byte at a time.
func everySplit(_ bytes: [UInt8]) -> [[[UInt8]]] {
    var ways: [[[UInt8]]] = [[bytes], bytes.map { [$0] }]
    for split in 1..<max(1, bytes.count) {
        ways.append([Array(bytes[..<split]), Array(bytes[split...])])
    }
    return ways
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// The (method, target, body) of each complete request in `events`.
func requests(_ events: [RequestParser.Event]) -> [String] {
    var result: [String] = []
    var head: RequestHead?
    for event in events {
        switch event {
        case .head(let parsed): head = parsed
        case .end(let body): result.append("\(head!.method) \(head!.target) \(String(decoding: body, as: UTF8.self))")
        }
    }
    return result
}
