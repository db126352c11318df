import ConnectProtocol
import Foundation
import Logging
import Routing

/// Answers `/connect/{name}`: the rule store's current tables, the hunt ledger, the decision
/// log and the metrics. No HTTP here, so that it is tested and measured on its own.
public final class ConnectService: Sendable {
    public struct Reply: Sendable {
        public let status: Int
        public let body: ArraySlice<UInt8>
        /// The rule-set version that answered, for the `Ringplan-Version` header.
        public let version: String?
        public let rule: String?
    }

    public let store: RuleStore
    public let ledger: HuntLedger
    public let metrics: ServerMetrics
    /// What events taught; nil when the server keeps no agent state.
    public let agents: AgentStore?
    let decisions: DecisionLog
    let token: [UInt8]?
    let logNumbers: Bool

    public init(store: RuleStore, ledger: HuntLedger, metrics: ServerMetrics, decisions: DecisionLog, token: String?, logNumbers: Bool,
                agents: AgentStore? = nil) {
        self.store = store
        self.agents = agents
        self.ledger = ledger
        self.metrics = metrics
        self.decisions = decisions
        self.token = token.map { Array($0.utf8) }
        self.logNumbers = logNumbers
    }

    static func error(_ status: Int, _ message: String) -> (Int, ArraySlice<UInt8>) {
        (status, Array("{\"error\":\(JSONText.quoted(message))}".utf8)[...])
    }

    /// `now`: the server clock, seconds since 1970. Three stages: `admit` (limits, token, the
    /// rule set), `decide` (ledger and table), `record` (status, metrics, decision log).
    public func answer(name: Substring, query: Substring?, versionHeader: String?, now: Int64) -> Reply {
        let started = DispatchTime.now().uptimeNanoseconds
        switch admit(name: name, query: query ?? "", versionHeader: versionHeader) {
        case .failure(let refusal):
            return refuse(refusal.status, refusal.message, name, started)
        case .success(let admitted):
            return record(admitted, decide(admitted, now: now), started: started)
        }
    }

    /// A request that passed the checks, with the table that answers it.
    struct Admitted {
        let name: Substring
        let rules: LoadedRules
        let table: DecisionTable
        let request: ConnectRequest
        /// The query as received, for the decision log under `--log-numbers`.
        let query: Substring
        /// The rule set's view of the agent state.
        let agents: RuleSetAgents?
        let version: ConnectVersion
        /// The `exotel-version` header named a version this server does not know.
        let versionFallback: Bool
        let versionHeader: String?
    }

    struct Refusal: Error {
        let status: Int
        let message: String
    }

    /// What a call gets, before it is counted and logged.
    struct Decision {
        let outcome: Outcome
        let facts: CallFacts
        /// The ledger held the call's rule (a re-fetch, or a plan of several attempts).
        let pinned: Bool
        let callSid: String?
        /// The server clock the decision read.
        let now: Int64
        /// The attempt the fetch asked for, before busy agents moved it on.
        var asked: Int? = nil
    }

    func admit(name: Substring, query: Substring, versionHeader: String?) -> Result<Admitted, Refusal> {
        guard RequestLimits.isRuleSetName(name) else { return .failure(Refusal(status: 404, message: "unknown rule set")) }
        guard query.utf8.count <= RequestLimits.maxURIBytes else { return .failure(Refusal(status: 414, message: "query too long")) }
        let request = ConnectRequest(query: query)
        guard request.parameterCount <= RequestLimits.maxQueryParameters else {
            return .failure(Refusal(status: 400, message: "too many query parameters"))
        }
        if let token, !Self.constantTimeEquals(token, Array((request.key ?? "").utf8)) {
            return .failure(Refusal(status: 401, message: "missing or wrong key"))
        }
        guard let rules = store.current else { return .failure(Refusal(status: 503, message: "no rule set loaded")) }
        guard let table = rules.tables[String(name)] else { return .failure(Refusal(status: 404, message: "unknown rule set")) }
        let (version, versionFallback) = ConnectVersion.negotiate(header: versionHeader)
        return .success(Admitted(name: name, rules: rules, table: table, request: request, query: query,
                                 agents: rules.agents.isEmpty ? nil : rules.agents[String(name)], version: version,
                                 versionFallback: versionFallback, versionHeader: versionHeader))
    }

