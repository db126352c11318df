import ConnectProtocol
import CPrefetch

/// Every answer a rule set can give, encoded at compile time for every Connect version:
/// answering a request copies bytes, it builds no JSON. A rule's first answer is found by
/// one load indexed by the version and the rule (a record first, then its ranges, were two
/// trips to memory one after the other in a large rule set); a plan's later attempts go
/// through the rule's record. First answers are grouped by version, since traffic mostly
/// speaks one: the ranges it reads are half as many cache lines. A range says itself
/// whether its answer dials nobody, so that the outcome costs no other load.
///
/// A rule whose attempts depend on the call (a split, a lookup) has one variant per branch
/// and per combination of its tables' values (each value, or none): the variant is found
/// from the call's split key and one probe per table, and its attempts are encoded like a
/// fixed rule's. Identical answers are encoded once, so variants cost their ranges.
struct AnswerStore: Sendable {
    private enum Kind: UInt8, BitwiseCopyable {
        /// The same attempts for every call the rule decides.
        case fixed
        /// Attempts that depend on a split or a lookup: see `CallPlan`.
        case dependsOnCall
    }

    private struct RuleAnswers: BitwiseCopyable {
        var kind: Kind
        /// Fixed: index in `ranges` of the rule's second attempt. Depends on the call: index
        /// in `plans`.
        var later: Int32
        /// Fixed: how many attempts (1 for `nobody`, which answers once).
        var answers: Int32
        /// Fixed: the rule's contacts in `contacts`.
        var contactStart: Int32
        var contactCount: Int32
    }

    /// How a rule that depends on the call finds its variant.
    private struct CallPlan: BitwiseCopyable {
        var byCall: Bool
        /// The branches' weights in `weights`.
        var branchStart: Int32
        var branchCount: Int32
        var totalWeight: Int32
        /// The tables it looks up, in `planTables`.
        var tableStart: Int32
        var tableCount: Int32
        /// Variants per branch: the product of the tables' radices.
        var variantsPerBranch: Int32
        var variantStart: Int32
    }

    private struct PlanTable: BitwiseCopyable {
        /// The table's index, or `sticky` for the caller's sticky agent.
        var table: Int32
        static let sticky: Int32 = -1

        var lookup: Lookup { table == Self.sticky ? .sticky : .table(Int(table)) }
        /// The table's distinct values, and one more for a key not in it.
        var radix: Int32
    }

    /// One variant's attempts: `attempts` ranges per version from `rangeStart`, attempt by attempt.
    private struct Variant: BitwiseCopyable {
        var rangeStart: Int32
        var attempts: Int32
        var contactStart: Int32
        var contactCount: Int32
    }

    fileprivate struct Range: BitwiseCopyable {
        var start: Int32
        /// Answers are at most a few KB (three URLs of 2048 bytes, a text of 1000).
        var count: UInt16
        var dialsNobody: Bool
        /// In a first-answer slot: the rule depends on the call, and its answer is its
        /// variant's (so that a fixed rule's first answer costs this one load, no record).
        var dependsOnCall = false
    }

    /// An answer's bytes, and whether they dial nobody.
    struct Body {
        let bytes: ArraySlice<UInt8>
        let dialsNobody: Bool
    }

    /// Outcomes hand out slices of these bytes, so they stay a Swift array.
    private let bytes: [UInt8]
    /// First the first attempt of every rule, at `version * ruleCount + rule`; then the
    /// later attempts of fixed plans; then the variants' attempts.
    private let ranges: Frozen<Range>
    private let ruleCount: Int
    private let rules: Frozen<RuleAnswers>
    private let plans: Frozen<CallPlan>
    private let weights: Frozen<Int32>
    private let planTables: Frozen<PlanTable>
    private let variants: Frozen<Variant>
    /// What `DialWhomNumber` says for each destination of each attempt, with the attempt,
    /// rule by rule (and variant by variant), in attempt order.
    private let contacts: Frozen<DialedContact>
    /// Each contact's attempt, with `ringsBusy` set when its step rings busy agents anyway.
    private let contactAttempts: Frozen<Int32>
    private static let ringsBusy: Int32 = 1 << 30
    /// The empty answer of each version, for calls no rule answers (`unmatched: nobody`).
    private let nobody: Frozen<Range>

