import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Keeps the agent state beyond memory: reads it back when the server starts, writes what
/// events teach behind the decisions (which never wait for it), and applies what other
/// replicas write. Storage that is down leaves the server deciding from memory: writes wait
/// in a bounded queue and are retried, each failure counted, and `/readyz` says so.
public final class StateWriter: Service, Sendable {
    public struct Status: Sendable {
        public let kind: String
        public let name: String
        /// Storage answered the last attempt (always true in memory).
        public let healthy: Bool
        public let lastError: String?
        public let loaded: Bool
        public let pending: Int
        public let written: Int
        public let failures: Int
    }

    public let agents: AgentStore
    let storage: (any StateStorage)?
    /// This replica, in notifications, so that it skips its own.
    let origin: String
    private let queue: ChangeQueue
    private let status: Mutex<Status>
    private let metrics: ServerMetrics
    private let logger: Logger
    private let stickyCapacity: Int
    /// Seconds between batches: what is learnt reaches storage (and other replicas) this soon.
    static let interval: Duration = .milliseconds(50)
    static let batchLimit = 1_000

    /// `storage` nil: in memory only.
    public init(storage: (any StateStorage)?, stickyCapacity: Int, metrics: ServerMetrics, logger: Logger) {
        let queue = ChangeQueue(capacity: 100_000)
        self.queue = queue
        self.storage = storage
        self.metrics = metrics
        self.logger = logger
        self.stickyCapacity = stickyCapacity
        origin = UUID().uuidString
        let journal: @Sendable (AgentChange) -> Void = { change in
            if queue.push(change) { metrics.stateDropped() }
        }
        agents = AgentStore(stickyCapacity: stickyCapacity, journal: storage == nil ? nil : journal)
        status = Mutex(Status(kind: storage?.kind ?? "memory", name: storage?.name ?? "memory", healthy: storage == nil, lastError: nil,
                              loaded: storage == nil, pending: 0, written: 0, failures: 0))
    }

    public var current: Status {
        let pending = queue.count
        return status.withLock { status in
            Status(kind: status.kind, name: status.name, healthy: status.healthy, lastError: status.lastError, loaded: status.loaded,
                   pending: pending, written: status.written, failures: status.failures)
        }
    }