    /// The outcome from the table, through the hunt ledger when the request has a `CallSid`:
    /// a re-fetch keeps its rule (moved to the version now serving if the rules reloaded)
    /// and moves on one attempt.
    func decide(_ admitted: Admitted, now: Int64) -> Decision {
        let table = admitted.table, rules = admitted.rules, version = admitted.version
        var facts = table.reader.facts(for: admitted.request, now: now)
        if let agents = admitted.agents { facts.agents = AgentKnowledge(agents, now: now) }
        guard let callSid = admitted.request.callSid else { // decoded from the query on each read
            return Decision(outcome: table.outcome(for: facts, version: version), facts: facts, pinned: false, callSid: nil, now: now)
        }
        let ruleSetName = String(admitted.name)
        // The outcome is found under the ledger's lock, so that the attempt it answers (busy
        // agents may move it on) is the one the ledger keeps.
        var outcome: Outcome?
        var asked: Int?
        let advanced = ledger.advance(callSid: callSid, ruleSet: ruleSetName) { existing in
            var entry: HuntLedger.Entry, keep = true
            if let existing, existing.version == rules.version {
                // A re-fetch: the same rule.
                entry = existing
            } else if let existing, let index = table.ruleSet.rules.firstIndex(where: { $0.name == existing.ruleName }) {
                // A re-fetch after a reload: the same rule, in the version now serving.
                entry = HuntLedger.entry(ruleSet: ruleSetName, version: rules.version, rule: index,
                                         ruleName: existing.ruleName, attempt: existing.nextAttempt)
            } else {
                guard let rule = table.decide(facts) else { return nil }
                let start = table.start(rule: rule, facts: facts)
                entry = HuntLedger.entry(ruleSet: ruleSetName, version: rules.version, rule: rule,
                                         ruleName: table.ruleSet.rules[rule].name, attempt: start.attempt)
                // Only plans of several attempts are fetched again; other calls need no memory.
                keep = start.attemptCount > 1
            }
            asked = entry.nextAttempt
            let answered = table.outcome(rule: entry.rule, attempt: entry.nextAttempt, facts: facts, version: version)
            if let attempt = answered.answeredAttempt { entry.nextAttempt = attempt }
            outcome = answered
            return (entry, keep)
        }
        guard let (_, pinned) = advanced, let outcome else {
            return Decision(outcome: table.noMatch(version: version), facts: facts, pinned: false, callSid: callSid, now: now)
        }
        return Decision(outcome: outcome, facts: facts, pinned: pinned, callSid: callSid, now: now, asked: asked)
    }

    /// How agent state changed a decision, counted and logged: only looked at when the rule
    /// dials `sticky` or someone is busy.
    private func agentEffects(_ table: DecisionTable, _ decision: Decision, destinations: [String]) -> [String] {
        guard let rule = decision.outcome.rule, decision.facts.agents.view != nil else { return [] }
        var effects: [String] = []
        let ruleSet = table.ruleSet
        if ruleSet.rules[rule].dial.steps.contains(where: \.dialsSticky), let contact = decision.facts.agents.sticky(caller: decision.facts.caller),
           let agent = ruleSet.agents.first(where: { $0.contact.dialed == contact })?.agent, destinations.contains(agent) {
            effects.append("sticky")
            metrics.stickyHit()
        }
        if decision.facts.agents.anyoneBusy {
            let asked = decision.asked ?? table.attempt(rule: rule, facts: decision.facts)
            let skipped = switch decision.outcome {
            case .answer(_, let attempt, _): attempt != asked || table.leftOutBusy(rule: rule, attempt: attempt, facts: decision.facts)
            default: decision.outcome.isAllBusy
            }
            if skipped {
                effects.append("busy-skipped")
                metrics.busySkip()
            }
        }
        return effects
    }

