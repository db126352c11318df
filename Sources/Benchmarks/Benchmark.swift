import ConnectProtocol
import Foundation
import RingplanServer
import Routing
import RuleCompiler

/// Measures a rule set: compiling it, the table's memory, and the cost of a decision on
/// the table, on the reference evaluator, and on the whole in-process path.
public struct Benchmark {
    public struct Report: Codable, Sendable {
        public var ruleSet: String
        public var rules: Int
        public var listedNumbers: Int
        /// Rows of the rule set's lookup tables.
        public var tableRows: Int
        public var requests: Int
        public var checkMilliseconds: Double
        public var lowerMilliseconds: Double
        public var compileMilliseconds: Double
        public var tableMegabytes: Double
        public var residentGrowthMegabytes: Double
        public var tableMedianNanoseconds: Double
        public var tableP99Nanoseconds: Double
        public var factsMedianNanoseconds: Double
        public var lookupMedianNanoseconds: Double
        public var referenceMedianNanoseconds: Double
        public var referenceP99Nanoseconds: Double
        public var speedup: Double
        public var wholePathMedianNanoseconds: Double
        public var wholePathP99Nanoseconds: Double
        public var answered: Int
        public var unanswered: Int
        /// Reading and checking the synthetic table alone (a rule set of it and one rule).
        public var tableLoadMilliseconds: Double?
        /// The same decisions with the server's agent state in use (`--agent-state`).
        public var agentState: AgentStateFigures?

        public var lines: [String] {
            func ms(_ value: Double) -> String { String(format: "%.0f ms", value) }
            func ns(_ value: Double) -> String { String(format: "%.0f ns", value) }
            return [
                "rule set: \(ruleSet), \(rules) rules, \(listedNumbers) listed numbers, \(tableRows) table rows, \(requests) requests (\(answered) answered, \(unanswered) no rule)",
                "check (read, parse, check): \(ms(checkMilliseconds))",
                "lower (decision table): \(ms(lowerMilliseconds))",
                "compile total: \(ms(compileMilliseconds))",
                String(format: "table memory: %.1f MB (resident growth while lowering: %.1f MB)", tableMegabytes, residentGrowthMegabytes),
                "table decision (parsed request to answer bytes): median \(ns(tableMedianNanoseconds)), p99 \(ns(tableP99Nanoseconds))",
                "  of which reading the request (numbers to E.164, time to the zone): median \(ns(factsMedianNanoseconds))",
                "  of which the table lookup and answer bytes: median \(ns(lookupMedianNanoseconds))",
                "reference decision: median \(ns(referenceMedianNanoseconds)), p99 \(ns(referenceP99Nanoseconds))",
                String(format: "table vs reference: %.0fx faster (medians)", speedup),
                "whole path (raw query and header to answer bytes): median \(ns(wholePathMedianNanoseconds)), p99 \(ns(wholePathP99Nanoseconds))",
            ] + (tableLoadMilliseconds.map { ["table alone (\(tableRows) rows, read and checked): \(ms($0))"] } ?? [])
                + (agentState.map { state in [
                    "with agent state (\(state.stickyCallers) sticky callers, \(state.busyAgents) of \(state.agents) agents busy): "
                        + "median \(ns(state.medianNanoseconds)), p99 \(ns(state.p99Nanoseconds)); "
                        + String(format: "%.2fx the median without (%@)", state.ratio, ns(state.withoutMedianNanoseconds))
                        + " (\(state.timed) decisions each way, \(state.timedAnswered) of them with the state answered)",
                    "  sticky agents dialled: \(state.stickyAnswers) answers; busy agents passed over: \(state.busyChanged) answers",
                ] } ?? [])
        }
    }

    public struct AgentStateFigures: Codable, Sendable {
        public var agents: Int
        public var busyAgents: Int
        public var stickyCallers: Int
        public var medianNanoseconds: Double
        public var p99Nanoseconds: Double
        /// This run's median without agent state, measured alternately with the one with it.
        public var withoutMedianNanoseconds: Double
        public var ratio: Double
        /// Of the decisions timed with the state, how many dialled someone.
        public var timed: Int
        public var timedAnswered: Int
        public var stickyAnswers: Int
        public var busyChanged: Int
    }

    public enum Failure: Error, CustomStringConvertible {
        case diagnostics(CheckResult)
        case notARuleSet(String)
        case answer(AnswerError)

        public var description: String {
            switch self {
            case .diagnostics: return "the rule set has errors; run `ringplan check` on it"
            case .notARuleSet(let path): return "`\(path)` is not a rule set (it has no `rules`)"
            case .answer(let error): return "cannot build an answer: \(error)"
            }
        }
    }