    init(ruleSet: RuleSet, memory: TableMemory) throws(AnswerError) {
        let rules = ruleSet.rules, applet = ruleSet.applet
        var encoder = Encoder(applet: applet)
        var ranges = [Range](repeating: Range(start: 0, count: 0, dialsNobody: false), count: rules.count * ConnectVersion.count)
        var later: [Range] = []
        var records: [RuleAnswers] = []
        var plans: [CallPlan] = [], weights: [Int32] = [], planTables: [PlanTable] = [], variants: [Variant] = []
        var variantRanges: [Range] = []
        var contacts: [DialedContact] = [], contactAttempts: [Int32] = []
        var variantEncoder = VariantEncoder()
        var planOfDial: [Dial: Int32] = [:]
        /// The answers variants dial, each in every version (by the encoder's index).
        var encodedAnswers: [Range] = []
        func addContacts(_ attempts: [Attempt]) {
            for (index, attempt) in attempts.enumerated() {
                for destination in attempt.destinations {
                    contacts.append(destination.contact.dialed)
                    contactAttempts.append(Int32(index) | (attempt.busy == .ring ? Self.ringsBusy : 0))
                }
            }
        }
        for (index, rule) in rules.enumerated() {
            let dial = rule.dial
            guard dial.dependsOnCall else {
                let attempts = dial.attempts(branch: 0) { _ in nil }
                var record = RuleAnswers(kind: .fixed, later: Int32(rules.count * ConnectVersion.count + later.count),
                                         answers: Int32(max(attempts.count, 1)), contactStart: Int32(contacts.count), contactCount: 0)
                addContacts(attempts)
                record.contactCount = Int32(contacts.count) - record.contactStart
                if dial.isNobody {
                    for version in ConnectVersion.allCases { ranges[version.index * rules.count + index] = encoder.nobody[version.index] }
                }
                for (position, attempt) in attempts.enumerated() {
                    let encoded = try encoder.ranges(attempt, isLast: position == attempts.count - 1)
                    for version in ConnectVersion.allCases {
                        if position == 0 { ranges[version.index * rules.count + index] = encoded[version.index] } else { later.append(encoded[version.index]) }
                    }
                }
                records.append(record)
                continue
            }
            // Rules that dial alike (one plan on many ExoPhones, say) share their variants.
            if let plan = planOfDial[dial] {
                records.append(RuleAnswers(kind: .dependsOnCall, later: plan, answers: 0, contactStart: 0, contactCount: 0))
                for version in ConnectVersion.allCases { ranges[version.index * rules.count + index] = Self.seeVariant }
                continue
            }
            planOfDial[dial] = Int32(plans.count)
            let lookups = dial.lookups
            let radices = lookups.map { lookup in
                switch lookup {
                case .table(let table): ruleSet.tables[table].values.count + 1
                case .sticky: ruleSet.agents.count + 1
                }
            }
            let perBranch = radices.reduce(1, *)
            precondition(perBranch * dial.branches.count <= Dial.maxVariants, "the checker bounds variants")
            plans.append(CallPlan(byCall: dial.splitBy == .call, branchStart: Int32(weights.count), branchCount: Int32(dial.branches.count),
                                  totalWeight: Int32(dial.branches.reduce(0) { $0 + $1.weight }),
                                  tableStart: Int32(planTables.count), tableCount: Int32(lookups.count),
                                  variantsPerBranch: Int32(perBranch), variantStart: Int32(variants.count)))
            weights += dial.branches.map { Int32($0.weight) }
            planTables += zip(lookups, radices).map { lookup, radix in
                switch lookup {
                case .table(let table): PlanTable(table: Int32(table), radix: Int32(radix))
                case .sticky: PlanTable(table: PlanTable.sticky, radix: Int32(radix))
                }
            }
            records.append(RuleAnswers(kind: .dependsOnCall, later: Int32(plans.count - 1), answers: 0, contactStart: 0, contactCount: 0))
            for branch in dial.branches {
                try variantEncoder.variants(of: branch, lookups: lookups, radices: radices, ruleSet: ruleSet) { (interned) throws(AnswerError) in
                    let rangeStart = Int32(variantRanges.count), contactStart = Int32(contacts.count)
                    for (position, attempt) in interned.attempts.enumerated() {
                        let answer = try interned.answer(attempt) { (plain, isLast) throws(AnswerError) in
                            encodedAnswers += try encoder.ranges(plain, isLast: isLast)
                            return Int32(encodedAnswers.count / ConnectVersion.count - 1)
                        }
                        variantRanges += encodedAnswers[Int(answer) * ConnectVersion.count..<Int(answer + 1) * ConnectVersion.count]
                        for id in interned.ids[Int(attempt.start)..<Int(attempt.start + attempt.count)] {
                            contacts.append(interned.dialled(id))
                            contactAttempts.append(Int32(position) | (interned.busy(attempt) == .ring ? Self.ringsBusy : 0))
                        }
                    }
                    variants.append(Variant(rangeStart: rangeStart, attempts: Int32(interned.attempts.count), contactStart: contactStart,
                                            contactCount: Int32(contacts.count) - contactStart))
                }
            }
            for version in ConnectVersion.allCases { ranges[version.index * rules.count + index] = Self.seeVariant }
        }
        let variantOffset = Int32(ranges.count + later.count)
        self.bytes = encoder.bytes
        self.ranges = memory.freeze(ranges + later + variantRanges)
        ruleCount = rules.count
        self.rules = memory.freeze(records)
        self.plans = memory.freeze(plans)
        self.weights = memory.freeze(weights)
        self.planTables = memory.freeze(planTables)
        self.variants = memory.freeze(variants.map {
            Variant(rangeStart: $0.rangeStart + variantOffset, attempts: $0.attempts, contactStart: $0.contactStart, contactCount: $0.contactCount)
        })
        self.contacts = memory.freeze(contacts)
        self.contactAttempts = memory.freeze(contactAttempts)
        self.nobody = memory.freeze(encoder.nobody)
    }

