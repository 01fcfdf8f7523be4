/// The worker's concurrency limit: `capacity` runs at once. `acquire` waits (up to a limit)
/// for a free slot; the capacity can change at run time (`set_concurrency`, pause).
actor SlotPool {
    private(set) var capacity: Int
    private(set) var inUse = 0
    private var waiters: [(id: Int, continuation: CheckedContinuation<Bool, Never>)] = []
    private var nextID = 0

    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    /// Takes a slot, waiting up to `timeout`; false if none freed up in time.
    func acquire(timeout: Duration) async -> Bool {
        if inUse < capacity && waiters.isEmpty {
            inUse += 1
            return true
        }
        let id = nextID
        nextID += 1
        // The timer is owned by this call: it only ends the wait of waiter `id`.
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            await self?.expire(id)
        }
        let granted = await withCheckedContinuation { waiters.append((id, $0)) }
        timer.cancel()
        return granted
    }

    /// Gives a slot back and hands it to the next waiter, if any.
    func release() {
        inUse -= 1
        grant()
    }

    /// Changes the capacity (0 pauses intake; running tasks are not touched).
    func setCapacity(_ value: Int) {
        capacity = max(0, value)
        grant()
    }

    /// Ends every wait with `false` (shutdown, pause): the deliveries are given back.
    func rejectWaiters() {
        let waiting = waiters
        waiters.removeAll()
        for waiter in waiting { waiter.continuation.resume(returning: false) }
    }

    private func grant() {
        while inUse < capacity, !waiters.isEmpty {
            inUse += 1
            waiters.removeFirst().continuation.resume(returning: true)
        }
    }

    private func expire(_ id: Int) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(returning: false)
    }
}
