import ConnectProtocol
import Synchronization

/// A rule set lowered for answering: immutable, shared by every request.
///
/// Each dimension of a call (caller number, ExoPhone, moment, skill and direction) is
/// mapped to a class by its own index (hash maps of numbers and of prefixes by length, a
/// per-day minute table for time, a hash map for skills), and each class has a precomputed
/// row of bits, one per rule, set when that rule's condition in that dimension holds for
/// the class (always set for rules with no condition there). The first rule that matches
/// is the lowest bit set in all four rows. Rows list their non-zero words, and the AND
/// visits only the words of the sparsest row, so a rule set of 10,000 rules where most
/// rules name an ExoPhone or a caller costs little more than one of 100.
///
/// A million listed callers do not fit in any cache, so their hash slot is the one read
/// that goes to main memory. The decision is ordered around it (see `decide`): everything
/// else is done while it loads, and it is not waited for at all when the caller's longest
/// prefix already settles the answer.
///
/// The indexes are views into `memory`, which the table owns (see `TableMemory`).
public final class DecisionTable: Sendable {
    public let ruleSet: RuleSet
    public let reader: FactReader
    private let memory: TableMemory
    let caller: NumberIndex
    let exophone: NumberIndex
    let time: TimeIndex
    let skill: SkillIndex
    let answers: AnswerStore
    let lookups: LookupMaps
    let unmatched: Unmatched

    private let speculativeWords: Int
    /// Answers with busy destinations left out, by the full answer's place in the encoded
    /// bytes and which of its destinations are busy: encoding one costs microseconds, and
    /// who is busy changes far less often than calls arrive. Bounded; emptied when full.
    private let partialAnswers = Mutex<[PartialKey: ArraySlice<UInt8>]>([:])
    private struct PartialKey: Hashable {
        let body: Int
        let busy: UInt64
    }
    static let maxPartialAnswers = 65_536

    public convenience init(ruleSet: RuleSet) throws(AnswerError) {
        try self.init(ruleSet: ruleSet, speculativeWords: Self.speculativeWords)
    }

    /// `speculativeWords`: see `DecisionTable.speculativeWords`; tests vary it.
    init(ruleSet: RuleSet, speculativeWords: Int) throws(AnswerError) {
        self.ruleSet = ruleSet
        self.speculativeWords = speculativeWords
        let memory = TableMemory()
        caller = NumberIndex(matches: ruleSet.rules.map(\.conditions.caller), lists: ruleSet.lists, tables: ruleSet.tables, memory: memory)
        exophone = NumberIndex(matches: ruleSet.rules.map(\.conditions.exophone), lists: ruleSet.lists, tables: ruleSet.tables, memory: memory)
        time = TimeIndex(ruleSet: ruleSet, memory: memory)
        skill = SkillIndex(ruleSet: ruleSet, memory: memory)
        answers = try AnswerStore(ruleSet: ruleSet, memory: memory)
        lookups = LookupMaps(tables: ruleSet.tables, agents: ruleSet.agents, memory: memory)
        unmatched = ruleSet.unmatched
        reader = FactReader(ruleSet: ruleSet, probes: .init(caller: caller.exact, exophone: exophone.exact), memory: memory)
        self.memory = memory
    }

    /// The first rule whose conditions hold, or nil.
    public func decide(_ facts: CallFacts) -> Int? {
        decide(facts, version: nil)
    }