    /// The reply, counted in the metrics and written to the decision log.
    func record(_ admitted: Admitted, _ decision: Decision, started: UInt64) -> Reply {
        let table = admitted.table, outcome = decision.outcome, facts = decision.facts
        let (status, body) = Self.reply(outcome)
        let name = String(admitted.name)
        let ruleName = outcome.rule.map { table.ruleSet.rules[$0].name }
        let elapsed = DispatchTime.now().uptimeNanoseconds - started
        metrics.request(ruleSet: name, rule: ruleName ?? "-", status: status, outcome: outcome.kind, nanoseconds: elapsed)
        var attempt = 0
        if case .answer(_, let used, _) = outcome { attempt = used }
        let connectVersion = admitted.version.rawValue + (admitted.versionFallback ? " (unknown \(admitted.versionHeader ?? ""))" : "")
        let dialled = destinations(table, outcome, facts)
        let record = DecisionRecord(
            callSid: decision.callSid ?? "-", ruleSet: name, rule: ruleName ?? "-", status: status, outcome: outcome.kind,
            reason: outcome.reason { table.ruleSet.rules[$0].name }, attempt: attempt,
            pinned: decision.pinned, destinations: dialled,
            caller: facts.caller.map { logNumbers ? $0.description : Self.mask($0) } ?? "-",
            connectVersion: connectVersion, rulesVersion: admitted.rules.version, timeSource: facts.timeSource.rawValue,
            microseconds: elapsed / 1000, agentState: agentEffects(table, decision, destinations: dialled),
            request: logNumbers ? (Self.withoutKey(admitted.query), decision.now) : nil)
        decisions.decided(record)
        return Reply(status: status, body: body, version: admitted.rules.version, rule: ruleName)
    }

    /// The status and body an outcome is answered with.
    static func reply(_ outcome: Outcome) -> (status: Int, body: ArraySlice<UInt8>) {
        switch outcome {
        case .answer(_, _, let answer), .nobody(_, let answer): (200, answer)
        case .noMatch: error(422, "no rule matched")
        case .huntExhausted: error(422, "hunt exhausted: no destination left")
        case .noDestination: error(422, "no destination for this call: the rule's lookups found nothing")
        }
    }

    private func destinations(_ table: DecisionTable, _ outcome: Outcome, _ facts: CallFacts) -> [String] {
        guard case .answer(let rule, let attempt, _) = outcome else { return [] }
        let dial = table.ruleSet.rules[rule].dial
        if !dial.dependsOnCall, dial.branches[0].steps.count == 1, !facts.agents.anyoneBusy {
            // One fixed step, the common rule: its targets are its destinations, no plan to resolve.
            let step = dial.branches[0].steps[0]
            func name(_ target: Target) -> String { if case .destination(let destination) = target { destination.name } else { "" } }
            switch step.strategy {
            case .hunt: return attempt < step.targets.count ? [name(step.targets[attempt])] : []
            case .parallel: return step.targets.map(name)
            }
        }
        // Busy agents left out of the answer are left out of the log too.
        let attempts = table.attempts(rule: rule, facts: facts)
        return attempt < attempts.count ? attempts[attempt].free(facts.agents).map(\.name) : []
    }

    private func refuse(_ status: Int, _ message: String, _ name: Substring, _ started: UInt64) -> Reply {
        let elapsed = DispatchTime.now().uptimeNanoseconds - started
        let known = RequestLimits.isRuleSetName(name) ? String(name) : "-"
        metrics.request(ruleSet: known, rule: "-", status: status, outcome: "refused", nanoseconds: elapsed)
        decisions.refused(ruleSet: known, status: status, reason: message)
        return Reply(status: status, body: Self.error(status, message).1, version: store.current?.version, rule: nil)
    }

    /// The query without its `key` parameters (named as `ConnectRequest` reads names: raw),
    /// so that the decision log never holds the shared secret.
    static func withoutKey(_ query: Substring) -> String {
        guard query.contains("key") else { return String(query) }
        return query.split(separator: "&", omittingEmptySubsequences: false)
            .filter { $0 != "key" && !$0.hasPrefix("key=") }
            .joined(separator: "&")
    }

    /// `+91******2345`: the country code and the last four digits. Written over the
    /// number's text in one buffer (a masked number fits Swift's small-string storage): it
    /// runs on every request, where joining prefix, stars and suffix allocated each piece.
    static func mask(_ number: PhoneNumber) -> String {
        let text = number.description
        let count = text.utf8.count
        return String(unsafeUninitializedCapacity: count) { output in
            for (index, byte) in text.utf8.enumerated() {
                output[index] = index < 3 || index >= count - 4 ? byte : UInt8(ascii: "*")
            }
            return count
        }
    }

    /// Compares in time that depends only on the lengths, not on where they differ.
    static func constantTimeEquals(_ expected: [UInt8], _ given: [UInt8]) -> Bool {
        var difference = UInt8(expected.count == given.count ? 0 : 1)
        for index in 0..<expected.count {
            difference |= expected[index] ^ (index < given.count ? given[index] : 0)
        }
        return difference == 0
    }
}