    /// The first-answer slot of a rule that depends on the call.
    private static let seeVariant = Range(start: 0, count: 0, dialsNobody: false, dependsOnCall: true)

    /// Encodes each distinct answer once.
    private struct Encoder {
        let applet: Applet
        var bytes: [UInt8] = []
        var nobody: [Range] = []
        private var known: [Key: [Range]] = [:]

        private struct Key: Hashable {
            let attempt: Attempt
            let isLast: Bool
        }

        init(applet: Applet) {
            self.applet = applet
            nobody = ConnectVersion.allCases.map { append(.nobody(applet: applet), $0) }
        }

        private mutating func append(_ answer: ConnectAnswer, _ version: ConnectVersion) -> Range {
            let body = answer.encoded(for: version)
            precondition(body.count <= UInt16.max, "an answer is a few KB at most")
            defer { bytes += body }
            return Range(start: Int32(bytes.count), count: UInt16(body.count), dialsNobody: answer.dialsNobody)
        }

        /// The attempt's answer in every version, by version index.
        mutating func ranges(_ attempt: Attempt, isLast: Bool) throws(AnswerError) -> [Range] {
            var attempt = attempt
            // Where in its plan an attempt stands, and whether busy agents are left out of
            // it, do not change its answer.
            attempt.step = 0
            attempt.busy = .skip
            let key = Key(attempt: attempt, isLast: isLast)
            if let found = known[key] { return found }
            let answer = try attempt.answer(isLast: isLast, applet: applet)
            let ranges = ConnectVersion.allCases.map { append(answer, $0) }
            known[key] = ranges
            return ranges
        }
    }

    // MARK: Answering

    /// Whether the rule's attempts depend on the call (its variant is then needed).
    @inline(__always)
    func dependsOnCall(rule: Int) -> Bool { rules[rule].kind == .dependsOnCall }

    /// The variant of a rule that depends on the call: its branch, then its tables' values.
    @inline(__always)
    private func variant(rule: Int, facts: CallFacts, tables: LookupMaps) -> Variant {
        let plan = plans[Int(rules[rule].later)]
        var branch = 0
        if plan.branchCount > 1 {
            var point = SplitHash.point(facts.splitKey(plan.byCall ? .call : .caller), total: Int(plan.totalWeight))
            while branch < Int(plan.branchCount) - 1 && point >= Int(weights[Int(plan.branchStart) + branch]) {
                point -= Int(weights[Int(plan.branchStart) + branch])
                branch += 1
            }
        }
        var combination = 0
        for offset in 0..<Int(plan.tableCount) {
            let table = planTables[Int(plan.tableStart) + offset]
            let digit = tables.valueIndex(table.lookup, facts: facts).map { $0 + 1 } ?? 0
            combination = combination * Int(table.radix) + digit
        }
        return variants[Int(plan.variantStart) + branch * Int(plan.variantsPerBranch) + combination]
    }

    /// How many attempts the rule has for this call (a `nobody` rule answers once; a plan
    /// whose lookups found nothing has none).
    func attemptCount(rule: Int, facts: CallFacts, tables: LookupMaps) -> Int {
        let record = rules[rule]
        switch record.kind {
        case .fixed: return Int(record.answers)
        case .dependsOnCall: return Int(variant(rule: rule, facts: facts, tables: tables).attempts)
        }
    }

    /// The attempt after the one that dialled `facts.dialWhom` (see `[Attempt].attempt(after:)`).
    func attempt(rule: Int, facts: CallFacts, tables: LookupMaps) -> Int {
        guard let dialWhom = facts.dialWhom else { return 0 }
        let start: Int, count: Int
        let record = rules[rule]
        switch record.kind {
        case .fixed: (start, count) = (Int(record.contactStart), Int(record.contactCount))
        case .dependsOnCall:
            let variant = variant(rule: rule, facts: facts, tables: tables)
            (start, count) = (Int(variant.contactStart), Int(variant.contactCount))
        }
        for index in start..<start + count where contacts[index] == dialWhom {
            return Int(contactAttempts[index] & ~Self.ringsBusy) + 1
        }
        return 0
    }

