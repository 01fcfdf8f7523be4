/// Publisher-confirm bookkeeping for one channel: a pure state machine (no IO), so the rules
/// are unit-tested without a broker.
///
/// After `confirm.select` the broker numbers the channel's publishes 1, 2, 3, ... and answers
/// each with `basic.ack` or `basic.nack`, possibly several at once (`multiple`: every tag up to
/// and including this one). An unroutable mandatory message comes back as `basic.return`
/// *before* its ack; a return carries no delivery tag, so it is matched to the earliest
/// outstanding mandatory message with the same message id, exchange and routing key (give
/// messages distinct ids to make that unambiguous).
struct ConfirmTracker {
    /// Which caller's message a sequence number belongs to.
    struct Owner: Equatable {
        var batch: Int
        var index: Int
    }

    /// An outcome to hand to a caller.
    struct Resolution: Equatable {
        var owner: Owner
        var outcome: PublishOutcome
    }

    private struct Entry {
        var owner: Owner
        var mandatory: Bool
        var exchange: String
        var routingKey: String
        var messageID: String?
        var returned: PublishOutcome?
        var resolved = false
    }

    /// Entries for sequence numbers `base`, `base + 1`, ...; resolved ones are dropped from the
    /// front only: `entries[head]` is tag `base`, so tag `t` is at `head + (t - base)`.
    private var entries: [Entry] = []
    private var head = 0
    private var base: UInt64 = 1
    /// The sequence number the next publish gets.
    private(set) var nextSequence: UInt64 = 1

    /// Messages sent and not yet acked, nacked or failed.
    private(set) var outstanding = 0

    /// Records a sent message; returns its sequence number.
    @discardableResult
    mutating func sent(owner: Owner, mandatory: Bool, exchange: String, routingKey: String,
                       messageID: String?) -> UInt64 {
        entries.append(Entry(owner: owner, mandatory: mandatory, exchange: exchange,
                             routingKey: routingKey, messageID: messageID))
        outstanding += 1
        defer { nextSequence += 1 }
        return nextSequence
    }

    /// Handles `basic.ack` / `basic.nack` for `tag` (and every earlier tag when `multiple`).
    mutating func confirm(tag: UInt64, multiple: Bool, ack: Bool) -> [Resolution] {
        guard tag >= base, tag < nextSequence else { return [] }
        var resolutions: [Resolution] = []
        let last = Int(tag - base) + head
        let first = multiple ? head : last
        for position in first...last where !entries[position].resolved {
            entries[position].resolved = true
            outstanding -= 1
            let outcome = ack ? (entries[position].returned ?? .confirmed) : .nacked
            resolutions.append(Resolution(owner: entries[position].owner, outcome: outcome))
        }
        compact()
        return resolutions
    }

    /// Handles `basic.return`: marks the matching message returned. False if none matched.
    mutating func returned(exchange: String, routingKey: String, messageID: String?,
                           code: UInt16, text: String) -> Bool {
        for position in head..<entries.count {
            let entry = entries[position]
            if !entry.resolved, entry.returned == nil, entry.mandatory, entry.messageID == messageID,
               entry.exchange == exchange, entry.routingKey == routingKey
            {
                entries[position].returned = .returned(code: code, text: text)
                return true
            }
        }
        return false
    }

    /// Resolves every outstanding message: the channel or connection ended before its confirm.
    /// A message already returned stays returned; the others become `.unknown(error)`.
    mutating func failAll(_ error: AMQPError) -> [Resolution] {
        var resolutions: [Resolution] = []
        for position in head..<entries.count where !entries[position].resolved {
            entries[position].resolved = true
            resolutions.append(Resolution(owner: entries[position].owner,
                                          outcome: entries[position].returned ?? .unknown(error)))
        }
        outstanding = 0
        base = nextSequence
        entries.removeAll(keepingCapacity: true)
        head = 0
        return resolutions
    }

    private mutating func compact() {
        while head < entries.count, entries[head].resolved {
            head += 1
            base += 1
        }
        if head == entries.count {
            entries.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024, head * 2 >= entries.count {
            entries.removeFirst(head)
            head = 0
        }
    }
}
