import JobCore

// Parses a typical single create body (and one with escapes) `parses` times per round; prints
// the mean nanoseconds per parse of rounds 2...5 (round 1 warms up).
let bodies: [(String, [UInt8])] = [
    ("create body", Array(#"{"service":"echo","condition":{"n":12345,"text":"hello world, a short condition"},"batch":"bench-open-1234567890","priority":3,"tag":"alpha"}"#.utf8)),
    ("escaped strings", Array(#"{"service":"echo","condition":{"text":"line one\nline \"two\"\t\u00e9 and a path C:\\tmp"},"batch":"b"}"#.utf8)),
]
let parses = 200_000
let clock = ContinuousClock()
var checksum = 0
for (label, body) in bodies {
    var nanoseconds: [Double] = []
    for round in 0..<5 {
        let start = clock.now
        for _ in 0..<parses {
            if case .object(let members) = try! JSONParser.parse(body) { checksum &+= members.count }
        }
        let elapsed = clock.now - start
        let total = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        if round > 0 { nanoseconds.append(total / Double(parses)) }
    }
    print("\(label): \(Int(nanoseconds.reduce(0, +) / Double(nanoseconds.count))) ns per parse")
}
print("checksum \(checksum)")
