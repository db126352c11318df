import ConnectProtocol
import Foundation
import Routing
import RuleCompiler
import Synchronization

/// One compiled version of the rules directory: immutable, shared by every request that
/// starts while it is current.
public final class LoadedRules: Sendable {
    /// A content hash of every file the compile read (rule files, includes, list files).
    public let version: String
    public let loadedAt: Date
    public let tables: [String: DecisionTable]
    /// Each rule set's view of the agent state (empty when the server keeps none).
    let agents: [String: RuleSetAgents]
    /// Every file the compile read, with a fingerprint for the periodic check.
    let fingerprints: [String: FileStamp?]

    init(version: String, loadedAt: Date, tables: [String: DecisionTable], agents: [String: RuleSetAgents] = [:],
         fingerprints: [String: FileStamp?]) {
        self.version = version
        self.loadedAt = loadedAt
        self.tables = tables
        self.agents = agents
        self.fingerprints = fingerprints
    }
}

/// What one reload did, for `/admin/rules`, the logs and the metrics.
public struct ReloadReport: Sendable {
    public enum Outcome: String, Sendable {
        /// New rules are serving.
        case loaded
        /// The files did not change.
        case unchanged
        /// The files have errors; the previous rules keep serving.
        case failed
    }

    public let outcome: Outcome
    public let at: Date
    public let trigger: String
    public let version: String?
    public let milliseconds: Double
    /// Rendered as `ringplan check` renders them (human format).
    public let diagnostics: String
    public let errorCount: Int
    public let warningCount: Int
}

/// Holds the rules being served and replaces them atomically. A reload compiles the whole
/// directory off the request path and swaps only a complete, error-free version in; a
/// request keeps the `LoadedRules` it started with until it finishes.
public final class RuleStore: Sendable {
    public let directory: String
    /// The agent state decisions read, when the server keeps one.
    let agentStore: AgentStore?
    /// The events URL of a rule set (`--public-url`), put in the answers of rule sets that
    /// use agent state, so that Exotel tells the server about their calls.
    let eventsURL: (@Sendable (String) -> String)?
    private let state = Mutex<(current: LoadedRules?, lastReport: ReloadReport?)>((nil, nil))
    /// Reloads run one at a time, so that an older compile never overwrites a newer one.
    private let reloading = Mutex<Void>(())

    public init(directory: String, agents: AgentStore? = nil, eventsURL: (@Sendable (String) -> String)? = nil) {
        self.directory = directory
        agentStore = agents
        self.eventsURL = eventsURL
    }

    /// A store that serves `rules` and never reloads (the replay's versions).
    convenience init(serving rules: LoadedRules) {
        self.init(directory: "")
        state.withLock { $0.current = rules }
    }

    public var current: LoadedRules? { state.withLock { $0.current } }
    public var lastReport: ReloadReport? { state.withLock { $0.lastReport } }

    /// Compiles the directory and, when it has no errors and changed, serves it.
    @discardableResult
    public func reload(trigger: String) -> ReloadReport {
        reloading.withLock { _ in
            let started = Date()
            let previous = current
            let report: ReloadReport
            let result: CheckResult
            do {
                result = try Workspace.check(paths: [directory])
            } catch {
                report = ReloadReport(outcome: .failed, at: started, trigger: trigger, version: previous?.version,
                                      milliseconds: Date().timeIntervalSince(started) * 1000,
                                      diagnostics: "error: \(error)\n", errorCount: 1, warningCount: 0)
                state.withLock { $0.lastReport = report }
                return report
            }
            let fingerprints = Self.fingerprints(of: result.sources.paths)
            let version = Self.version(of: result.sources)
            let checked = DiagnosticReport(result.diagnostics)
            let rendered = HumanRenderer(sources: result.sources).render(checked)
            func finish(_ outcome: ReloadReport.Outcome, version: String?) -> ReloadReport {
                ReloadReport(outcome: outcome, at: started, trigger: trigger, version: version,
                             milliseconds: Date().timeIntervalSince(started) * 1000, diagnostics: rendered,
                             errorCount: checked.errors, warningCount: checked.warnings)
            }
            if checked.failed {
                report = finish(.failed, version: previous?.version)
            } else if let previous, previous.version == version {
                report = finish(.unchanged, version: version)
            } else {
                var tables: [String: DecisionTable] = [:]
                var failure: String?
                var agents: [String: RuleSetAgents] = [:]
                for ruleSet in result.ruleSets {
                    if let agentStore {
                        agents[ruleSet.name] = agentStore.view(ruleSet: ruleSet.name, stickyDays: ruleSet.stickyDays)
                    }
                    var ruleSet = ruleSet
                    if ruleSet.usesAgentState, let eventsURL {
                        ruleSet.setEventsURL(eventsURL(ruleSet.name))
                    } else if let built = result.tables[ruleSet.name] {
                        tables[ruleSet.name] = built
                        continue
                    }
                    do { tables[ruleSet.name] = try DecisionTable(ruleSet: ruleSet) } catch {
                        failure = "rule set `\(ruleSet.name)`: cannot build an answer: \(error)"
                    }
                }
                if let failure {
                    report = ReloadReport(outcome: .failed, at: started, trigger: trigger, version: previous?.version,
                                          milliseconds: Date().timeIntervalSince(started) * 1000,
                                          diagnostics: rendered + "error: \(failure)\n", errorCount: 1, warningCount: checked.warnings)
                } else {
                    let loaded = LoadedRules(version: version, loadedAt: Date(), tables: tables, agents: agents, fingerprints: fingerprints)
                    state.withLock { $0.current = loaded }
                    report = finish(.loaded, version: version)
                }
            }
            state.withLock { $0.lastReport = report }
            return report
        }
    }

    /// Whether files changed since the last load: the rules directory's rule files, and
    /// every file the last load read (includes and list files elsewhere too).
    public func filesChanged() -> Bool {
        guard let current else { return true }
        let listed = (try? Workspace.ruleFilePaths(in: directory)) ?? []
        var paths = Set(current.fingerprints.keys)
        paths.formUnion(listed)
        let now = Self.fingerprints(of: Array(paths))
        return now != current.fingerprints
    }

    /// Each path's stamp; nil for a path that is gone.
    static func fingerprints(of paths: [String]) -> [String: FileStamp?] {
        Dictionary(paths.map { ($0, FileStamp(path: $0)) }, uniquingKeysWith: { first, _ in first })
    }

    /// FNV-1a over every file's path and bytes, in path order.
    static func version(of sources: SourceManager) -> String {
        var hash = FNV1a()
        for path in sources.paths.sorted() {
            hash.mix(path.utf8)
            hash.mix(0)
            hash.mix(sources.file(path)?.bytes ?? [])
            hash.mix(0)
        }
        let text = String(hash.value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}

extension RuleSet {
    /// Every answer's `dial_passthru_event_url` (the checker keeps a rule set that uses
    /// agent state from setting its own).
    mutating func setEventsURL(_ url: String) {
        for rule in rules.indices {
            for branch in rules[rule].dial.branches.indices {
                for step in rules[rule].dial.branches[branch].steps.indices {
                    rules[rule].dial.branches[branch].steps[step].options.eventsURL = url
                }
            }
        }
    }
}
