import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Keeps the served rules in step with the directory: inotify on the directory (editors'
/// write-and-rename, Kubernetes' `..data` symlink swap), SIGHUP, `POST /admin/reload`,
/// and a periodic check of the files' sizes, times and inodes as a backstop. Events are
/// debounced; each reload compiles off the request path and swaps only a good version.
public final class ReloadService: Service, Sendable {
    let store: RuleStore
    let metrics: ServerMetrics
    let ledger: HuntLedger
    let logger: Logger
    let options: ServerOptions
    private let pending = Mutex<Set<String>>([])
    private let events: AsyncStream<String>
    private let continuation: AsyncStream<String>.Continuation

    public init(store: RuleStore, metrics: ServerMetrics, ledger: HuntLedger, logger: Logger, options: ServerOptions) {
        self.store = store
        self.metrics = metrics
        self.ledger = ledger
        self.logger = logger
        self.options = options
        (events, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(64))
    }

    /// Asks for a reload (a file event, a signal, a periodic check).
    public func request(_ trigger: String) {
        _ = pending.withLock { $0.insert(trigger) }
        continuation.yield(trigger)
    }

    /// Reloads now and reports; for `/admin/reload` and the first load.
    @discardableResult
    public func reloadNow(trigger: String) -> ReloadReport {
        let report = store.reload(trigger: trigger)
        record(report)
        return report
    }

    private func record(_ report: ReloadReport) {
        metrics.reload(report)
        let metadata: Logger.Metadata = [
            "trigger": .string(report.trigger), "outcome": .string(report.outcome.rawValue),
            "rules_version": .string(report.version ?? "-"), "ms": .stringConvertible(Int(report.milliseconds)),
            "errors": .stringConvertible(report.errorCount), "warnings": .stringConvertible(report.warningCount),
        ]
        switch report.outcome {
        case .failed:
            logger.error("reload failed; the previous rules keep serving", metadata: metadata.merging(["diagnostics": .string(report.diagnostics)]) { $1 })
        case .loaded:
            logger.info("rules loaded", metadata: metadata)
        case .unchanged:
            logger.debug("rules unchanged", metadata: metadata)
        }
    }

    public func run() async throws {
        let watcher = DirectoryWatcher(path: options.rulesDirectory) { [weak self] in self?.request("inotify") }
        let signals = SignalWatcher(signal: SIGHUP) { [weak self] in self?.request("SIGHUP") }
        defer {
            watcher?.stop()
            signals.stop()
        }
        if watcher == nil {
            logger.warning("cannot watch the rules directory; relying on SIGHUP and the periodic check",
                           metadata: ["directory": .string(options.rulesDirectory)])
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.consume() }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(self.options.pollInterval))
                    if Task.isCancelled { break }
                    self.metrics.ledger(entries: self.ledger.count)
                    if self.store.filesChanged() { self.request("periodic check") }
                }
            }
            try? await gracefulShutdown()
            continuation.finish()
            group.cancelAll()
        }
    }

    /// Debounces: the first event starts a short window (`debounce`) that gathers the events
    /// of one save (editors write, rename and touch); then one reload for all of them. A
    /// fixed window, not a sliding one, so that files changing all the time still reload.
    private func consume() async {
        for await _ in events {
            try? await Task.sleep(for: .seconds(options.debounce))
            if Task.isCancelled { return }
            let triggers = pending.withLock { triggers -> [String] in
                defer { triggers.removeAll() }
                return triggers.sorted()
            }
            if triggers.isEmpty { continue } // woken for events already handled
            reloadNow(trigger: triggers.joined(separator: "+"))
        }
    }
}
