@testable import AMQP
import Testing

/// The coalescing of one channel's acks (``AckCoalescer``), without a broker: a `multiple` ack
/// spans only settled tags, and nothing requested is held back past a flush.
@Suite struct AckCoalescerTests {
    @Test func aContiguousRunGoesOutAsOneMultipleAck() {
        var acks = AckCoalescer()
        for tag in [3, 1, 2, 4] as [UInt64] { acks.requestAck(tag) }
        let flushed = acks.flush()
        #expect(flushed.through == 4 && flushed.singles.isEmpty)
        #expect(acks.settledThrough == 4 && !acks.hasPending)
    }

    @Test func aHeldDeliveryIsNeverCoveredAndLaterAcksStillGoOut() {
        var acks = AckCoalescer()
        for tag in [1, 2, 4, 5] as [UInt64] { acks.requestAck(tag) }  // 3 is still held
        let first = acks.flush()
        #expect(first.through == 2 && first.singles == [4, 5])
        // 3 is nacked (sent at once): the run now reaches 5 with nothing left to send.
        acks.settled(3)
        #expect(acks.settledThrough == 5)
        acks.requestAck(6)
        let second = acks.flush()
        #expect(second.through == 6 && second.singles.isEmpty)
    }

    @Test func settledTagsCarryTheRunWithoutAFrameOfTheirOwn() {
        var acks = AckCoalescer()
        acks.settled(2)  // a reject before anything else
        #expect(acks.flush() == (through: nil, singles: []))
        acks.requestAck(1)
        acks.requestAck(3)
        let flushed = acks.flush()
        #expect(flushed.through == 3 && flushed.singles.isEmpty)
    }

    @Test func theMultipleAckNamesAPendingTagNeverOneSettledBefore() {
        var acks = AckCoalescer()
        acks.requestAck(2)
        #expect(acks.flush() == (through: nil, singles: [2]))  // 1 is still held
        acks.requestAck(1)
        // 1..2 are settled now, but 2 went out already: the frame acks 1 alone.
        let flushed = acks.flush()
        #expect(flushed.through == 1 && flushed.singles.isEmpty)
        #expect(acks.settledThrough == 2)
        acks.requestAck(4)
        acks.settled(5)
        acks.requestAck(3)
        #expect(acks.flush() == (through: 4, singles: []))
        #expect(acks.settledThrough == 5)
    }

    @Test func aSecondAckOfOneTagSendsNothing() {
        var acks = AckCoalescer()
        acks.requestAck(2)
        #expect(acks.flush() == (through: nil, singles: [2]))
        acks.requestAck(2)  // RabbitMQ would close the channel on a second ack of 2
        #expect(acks.flush() == (through: nil, singles: []))
        acks.requestAck(1)
        acks.requestAck(1)
        #expect(acks.flush() == (through: 1, singles: []))
    }

    @Test func aMultipleAckFromTheCallerSettlesEverythingBelow() {
        var acks = AckCoalescer()
        acks.requestAck(2)
        acks.requestAck(7)
        acks.settled(through: 5)
        #expect(acks.settledThrough == 5)
        let flushed = acks.flush()
        #expect(flushed.through == nil && flushed.singles == [7])
        acks.requestAck(6)
        #expect(acks.flush().through == 6)  // 7 went out alone before
        #expect(acks.settledThrough == 7)
    }
}
