import CoreMetrics
import Foundation
import Metrics
import Prometheus
import Synchronization

/// The server's metrics, through swift-metrics into a Prometheus registry of its own (one
/// per server, so that tests can run several).
public final class ServerMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    /// A request counter's dimensions, as a key that needs no string built per request.
    private struct RequestKey: Hashable {
        let ruleSet: String
        let rule: String
        let status: Int
        let outcome: String
    }

    /// Each request counter, with its answers in each of the last minutes (the admin page's):
    /// one lock and one hash per answer for both.
    private let requestCounters = Mutex<[RequestKey: (counter: CoreMetrics.Counter, recent: RecentCounts)]>([:])

    /// Counts by minute in a ring: a slot holds the minute it counts, so a stale one is
    /// reset when its minute comes round again.
    struct RecentCounts {
        static let minutes = 10
        var minute = [Int64](repeating: -1, count: minutes)
        var count = [Int](repeating: 0, count: minutes)

        mutating func add(at minute: Int64) {
            let slot = Int(minute % Int64(Self.minutes))
            if self.minute[slot] != minute { (self.minute[slot], count[slot]) = (minute, 0) }
            count[slot] += 1
        }

        /// The counts of the `minutes` minutes up to `now`'s, oldest first.
        func counts(upTo now: Int64) -> [Int] {
            ((now - Int64(Self.minutes) + 1)...now).map { minute in
                let slot = Int(minute % Int64(Self.minutes))
                return self.minute[slot] == minute ? count[slot] : 0
            }
        }
    }
    private let reloadCounters = Mutex<[String: CoreMetrics.Counter]>([:])
    private let eventCounters = Mutex<[String: CoreMetrics.Counter]>([:])
    private let stickyHits: CoreMetrics.Counter
    private let busySkips: CoreMetrics.Counter
    private let stateErrors = Mutex<[String: CoreMetrics.Counter]>([:])
    private let stateWrites: CoreMetrics.Counter
    private let stateDrops: CoreMetrics.Counter
    private let stateLag: CoreMetrics.Gauge
    private let statePendingGauge: CoreMetrics.Gauge
    private let latency: Metrics.Timer
    private let versionInfo = Mutex<CoreMetrics.Gauge?>(nil)
    private let lastReload: CoreMetrics.Gauge
    private let ledgerSize: CoreMetrics.Gauge

    public init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(10), .microseconds(25), .microseconds(50), .microseconds(100), .microseconds(250),
            .microseconds(500), .milliseconds(1), .milliseconds(5), .milliseconds(25), .milliseconds(100),
        ]
        self.factory = factory
        latency = Metrics.Timer(label: "ringplan_request_duration_seconds", dimensions: [], factory: factory)
        lastReload = CoreMetrics.Gauge(label: "ringplan_last_successful_reload_timestamp_seconds", dimensions: [], factory: factory)
        ledgerSize = CoreMetrics.Gauge(label: "ringplan_hunt_ledger_entries", dimensions: [], factory: factory)
        stickyHits = CoreMetrics.Counter(label: "ringplan_sticky_hits_total", dimensions: [], factory: factory)
        busySkips = CoreMetrics.Counter(label: "ringplan_busy_skips_total", dimensions: [], factory: factory)
        stateWrites = CoreMetrics.Counter(label: "ringplan_state_changes_written_total", dimensions: [], factory: factory)
        stateDrops = CoreMetrics.Counter(label: "ringplan_state_changes_dropped_total", dimensions: [], factory: factory)
        stateLag = CoreMetrics.Gauge(label: "ringplan_state_write_lag_seconds", dimensions: [], factory: factory)
        statePendingGauge = CoreMetrics.Gauge(label: "ringplan_state_changes_pending", dimensions: [], factory: factory)
    }

    /// The counter of `label` with `dimensions`, made on first use and kept in `counters` by `key`.
    private func counter(_ counters: borrowing Mutex<[String: CoreMetrics.Counter]>, key: String, label: String,
                         dimensions: [(String, String)]) -> CoreMetrics.Counter {
        counters.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = CoreMetrics.Counter(label: label, dimensions: dimensions, factory: factory)
            counters[key] = counter
            return counter
        }
    }

    /// A storage operation (`load`, `write`, `follow`, `prune`) failed; it is retried.
    public func stateError(operation: String) {
        counter(stateErrors, key: operation, label: "ringplan_state_storage_errors_total", dimensions: [("operation", operation)]).increment()
    }

    /// A batch reached storage; `lagSeconds`: how long its oldest change waited.
    public func stateWritten(changes: Int, lagSeconds: Double) {
        stateWrites.increment(by: changes)
        stateLag.record(lagSeconds)
    }

    /// The write-behind queue was full and its oldest change was dropped.
    public func stateDropped() { stateDrops.increment() }

    public func statePending(_ count: Int) { statePendingGauge.record(count) }

    /// Counts one `/events` request: `kind` is the event type (`-` when unread), `outcome`
    /// `applied`, `no-change`, `refused` or why it was ignored.
    public func event(kind: String, outcome: String) {
        counter(eventCounters, key: kind + " " + outcome, label: "ringplan_agent_events_total",
                dimensions: [("type", kind), ("outcome", outcome)]).increment()
    }

    /// A decision dialled the caller's sticky agent.
    public func stickyHit() { stickyHits.increment() }

    /// A decision left busy agents out.
    public func busySkip() { busySkips.increment() }

    /// Counts one `/connect` answer. `outcome`: `dialled`, `nobody` (the empty answer),
    /// `fallback` (no answer, Exotel tries the Fallback URL) or `refused` (a bad request).
    public func request(ruleSet: String, rule: String, status: Int, outcome: String, nanoseconds: UInt64) {
        let key = RequestKey(ruleSet: ruleSet, rule: rule, status: status, outcome: outcome)
        let minute = Int64(time(nil)) / 60
        let counter = requestCounters.withLock { counters in
            let index = counters.index(forKey: key) ?? {
                let counter = CoreMetrics.Counter(label: "ringplan_requests_total",
                                                  dimensions: [("rule_set", ruleSet), ("rule", rule), ("status", String(status)), ("outcome", outcome)],
                                                  factory: factory)
                counters[key] = (counter, RecentCounts())
                return counters.index(forKey: key)!
            }()
            counters.values[index].recent.add(at: minute)
            return counters.values[index].counter
        }
        counter.increment()
        latency.recordNanoseconds(Int64(nanoseconds))
    }

    /// Answers per rule set and rule (all statuses and outcomes) in each of the last ten
    /// minutes (oldest first, the current minute last), for rules with any.
    public func recentRequests(now: Int64 = Int64(time(nil))) -> [(ruleSet: String, rule: String, perMinute: [Int])] {
        var byRule: [String: (ruleSet: String, rule: String, perMinute: [Int])] = [:]
        for (key, counts) in requestCounters.withLock({ counters in counters.map { ($0.key, $0.value.recent.counts(upTo: now / 60)) } }) {
            let id = key.ruleSet + "\u{0}" + key.rule
            let sum = zip(byRule[id]?.perMinute ?? Array(repeating: 0, count: counts.count), counts).map(+)
            byRule[id] = (key.ruleSet, key.rule, sum)
        }
        return byRule.values.filter { $0.perMinute.contains { $0 > 0 } }.sorted { ($0.ruleSet, $0.rule) < ($1.ruleSet, $1.rule) }
    }

    public func reload(_ report: ReloadReport) {
        let outcome = report.outcome.rawValue
        counter(reloadCounters, key: outcome, label: "ringplan_reloads_total", dimensions: [("outcome", outcome)]).increment()
        if report.outcome == .loaded, let version = report.version {
            lastReload.record(report.at.timeIntervalSince1970)
            versionInfo.withLock { gauge in
                gauge?.destroy()
                gauge = CoreMetrics.Gauge(label: "ringplan_rules_version_info", dimensions: [("version", version)], factory: factory)
                gauge?.record(1)
            }
        }
    }

    public func ledger(entries: Int) { ledgerSize.record(entries) }

    /// The Prometheus text format.
    public func render() -> [UInt8] { registry.emitToBuffer() }
}
