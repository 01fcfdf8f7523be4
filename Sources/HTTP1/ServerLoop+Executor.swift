import Glibc
import PosixIO
import Synchronization

/// The loop as its handlers' task executor: a request's handler task starts, and resumes after
/// each of its waits, on the loop's thread, between two `epoll_wait`s. Handing the request to
/// Swift's thread pool and the response back cost two thread wake-ups per request (about 8 µs
/// of CPU each on the benchmark machine, docs/benchmarks.md); now a request that waits for
/// PostgreSQL wakes only the connection's thread and, when the result is in, this one.
///
/// Jobs enqueued from the loop's own thread run before it next sleeps, without a signal; from
/// any other thread (a database connection's, which resumes a handler) they wake the loop
/// through its eventfd. Once the loop has exited, jobs go to Swift's global executor, so a
/// handler still waiting at shutdown finishes there (its response is dropped).
extension ServerLoop: TaskExecutor {
    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        let accepted = deliver { $0.jobs.append(unowned) }
        if !accepted { globalConcurrentExecutor.enqueue(ExecutorJob(unowned)) }
    }

    /// Adds to the mailbox (any thread); wakes the loop if it is another thread's. False once
    /// the loop has stopped (nothing was added).
    @discardableResult
    func deliver(_ add: (inout Mailbox) -> Void) -> Bool {
        let onLoop = loopThread.load(ordering: .acquiring) == UInt(pthread_self())
        let (accepted, signal) = mailbox.withLock { box -> (Bool, Bool) in
            guard !box.stopped else { return (false, false) }
            add(&box)
            // The loop drains the mailbox before it sleeps: its own thread needs no signal.
            guard !onLoop, !box.signalled else { return (true, false) }
            box.signalled = true
            return (true, true)
        }
        if signal { wakeup.signal() }
        return accepted
    }

    /// Runs the jobs and completes the responses in the mailbox, and starts a requested
    /// shutdown. Returns whether there was anything (jobs may have added more).
    func drainMailbox() -> Bool {
        // The spare buffers move in (uniquely referenced: the other threads' appends to the
        // mailbox then allocate nothing) and the mailbox's move out.
        var jobs: [UnownedJob] = [], completions: [Completion] = []
        swap(&jobs, &spareJobs)
        swap(&completions, &spareCompletions)
        let shutdown = mailbox.withLock { box in
            box.signalled = false
            swap(&jobs, &box.jobs)
            swap(&completions, &box.completions)
            return box.shutdown
        }
        defer {
            jobs.removeAll(keepingCapacity: true)
            completions.removeAll(keepingCapacity: true)
            swap(&jobs, &spareJobs)
            swap(&completions, &spareCompletions)
        }
        for job in jobs { job.runSynchronously(on: asUnownedTaskExecutor()) }
        let now = MonotonicTime.now()
        for completion in completions { complete(completion, now: now) }
        if shutdown && !draining { beginShutdown(now: now) }
        return !jobs.isEmpty || !completions.isEmpty
    }

    /// The loop has exited: later jobs go to the global executor, and so do those queued.
    func stop() {
        let jobs = mailbox.withLock { box in
            box.stopped = true
            defer { box.jobs = [] }
            return box.jobs
        }
        loopThread.store(0, ordering: .releasing)
        for job in jobs { globalConcurrentExecutor.enqueue(ExecutorJob(job)) }
    }
}