    /// Where a fetch that starts at attempt `from` lands once busy agents are passed over.
    enum FreeAttempt: Equatable {
        /// This attempt has someone free; `partlyBusy`: some of its destinations are busy
        /// and left out, so its encoded answer does not do.
        case at(Int, partlyBusy: Bool)
        /// The plan has attempts from `from`, and every destination in them is busy.
        case allBusy
        /// The plan has no attempt from `from`.
        case none
    }

    /// Which destinations of attempt `attempt` are busy and left out, as bits by their place
    /// in the attempt; with the attempt's encoded answer, it names the answer without them.
    /// Nil for an attempt of more than 64 destinations.
    func busyMask(rule: Int, attempt: Int, facts: CallFacts, tables: LookupMaps) -> UInt64? {
        let record = rules[rule]
        let start: Int, count: Int
        switch record.kind {
        case .fixed: (start, count) = (Int(record.contactStart), Int(record.contactCount))
        case .dependsOnCall:
            let variant = variant(rule: rule, facts: facts, tables: tables)
            (start, count) = (Int(variant.contactStart), Int(variant.contactCount))
        }
        var mask: UInt64 = 0, place = 0
        for index in start..<start + count where Int(contactAttempts[index] & ~Self.ringsBusy) == attempt {
            guard place < 64 else { return nil }
            if contactAttempts[index] & Self.ringsBusy == 0 && facts.agents.isBusy(contacts[index]) { mask |= 1 << place }
            place += 1
        }
        return mask
    }

    /// Walks the contacts of the call's plan from attempt `from`; called only when someone is busy.
    func firstFree(rule: Int, from: Int, facts: CallFacts, tables: LookupMaps) -> FreeAttempt {
        let record = rules[rule]
        let start: Int, count: Int, attempts: Int
        switch record.kind {
        case .fixed: (start, count, attempts) = (Int(record.contactStart), Int(record.contactCount), Int(record.answers))
        case .dependsOnCall:
            let variant = variant(rule: rule, facts: facts, tables: tables)
            (start, count, attempts) = (Int(variant.contactStart), Int(variant.contactCount), Int(variant.attempts))
        }
        guard from < attempts else { return .none }
        guard count > 0 else { return .at(from, partlyBusy: false) } // `nobody`: no one to pass over
        var current = -1, free = 0, busy = 0
        for index in start..<start + count {
            let tagged = contactAttempts[index]
            let attempt = Int(tagged & ~Self.ringsBusy)
            guard attempt >= from else { continue }
            if attempt != current {
                if free > 0 { return .at(current, partlyBusy: busy > 0) }
                (current, free, busy) = (attempt, 0, 0)
            }
            if tagged & Self.ringsBusy == 0 && facts.agents.isBusy(contacts[index]) { busy += 1 } else { free += 1 }
        }
        return free > 0 ? .at(current, partlyBusy: busy > 0) : .allBusy
    }

    /// Starts loading where a rule's first answer is.
    @inline(__always)
    func prefetch(rule: Int, version: ConnectVersion) { ringplan_prefetch(ranges.base + version.index * ruleCount + rule) }

    /// The body of an attempt of a rule, or nil past the last one.
    @inline(__always)
    func body(rule: Int, attempt: Int, version: ConnectVersion, facts: CallFacts, tables: LookupMaps) -> Body? {
        if attempt == 0 {
            // Every fixed rule has a first answer, one load away.
            let first = ranges[version.index * ruleCount + rule]
            if !first.dependsOnCall { return body(first) }
        }
        let record = rules[rule]
        let range: Range
        switch record.kind {
        case .fixed:
            guard attempt < record.answers else { return nil }
            range = ranges[Int(record.later) + (attempt - 1) * ConnectVersion.count + version.index]
        case .dependsOnCall:
            let variant = variant(rule: rule, facts: facts, tables: tables)
            guard attempt < variant.attempts else { return nil }
            range = ranges[Int(variant.rangeStart) + attempt * ConnectVersion.count + version.index]
        }
        return body(range)
    }

    /// The empty answer (`unmatched: nobody`).
    func nobodyBody(version: ConnectVersion) -> ArraySlice<UInt8> { body(nobody[version.index]).bytes }

    @inline(__always)
    private func body(_ range: Range) -> Body {
        Body(bytes: bytes[Int(range.start)..<Int(range.start) + Int(range.count)], dialsNobody: range.dialsNobody)
    }

    /// Variants encoded, all rules together (rules that dial alike share theirs).
    var variantCount: Int { variants.count }

    /// Memory of the encoded bodies (the rest of the store is in the table's memory).
    var bodyBytes: Int { bytes.capacity }
    /// Bytes of the encoded bodies: what sharing saves (the capacity around them follows
    /// the allocator).
    var encodedBytes: Int { bytes.count }
}
