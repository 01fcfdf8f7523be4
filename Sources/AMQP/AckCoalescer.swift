/// The acknowledgements of one consumer channel, turned into as few frames as possible. Acks
/// requested between two turns of the connection's loop are sent together: one `basic.ack`
/// with `multiple` for the longest run of settled tags after the last one acknowledged, the
/// rest (above a delivery still held) one by one. A `multiple` ack never covers a delivery that
/// is not settled: every tag it spans was acked, nacked or rejected before. Nothing is held
/// back past the turn, so an unsettled delivery never delays the acks of later ones.
///
/// Owner thread only (``ConnectionCore``); tags are the channel's delivery tags, 1, 2, 3, ...
/// Tags settled above a delivery still held are remembered until it is settled: a delivery the
/// application never settles (a bug: the broker too keeps it unacknowledged) keeps them all.
struct AckCoalescer {
    /// Every delivery tag up to here is settled.
    private(set) var settledThrough: UInt64 = 0
    /// Acks requested and not sent yet.
    private var pending: Set<UInt64> = []
    /// Tags above `settledThrough` already settled on the wire.
    private var settledAbove: Set<UInt64> = []

    /// True when ``flush()`` has acks to send.
    var hasPending: Bool { !pending.isEmpty }

    /// An ack of `tag` alone, to send at the next flush. A tag already settled is ignored:
    /// acking it again would name a tag the broker no longer has (406, channel closed).
    mutating func requestAck(_ tag: UInt64) {
        if tag > settledThrough, !settledAbove.contains(tag) { pending.insert(tag) }
    }

    /// `tag` was settled on the wire by itself (a nack, a reject, an ack sent at once).
    mutating func settled(_ tag: UInt64) {
        guard tag > settledThrough else { return }
        pending.remove(tag)
        settledAbove.insert(tag)
        advance()
    }

    /// Every tag up to `tag` was settled on the wire (an ack or nack with `multiple`).
    mutating func settled(through tag: UInt64) {
        guard tag > settledThrough else { return }
        settledThrough = tag
        pending = pending.filter { $0 > tag }
        settledAbove = settledAbove.filter { $0 > tag }
        advance()
    }

    /// Takes the pending acks: the tag to ack with `multiple` (if the settled run from
    /// `settledThrough` covers a pending ack), then the tags to ack one by one.
    ///
    /// The `multiple` ack names the highest pending tag of the run, never a tag settled
    /// before: RabbitMQ closes the channel ("unknown delivery tag") when the tag of an ack, even
    /// with `multiple`, is no longer outstanding.
    mutating func flush() -> (through: UInt64?, singles: [UInt64]) {
        var through: UInt64?
        while true {
            let next = settledThrough + 1
            if pending.remove(next) != nil {
                through = next
            } else if settledAbove.remove(next) == nil {
                break
            }
            settledThrough = next
        }
        let singles = pending.sorted()
        pending = []
        settledAbove.formUnion(singles)
        return (through, singles)
    }

    /// Moves `settledThrough` over tags already settled on the wire.
    private mutating func advance() {
        while settledAbove.remove(settledThrough + 1) != nil { settledThrough += 1 }
    }
}
