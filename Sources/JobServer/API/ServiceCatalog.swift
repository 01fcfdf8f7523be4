import Foundation
import JobConfig
import JobStore
import Synchronization

/// The services the server accepts: those in `services:` plus those announced by live workers
/// (read from `workers` at most once every `refreshInterval`, so creates do not query it).
public final class ServiceCatalog: Sendable {
    private let configured: Set<String>
    private let workers: WorkerStore
    private let refreshInterval: Duration
    private let announced = Mutex<(names: Set<String>, refreshedAt: ContinuousClock.Instant?)>(([], nil))

    public init(configured: [ServiceDefinition], workers: WorkerStore, refreshInterval: Duration = .seconds(2)) {
        self.configured = Set(configured.map(\.name))
        self.workers = workers
        self.refreshInterval = refreshInterval
    }

    /// Whether tasks of `name` are accepted.
    public func accepts(_ name: String) async throws -> Bool {
        if configured.contains(name) { return true }
        return try await announcedServices().contains(name)
    }

    /// Every accepted service, sorted.
    public func all() async throws -> [String] {
        configured.union(try await announcedServices()).sorted()
    }

    private func announcedServices() async throws -> Set<String> {
        let now = ContinuousClock.now
        let cached = announced.withLock { state -> Set<String>? in
            guard let at = state.refreshedAt, now - at < refreshInterval else { return nil }
            return state.names
        }
        if let cached { return cached }
        let names = Set(try await workers.liveServices())
        announced.withLock { $0 = (names, now) }
        return names
    }
}
