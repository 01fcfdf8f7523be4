@testable import AMQP
import Testing

@Suite("ConfirmTracker")
struct ConfirmTrackerTests {
    private func tracker(_ count: Int, mandatory: Bool = false) -> ConfirmTracker {
        var t = ConfirmTracker()
        for i in 0..<count {
            t.sent(owner: .init(batch: 0, index: i), mandatory: mandatory, exchange: "x", routingKey: "k\(i % 2)",
                   messageID: "m\(i)")
        }
        return t
    }

    @Test("single acks resolve one message each, in any order")
    func singleAcks() {
        var t = tracker(3)
        let second = t.confirm(tag: 2, multiple: false, ack: true)
        let first = t.confirm(tag: 1, multiple: false, ack: true)
        #expect(second.map(\.owner.index) == [1])
        #expect(first.map(\.owner.index) == [0])
        #expect(t.outstanding == 1)
        let third = t.confirm(tag: 3, multiple: false, ack: true)
        #expect(third.map(\.outcome) == [.confirmed])
        #expect(t.outstanding == 0)
    }

    @Test("a multiple ack resolves every earlier outstanding tag once; a nack multiple too")
    func multiple() {
        var t = tracker(6)
        _ = t.confirm(tag: 2, multiple: false, ack: true)
        let acked = t.confirm(tag: 4, multiple: true, ack: true)
        #expect(acked.map(\.owner.index) == [0, 2, 3])
        let nacked = t.confirm(tag: 6, multiple: true, ack: false)
        #expect(nacked.map(\.outcome) == [.nacked, .nacked])
        let again = t.confirm(tag: 6, multiple: true, ack: true)
        let unknown = t.confirm(tag: 99, multiple: false, ack: true)
        #expect(again.isEmpty)
        #expect(unknown.isEmpty)
        #expect(t.outstanding == 0)
    }

    @Test("a return marks the matching mandatory message; its ack then reports it returned")
    func returned() {
        var t = tracker(4, mandatory: true)
        let matched = t.returned(exchange: "x", routingKey: "k0", messageID: "m2", code: 312, text: "NO_ROUTE")
        let unmatched = t.returned(exchange: "x", routingKey: "k0", messageID: "zz", code: 312, text: "NO_ROUTE")
        #expect(matched)
        #expect(!unmatched)
        let outcomes = t.confirm(tag: 4, multiple: true, ack: true).map(\.outcome)
        #expect(outcomes == [.confirmed, .confirmed, .returned(code: 312, text: "NO_ROUTE"), .confirmed])
    }

    @Test("failAll reports the outstanding as unknown and keeps numbering")
    func failAll() {
        var t = tracker(3)
        _ = t.confirm(tag: 1, multiple: false, ack: true)
        let failed = t.failAll(.heartbeatTimeout)
        #expect(failed.map(\.owner.index) == [1, 2])
        #expect(failed.allSatisfy { $0.outcome == .unknown(.heartbeatTimeout) })
        #expect(t.outstanding == 0)
    }

    @Test("many messages acked in windows compact without losing track")
    func compaction() {
        var t = ConfirmTracker()
        var resolved = 0
        for window in 0..<50 {
            for i in 0..<100 {
                t.sent(owner: .init(batch: window, index: i), mandatory: false, exchange: "", routingKey: "q", messageID: nil)
            }
            resolved += t.confirm(tag: UInt64(window * 100 + 50), multiple: true, ack: true).count
            resolved += t.confirm(tag: UInt64(window * 100 + 100), multiple: true, ack: true).count
        }
        #expect(resolved == 5000)
        #expect(t.outstanding == 0)
        #expect(t.nextSequence == 5001)
    }
}