    /// With `version`, the likely answer's location is loaded while the caller's class is
    /// found.
    @inline(__always)
    private func decide(_ facts: CallFacts, version: ConnectVersion?) -> Int? {
        // The caller's class comes last: in a large rule set its hash slot (a random line of
        // 16 MB for a million listed numbers) is still on its way from memory, where the
        // reader asked for it. Meanwhile the class of its longest prefix is found (the
        // answer when the number is not listed), the other three rows are found (each
        // record prefetched as soon as its class is known, so the misses overlap) and walked
        // to the first word where they meet, whose first rule is usually the answer. That
        // rule is the answer without the slot when the caller's prefix settles it (the rule
        // has no caller condition, or one that being listed cannot undo); otherwise, once
        // the caller's row is known, one AND settles it, and only when it does not is the
        // whole walk done with all four rows.
        let callerPrefixRow = facts.caller.map { Int(caller.prefixClass($0.value)) } ?? 0
        caller.matrix.prefetch(row: callerPrefixRow)
        let exophoneRow = exophone.row(facts.exophone)
        exophone.matrix.prefetch(row: exophoneRow)
        let timeRow = time.row(facts.moment)
        time.matrix.prefetch(row: timeRow)
        let skillRow = skill.row(digits: facts.digits, direction: facts.direction, customField: facts.customField)
        skill.matrix.prefetch(row: skillRow)
        let others = (exophone.matrix.view(row: exophoneRow), time.matrix.view(row: timeRow), skill.matrix.view(row: skillRow))
        let meeting = BitMatrix.firstCommonWord(others.0, others.1, others.2, limit: speculativeWords)
        if case .nowhere = meeting { return nil }
        if case .at(let word, let bits) = meeting {
            let first = word << 6 | bits.trailingZeroBitCount
            if let version { answers.prefetch(rule: first, version: version) }
            if caller.holdsWhateverListed(rule: first, prefixRow: callerPrefixRow) { return first }
        }
        let callerRow = facts.caller.map { caller.row($0, prefixRow: callerPrefixRow) } ?? 0
        let callerView = caller.matrix.view(row: callerRow)
        if case .at(let word, let bits) = meeting {
            let common = bits & callerView.word(word)
            if common != 0 { return word << 6 | common.trailingZeroBitCount }
        }
        return BitMatrix.firstCommon(PerDimension(caller: callerView, exophone: others.0, time: others.1, skill: others.2))
    }

    /// How far the three rows other than the caller's are walked before the caller's class
    /// is known: far enough for the usual answer, short enough that a rule set whose
    /// lightest row is the caller's loses little.
    static let speculativeWords = 4

    public func outcome(for facts: CallFacts, version: ConnectVersion) -> Outcome {
        guard let rule = decide(facts, version: version) else { return noMatch(version: version) }
        guard let dialWhom = facts.dialWhom else { return outcome(rule: rule, attempt: 0, facts: facts, version: version) }
        let plan = answers.plan(rule: rule, facts: facts, tables: lookups)
        return outcome(plan, attempt: answers.attempt(plan, after: dialWhom), facts: facts, version: version)
    }

    /// The answer of a rule from an attempt on (the server pins the rule and counts
    /// attempts): the first attempt with someone not busy, which `Outcome.answer` names.
    /// `facts` pick the variant of a rule that splits or looks something up.
    public func outcome(rule: Int, attempt: Int, facts: CallFacts, version: ConnectVersion) -> Outcome {
        if attempt == 0, let body = answers.firstBody(rule: rule, version: version, busy: facts.agents.busy) {
            return body.dialsNobody ? .nobody(.rule(rule), body: body.bytes) : .answer(rule: rule, attempt: 0, body: body.bytes)
        }
        return outcome(answers.plan(rule: rule, facts: facts, tables: lookups), attempt: attempt, facts: facts, version: version)
    }

    private func outcome(_ plan: AnswerStore.Plan, attempt: Int, facts: CallFacts, version: ConnectVersion) -> Outcome {
        let rule = plan.rule
        var attempt = attempt
        var partlyBusy = false
        if let busy = facts.agents.busy {
            switch answers.firstFree(plan, from: attempt, busy: busy) {
            case .at(let free, let partly): (attempt, partlyBusy) = (free, partly)
            case .allBusy: return .nobody(.allBusy(rule: rule), body: answers.nobodyBody(version: version))
            case .none: break
            }
        }
        guard let body = answers.body(plan, attempt: attempt, version: version) else {
            let none = attempt == 0
            switch unmatched {
            case .nobody:
                return .nobody(none ? .noDestination(rule: rule) : .huntExhausted(rule: rule), body: answers.nobodyBody(version: version))
            case .fallback: return none ? .noDestination(rule: rule) : .huntExhausted(rule: rule)
            }
        }
        if body.dialsNobody { return .nobody(.rule(rule), body: body.bytes) }
        if partlyBusy, let busy = facts.agents.busy {
            return .answer(rule: rule, attempt: attempt, body: partialAnswer(plan, attempt: attempt, full: body.bytes, busy: busy, facts: facts, version: version))
        }
        return .answer(rule: rule, attempt: attempt, body: body.bytes)
    }