    /// `referenceRequests`: how many requests to time on the reference evaluator, which is
    /// slow (default: as many as take about ten seconds).
    public static func run(path: String, requests: Int, referenceRequests: Int? = nil, agentState: Bool = false) throws -> Report {
        let start = monotonicNanoseconds()
        let result = try Workspace.check(paths: [path], analyze: false)
        let checked = monotonicNanoseconds()
        guard !result.diagnostics.hasErrors else { throw Failure.diagnostics(result) }
        guard let ruleSet = result.ruleSets.first else { throw Failure.notARuleSet(path) }
        let residentBefore = residentBytes()
        let table: DecisionTable
        do { table = try DecisionTable(ruleSet: ruleSet) } catch { throw Failure.answer(error) }
        let lowered = monotonicNanoseconds()
        let residentAfter = residentBytes()

        var synthesizer = RequestSynthesizer(ruleSet: ruleSet)
        let queries = (0..<requests).map { _ in synthesizer.query() }
        let now: Int64 = 1_795_000_000
        let overhead = timerOverhead()

        // Each request is parsed just before it is timed, as the server parses it just before
        // deciding: the request is warm in the cache, the table as cold as real traffic makes it.
        var answered = 0
        var tableTimes: [Double] = [], factsTimes: [Double] = [], lookupTimes: [Double] = []
        tableTimes.reserveCapacity(requests)
        factsTimes.reserveCapacity(requests)
        lookupTimes.reserveCapacity(requests)
        for _ in 0..<2 { // the first pass warms up; the second is kept
            tableTimes.removeAll(keepingCapacity: true)
            answered = 0
            for query in queries {
                let request = ConnectRequest(query: query)
                let begin = monotonicNanoseconds()
                let outcome = table.outcome(for: table.reader.facts(for: request, now: now), version: .v1_0)
                let end = monotonicNanoseconds()
                if case .answer = outcome { answered += 1 }
                tableTimes.append(Double(end - begin) - overhead)
            }
        }
        // The two halves of a decision, for finding where time goes.
        for query in queries {
            let request = ConnectRequest(query: query)
            let begin = monotonicNanoseconds()
            let facts = table.reader.facts(for: request, now: now)
            let middle = monotonicNanoseconds()
            let outcome = table.outcome(for: facts, version: .v1_0)
            let end = monotonicNanoseconds()
            if outcome.rule == -1 { answered += 0 }
            factsTimes.append(Double(middle - begin) - overhead)
            lookupTimes.append(Double(end - middle) - overhead)
        }

        let reference = ReferenceEvaluator(ruleSet: ruleSet)
        let date = Date(timeIntervalSince1970: TimeInterval(now))
        var referenceTimes: [Double] = []
        let referenceCount = referenceRequests ?? max(100, min(requests, 200_000_000 / max(1, ruleSet.rules.count * 50)))
        for query in queries.prefix(referenceCount) {
            let request = ConnectRequest(query: query)
            let begin = monotonicNanoseconds()
            let outcome = reference.outcome(for: request, version: .v1_0, now: date)
            let end = monotonicNanoseconds()
            precondition(outcome == table.outcome(for: table.reader.facts(for: request, now: now), version: .v1_0),
                         "table and reference disagree on \(request)")
            referenceTimes.append(Double(end - begin) - overhead)
        }

        var wholeTimes: [Double] = []
        wholeTimes.reserveCapacity(requests)
        for query in queries {
            let begin = monotonicNanoseconds()
            let outcome = table.outcome(query: query, versionHeader: "1.1", now: now)
            let end = monotonicNanoseconds()
            if case .noMatch = outcome { continue }
            wholeTimes.append(Double(end - begin) - overhead)
        }

        let tableMedian = percentile(tableTimes, 0.5), referenceMedian = percentile(referenceTimes, 0.5)
        let stateFigures = agentState ? measureAgentState(table: table, reference: reference, queries: queries, now: now, overhead: overhead) : nil
        return Report(
            ruleSet: path, rules: ruleSet.rules.count, listedNumbers: ruleSet.lists.reduce(0) { $0 + $1.numbers.count + $1.prefixes.count },
            tableRows: ruleSet.tables.reduce(0) { $0 + $1.rowCount },
            requests: requests,
            checkMilliseconds: Double(checked - start) / 1e6, lowerMilliseconds: Double(lowered - checked) / 1e6,
            compileMilliseconds: Double(lowered - start) / 1e6,
            tableMegabytes: Double(table.memoryBytes) / 1e6,
            residentGrowthMegabytes: Double(max(0, residentAfter - residentBefore)) / 1e6,
            tableMedianNanoseconds: tableMedian, tableP99Nanoseconds: percentile(tableTimes, 0.99),
            factsMedianNanoseconds: percentile(factsTimes, 0.5), lookupMedianNanoseconds: percentile(lookupTimes, 0.5),
            referenceMedianNanoseconds: referenceMedian, referenceP99Nanoseconds: percentile(referenceTimes, 0.99),
            speedup: referenceMedian / max(tableMedian, 1),
            wholePathMedianNanoseconds: percentile(wholeTimes, 0.5), wholePathP99Nanoseconds: percentile(wholeTimes, 0.99),
            answered: answered, unanswered: requests - answered, agentState: stateFigures)
    }