    public func run() async throws {
        guard let storage else {
            // In memory: only lapsed busy marks to sweep.
            await sweepUntilShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            await self.load(storage)
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.writeBehind(storage) }
                group.addTask { await self.followOthers(storage) }
                group.addTask { await self.maintain(storage) }
                await group.waitForAll()
            }
        }
        // Shutting down: one last try to write what is pending.
        let rest = queue.take(Int.max)
        if !rest.isEmpty { try? await storage.write(rest.map(\.change), origin: origin) }
        await storage.close()
    }

    private static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }

    /// Retries until it works: a server that starts while its database is down serves from
    /// memory and learns from events meanwhile.
    private func load(_ storage: any StateStorage) async {
        var delay = Duration.milliseconds(200)
        while !Task.isCancelled {
            do {
                try await storage.open()
                let changes = try await storage.load(now: Self.now(), limit: stickyCapacity)
                let now = Self.now()
                for change in changes { agents.apply(change, now: now) }
                // What events taught while loading is newer than what was stored.
                for pending in queue.snapshot() { agents.apply(pending.change, now: now) }
                succeeded(loaded: true)
                logger.info("agent state loaded", metadata: ["storage": "\(storage.name)", "changes": "\(changes.count)"])
                return
            } catch {
                failed(error, doing: "load")
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
    }

    private func writeBehind(_ storage: any StateStorage) async {
        var delay = Self.interval
        while !Task.isCancelled {
            try? await Task.sleep(for: delay)
            let batch = queue.take(Self.batchLimit)
            metrics.statePending(queue.count + batch.count)
            guard !batch.isEmpty else { continue }
            do {
                try await storage.write(batch.map(\.change), origin: origin)
                let lag = ContinuousClock.now - batch[0].queued
                metrics.stateWritten(changes: batch.count, lagSeconds: Double(lag.components.seconds) + Double(lag.components.attoseconds) / 1e18)
                status.withLock { status in status = status.with(written: status.written + batch.count) }
                succeeded(loaded: nil)
                delay = Self.interval
            } catch {
                queue.putBack(batch)
                failed(error, doing: "write")
                delay = min(max(delay * 2, .milliseconds(200)), .seconds(5))
            }
        }
    }

    private func followOthers(_ storage: any StateStorage) async {
        var delay = Duration.milliseconds(200)
        let agents = self.agents
        while !Task.isCancelled {
            do {
                try await storage.follow(origin: origin) { change in agents.apply(change, now: Self.now()) }
                return // storage without replicas
            } catch {
                guard !Task.isCancelled else { return }
                failed(error, doing: "follow")
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
                // Catch up on what was missed while not listening.
                if let changes = try? await storage.load(now: Self.now(), limit: stickyCapacity) {
                    let now = Self.now()
                    for change in changes { agents.apply(change, now: now) }
                }
            }
        }
    }

    /// Every minute: lapsed busy marks dropped in memory and in storage, storage pruned to
    /// what a restart would load.
    private func maintain(_ storage: any StateStorage) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(60))
            agents.sweep(now: Self.now())
            do { try await storage.prune(now: Self.now(), limit: stickyCapacity) } catch { failed(error, doing: "prune") }
        }
    }

    private func sweepUntilShutdown() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(60))
                self.agents.sweep(now: Self.now())
            }
        }
    }

    private func succeeded(loaded: Bool?) {
        status.withLock { status in status = status.with(healthy: true, lastError: .some(nil), loaded: loaded) }
    }

    private func failed(_ error: any Error, doing what: String) {
        metrics.stateError(operation: what)
        let text = "\(what): \(String(reflecting: error).prefix(300))"
        let wasHealthy = status.withLock { status in
            let was = status.healthy
            status = status.with(healthy: false, lastError: .some(text), failures: status.failures + 1)
            return was
        }
        if wasHealthy { logger.error("agent state storage failed; deciding from memory", metadata: ["error": "\(text)"]) }
    }
}

extension StateWriter.Status {
    func with(healthy: Bool? = nil, lastError: String?? = nil, loaded: Bool? = nil, written: Int? = nil, failures: Int? = nil) -> Self {
        Self(kind: kind, name: name, healthy: healthy ?? self.healthy, lastError: lastError ?? self.lastError, loaded: loaded ?? self.loaded,
             pending: pending, written: written ?? self.written, failures: failures ?? self.failures)
    }
}

/// Changes waiting to be written, oldest first, bounded: when full, the oldest is dropped.
final class ChangeQueue: Sendable {
    struct Queued: Sendable {
        let change: AgentChange
        let queued: ContinuousClock.Instant
    }

    private let items = Mutex<[Queued]>([])
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// True when the queue was full and dropped its oldest.
    func push(_ change: AgentChange) -> Bool {
        items.withLock { items in
            items.append(Queued(change: change, queued: .now))
            guard items.count > capacity else { return false }
            items.removeFirst(items.count - capacity)
            return true
        }
    }

    func take(_ limit: Int) -> [Queued] {
        items.withLock { items in
            let taken = Array(items.prefix(limit))
            items.removeFirst(taken.count)
            return taken
        }
    }

    /// A batch that could not be written goes back to the front, within the bound.
    func putBack(_ batch: [Queued]) {
        items.withLock { items in
            items.insert(contentsOf: batch, at: 0)
            if items.count > capacity { items.removeFirst(items.count - capacity) }
        }
    }

    func snapshot() -> [Queued] { items.withLock { $0 } }

    var count: Int { items.withLock { $0.count } }
}