    /// An attempt's answer with its busy destinations left out: from the cache, else encoded
    /// for the call and kept (the encoded answers cannot cover every pattern of busy agents).
    private func partialAnswer(_ plan: AnswerStore.Plan, attempt: Int, full: ArraySlice<UInt8>, busy: BusySet, facts: CallFacts,
                               version: ConnectVersion) -> ArraySlice<UInt8> {
        let key = answers.busyMask(plan, attempt: attempt, busy: busy).map { PartialKey(body: full.startIndex, busy: $0) }
        if let key, let known = partialAnswers.withLock({ $0[key] }) { return known }
        guard let free = freeBody(rule: plan.rule, attempt: attempt, facts: facts, version: version) else { return full }
        if let key {
            partialAnswers.withLock { answers in
                if answers.count >= Self.maxPartialAnswers { answers.removeAll(keepingCapacity: true) }
                answers[key] = free
            }
        }
        return free
    }

    /// Whether busy agents were left out of attempt `attempt` (for logs; asked only when
    /// someone is busy).
    public func leftOutBusy(rule: Int, attempt: Int, facts: CallFacts) -> Bool {
        guard let busy = facts.agents.busy else { return false }
        if case .at(_, true) = answers.firstFree(answers.plan(rule: rule, facts: facts, tables: lookups), from: attempt, busy: busy) { return true }
        return false
    }

    /// The answer of an attempt with its busy destinations left out: encoded for the call
    /// (someone busy in a parallel ring is the one case the encoded answers do not cover).
    private func freeBody(rule: Int, attempt: Int, facts: CallFacts, version: ConnectVersion) -> ArraySlice<UInt8>? {
        let attempts = attempts(rule: rule, facts: facts)
        let answer = try? attempts[attempt].answer(dialling: attempts[attempt].free(facts.agents), isLast: attempt == attempts.count - 1,
                                                   applet: ruleSet.applet)
        return answer.map { $0.encoded(for: version)[...] }
    }

    /// What a call no rule matches gets (`unmatched`).
    public func noMatch(version: ConnectVersion) -> Outcome {
        switch unmatched {
        case .nobody: return .nobody(.noMatch, body: answers.nobodyBody(version: version))
        case .fallback: return .noMatch
        }
    }

    /// Raw query and header to answer: the whole in-process path. `now` is the server
    /// clock in seconds since the epoch, used when `CurrentTime` is absent.
    public func outcome(query: String, versionHeader: String?, now: Int64) -> Outcome {
        let request = ConnectRequest(query: query)
        return outcome(for: reader.facts(for: request, now: now), version: ConnectVersion.negotiate(header: versionHeader).version)
    }

    /// How many answers the rule has for this call: the server remembers calls with more
    /// than one, which Exotel fetches again.
    public func attemptCount(rule: Int, facts: CallFacts) -> Int { answers.plan(rule: rule, facts: facts, tables: lookups).attempts }

    /// The attempt after the one that dialled `facts.dialWhom` (0 when none): how a re-fetch
    /// moves through a plan when no per-call state says where the call is.
    public func attempt(rule: Int, facts: CallFacts) -> Int {
        guard facts.dialWhom != nil else { return 0 }
        return start(rule: rule, facts: facts).attempt
    }

    /// Both of the above, with the call's plan found once: where a call's first fetch to
    /// the server starts, and whether it is fetched again.
    public func start(rule: Int, facts: CallFacts) -> (attempt: Int, attemptCount: Int) {
        let plan = answers.plan(rule: rule, facts: facts, tables: lookups)
        return (answers.attempt(plan, after: facts.dialWhom), plan.attempts)
    }

    /// The rule's attempts for this call, as the answers encode them: for logs, not the
    /// request path (it builds arrays).
    public func attempts(rule: Int, facts: CallFacts) -> [Attempt] {
        let dial = ruleSet.rules[rule].dial
        return dial.attempts(branch: dial.branch(forKey: facts.splitKey(dial.splitBy))) { lookup in
            lookups.valueIndex(lookup, facts: facts).map { index in
                switch lookup {
                case .table(let table): ruleSet.tables[table].values[index]
                case .sticky: ruleSet.agents[index]
                }
            }
        }
    }

    /// Each dimension's rows of rules, for the analyses.
    var matrices: PerDimension<BitMatrix> {
        PerDimension(caller: caller.matrix, exophone: exophone.matrix, time: time.matrix, skill: skill.matrix)
    }

    /// Bytes held by the table's indexes and answers (not counting the rule set itself).
    public var memoryBytes: Int {
        memory.bytes + answers.bodyBytes
    }
}