    /// Decisions with the server's agent state (`AgentStore`, as `serve` holds it): half the
    /// requests' callers have a sticky agent, a tenth of the agents are busy on a call. The
    /// same decisions without it are timed in alternate blocks, so that both see the same
    /// machine; the first 2,000 answers are checked against the reference evaluator with the same state.
    static func measureAgentState(table: DecisionTable, reference: ReferenceEvaluator, queries: [String], now: Int64,
                                  overhead: Double) -> AgentStateFigures {
        let ruleSet = table.ruleSet
        let store = AgentStore()
        var random = SplitMix(seed: 42)
        var callers = Set<PhoneNumber>()
        for query in queries {
            guard let caller = table.reader.facts(for: ConnectRequest(query: query), now: now).caller, callers.insert(caller).inserted,
                  random.next() % 2 == 0, !ruleSet.agents.isEmpty else { continue }
            store.learnSticky(ruleSet: ruleSet.name, caller: caller, agent: ruleSet.agents[Int(random.next() % UInt64(ruleSet.agents.count))].contact.dialed,
                              at: now - 86_400)
        }
        let busyAgents = ruleSet.agents.enumerated().filter { $0.offset % 10 == 7 }.map(\.element)
        for (index, agent) in busyAgents.enumerated() { store.markBusy(agent.contact.dialed, call: UInt64(index), now: now) }
        let view = store.view(ruleSet: ruleSet.name, stickyDays: ruleSet.stickyDays)

        var with: [Double] = [], without: [Double] = []
        // Blocks of requests alternate with and without the state, and swap at each pass:
        // every request is timed both ways, and the shared machine's drift (other tenants
        // taking the cache) falls on both alike.
        let block = 1_000
        var answered = 0 // reported, so that no decision is optimised away
        for pass in 0..<10 { // the first pair warms up
            for (index, query) in queries.enumerated() {
                let request = ConnectRequest(query: query)
                let withState = (index / block + pass) % 2 == 0
                let begin = monotonicNanoseconds()
                var facts = table.reader.facts(for: request, now: now)
                if withState { facts.agents = AgentKnowledge(view, now: now) }
                let outcome = table.outcome(for: facts, version: .v1_0)
                let end = monotonicNanoseconds()
                guard pass >= 2 else { continue }
                if withState {
                    with.append(Double(end - begin) - overhead)
                    if outcome.isAnswer { answered += 1 }
                } else {
                    without.append(Double(end - begin) - overhead)
                }
            }
        }
        var stickyAnswers = 0, busyChanged = 0
        let date = Date(timeIntervalSince1970: TimeInterval(now))
        for query in queries.prefix(2_000) { // the reference takes milliseconds a call at 10,000 rules
            let request = ConnectRequest(query: query)
            var facts = table.reader.facts(for: request, now: now)
            facts.agents = AgentKnowledge(view, now: now)
            var plain = reference.facts(for: request, now: date)
            plain.agents = facts.agents
            let outcome = table.outcome(for: facts, version: .v1_0)
            precondition(outcome == reference.outcome(for: plain, version: .v1_0), "table and reference disagree with agent state on \(request)")
            var stateless = facts
            stateless.agents = .none
            if outcome != table.outcome(for: stateless, version: .v1_0) {
                if let caller = facts.caller, let sticky = view.sticky(caller: caller, now: now), case .answer(_, _, let body) = outcome,
                   let agent = ruleSet.agents.first(where: { $0.contact.dialed == sticky }),
                   String(decoding: body, as: UTF8.self).contains(agent.contact.description) {
                    stickyAnswers += 1
                } else {
                    busyChanged += 1
                }
            }
        }
        let median = percentile(with, 0.5), withoutMedian = percentile(without, 0.5)
        return AgentStateFigures(agents: ruleSet.agents.count, busyAgents: busyAgents.count, stickyCallers: store.stickyCount,
                                 medianNanoseconds: median, p99Nanoseconds: percentile(with, 0.99), withoutMedianNanoseconds: withoutMedian,
                                 ratio: median / max(withoutMedian, 1), timed: with.count, timedAnswered: answered, stickyAnswers: stickyAnswers, busyChanged: busyChanged)
    }

    /// Milliseconds to read and check a rule set, without lowering or analyses (for a table's load).
    public static func checkMilliseconds(path: String) throws -> Double {
        let start = monotonicNanoseconds()
        let result = try Workspace.check(paths: [path], analyze: false)
        let end = monotonicNanoseconds()
        guard !result.diagnostics.hasErrors else { throw Failure.diagnostics(result) }
        return Double(end - start) / 1e6
    }

    static func percentile(_ values: [Double], _ fraction: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return max(0, sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))])
    }

    static func monotonicNanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    /// The median cost of reading the clock twice, subtracted from every sample.
    static func timerOverhead() -> Double {
        var samples: [Double] = []
        for _ in 0..<10_000 {
            let begin = monotonicNanoseconds()
            let end = monotonicNanoseconds()
            samples.append(Double(end - begin))
        }
        return percentile(samples, 0.5)
    }

    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}

/// SplitMix64: deterministic choices for the benchmark's state.
struct SplitMix {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
