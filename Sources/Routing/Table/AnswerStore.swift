import ConnectProtocol
import CPrefetch

/// Every answer a rule set can give, encoded at compile time for every Connect version:
/// answering a request copies bytes, it builds no JSON. A rule's first answer is found by
/// one load indexed by the version and the rule (a record first, then its ranges, were two
/// trips to memory one after the other in a large rule set); a plan's later attempts go
/// through the rule's record. First answers are grouped by version, since traffic mostly
/// speaks one: the ranges it reads are half as many cache lines. A range says itself
/// whether its answer dials nobody, and a first answer who it dials (`FirstAnswer`), so
/// that the outcome costs no other load, even with agents busy.
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
        /// Fixed: index in `ranges` of the rule's second attempt's answers. Depends on the call: index
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

    /// One variant's attempts: `attempts` ranges per version from `rangeStart`, attempt by
    /// attempt; and whom its first attempt dials, as `FirstAnswer` keeps it.
    private struct Variant: BitwiseCopyable {
        var rangeStart: Int32
        var attempts: Int32
        var contactStart: Int32
        var contactCount: Int32
        var firstDialled: Dialled
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

    /// A rule's first answer in one version, with fingerprints (`BusySet.fingerprint`) of
    /// whom it dials (see `Dialled`). When someone is busy, a first answer none of whose
    /// fingerprints is busy is the answer, checked from this one line; any other goes
    /// through the rule's plan (its record, then its contacts: two more trips to memory in a
    /// large rule set).
    fileprivate struct FirstAnswer: BitwiseCopyable {
        var range: Range
        var dialled = Dialled()
    }

    /// Fingerprints of the destinations an attempt dials (up to four, as most first attempts
    /// have), when it leaves them out when busy; all 0 otherwise.
    struct Dialled: BitwiseCopyable {
        private var fingerprints: (UInt16, UInt16, UInt16, UInt16) = (0, 0, 0, 0)
        static let most = 4

        init() {}

        init(_ attempt: Attempt) {
            self.init(attempt.busy == .skip ? attempt.destinations.map(\.contact.dialed) : [])
        }

        init(_ contacts: [DialedContact]) {
            guard (1...Self.most).contains(contacts.count) else { return }
            let all = contacts.map { BusySet.fingerprint(BusySet.key($0)) } + [0, 0, 0]
            fingerprints = (all[0], all[1], all[2], all[3])
        }

        /// Whether the attempt has someone busy, or may have: false is certain.
        @inline(__always)
        func mayBeBusy(_ busy: BusySet) -> Bool {
            fingerprints.0 == 0 || busy.mayContain(fingerprint: fingerprints.0) || busy.mayContain(fingerprint: fingerprints.1)
                || busy.mayContain(fingerprint: fingerprints.2) || busy.mayContain(fingerprint: fingerprints.3)
        }
    }

    /// A destination of a plan: what `DialWhomNumber` says for it, and its attempt (with
    /// `ringsBusy` set when its step rings busy agents anyway). One array, so that walking a
    /// plan reads one line, not two.
    private struct PlanContact: BitwiseCopyable {
        var contact: DialedContact
        var tagged: Int32

        var attempt: Int { Int(tagged & ~AnswerStore.ringsBusy) }
        var ringsBusy: Bool { tagged & AnswerStore.ringsBusy != 0 }
    }

    /// An answer's bytes, and whether they dial nobody.
    struct Body {
        let bytes: ArraySlice<UInt8>
        let dialsNobody: Bool
    }

    /// Outcomes hand out slices of these bytes, so they stay a Swift array.
    private let bytes: [UInt8]
    /// The first attempt of every rule, at `version * ruleCount + rule`.
    private let firstAnswers: Frozen<FirstAnswer>
    /// The later attempts of fixed plans, then the variants' attempts.
    private let ranges: Frozen<Range>
    private let ruleCount: Int
    private let rules: Frozen<RuleAnswers>
    private let plans: Frozen<CallPlan>
    private let weights: Frozen<Int32>
    private let planTables: Frozen<PlanTable>
    private let variants: Frozen<Variant>
    /// Each destination of each attempt, rule by rule (and variant by variant), in attempt order.
    private let contacts: Frozen<PlanContact>
    fileprivate static let ringsBusy: Int32 = 1 << 30
    /// The empty answer of each version, for calls no rule answers (`unmatched: nobody`).
    private let nobody: Frozen<Range>

    init(ruleSet: RuleSet, memory: TableMemory) throws(AnswerError) {
        let rules = ruleSet.rules, applet = ruleSet.applet
        var encoder = Encoder(applet: applet)
        var firstAnswers = [FirstAnswer](repeating: FirstAnswer(range: Range(start: 0, count: 0, dialsNobody: false)),
                                         count: rules.count * ConnectVersion.count)
        var later: [Range] = []
        var records: [RuleAnswers] = []
        var plans: [CallPlan] = [], weights: [Int32] = [], planTables: [PlanTable] = [], variants: [Variant] = []
        var variantRanges: [Range] = []
        var contacts: [PlanContact] = []
        var variantEncoder = VariantEncoder()
        var planOfDial: [Dial: Int32] = [:]
        /// The answers variants dial, each in every version (by the encoder's index).
        var encodedAnswers: [Range] = []
        func addContacts(_ attempts: [Attempt]) {
            for (index, attempt) in attempts.enumerated() {
                for destination in attempt.destinations {
                    contacts.append(PlanContact(contact: destination.contact.dialed, tagged: Int32(index) | (attempt.busy == .ring ? Self.ringsBusy : 0)))
                }
            }
        }
        for (index, rule) in rules.enumerated() {
            let dial = rule.dial
            guard dial.dependsOnCall else {
                let attempts = dial.attempts(branch: 0) { _ in nil }
                var record = RuleAnswers(kind: .fixed, later: Int32(later.count),
                                         answers: Int32(max(attempts.count, 1)), contactStart: Int32(contacts.count), contactCount: 0)
                addContacts(attempts)
                record.contactCount = Int32(contacts.count) - record.contactStart
                if dial.isNobody {
                    for version in ConnectVersion.allCases { firstAnswers[version.index * rules.count + index].range = encoder.nobody[version.index] }
                }
                for (position, attempt) in attempts.enumerated() {
                    let encoded = try encoder.ranges(attempt, isLast: position == attempts.count - 1)
                    for version in ConnectVersion.allCases {
                        if position == 0 {
                            firstAnswers[version.index * rules.count + index] = FirstAnswer(range: encoded[version.index], dialling: attempt)
                        } else {
                            later.append(encoded[version.index])
                        }
                    }
                }
                records.append(record)
                continue
            }
            // Rules that dial alike (one plan on many ExoPhones, say) share their variants.
            if let plan = planOfDial[dial] {
                records.append(RuleAnswers(kind: .dependsOnCall, later: plan, answers: 0, contactStart: 0, contactCount: 0))
                for version in ConnectVersion.allCases { firstAnswers[version.index * rules.count + index].range = Self.seeVariant }
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
                            contacts.append(PlanContact(contact: interned.dialled(id),
                                                        tagged: Int32(position) | (interned.busy(attempt) == .ring ? Self.ringsBusy : 0)))
                        }
                    }
                    let first = contacts[Int(contactStart)...].prefix { $0.attempt == 0 }
                    variants.append(Variant(rangeStart: rangeStart, attempts: Int32(interned.attempts.count), contactStart: contactStart,
                                            contactCount: Int32(contacts.count) - contactStart,
                                            firstDialled: first.contains(where: \.ringsBusy) ? Dialled() : Dialled(first.map(\.contact))))
                }
            }
            for version in ConnectVersion.allCases { firstAnswers[version.index * rules.count + index].range = Self.seeVariant }
        }
        let variantOffset = Int32(later.count)
        self.bytes = encoder.bytes
        self.firstAnswers = memory.freeze(firstAnswers)
        self.ranges = memory.freeze(later + variantRanges)
        ruleCount = rules.count
        self.rules = memory.freeze(records)
        self.plans = memory.freeze(plans)
        self.weights = memory.freeze(weights)
        self.planTables = memory.freeze(planTables)
        self.variants = memory.freeze(variants.map {
            Variant(rangeStart: $0.rangeStart + variantOffset, attempts: $0.attempts, contactStart: $0.contactStart, contactCount: $0.contactCount,
                    firstDialled: $0.firstDialled)
        })
        self.contacts = memory.freeze(contacts)
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

    /// A rule's plan for one call: where its attempts' answers and contacts are. Found once
    /// per decision that needs more than a fixed rule's first answer, so that a variant's
    /// lookups (a probe per table, the caller's sticky agent) are read once, however many
    /// questions the decision then asks of the plan.
    struct Plan {
        let rule: Int
        let attempts: Int
        /// The plan's contacts in `contacts`.
        let contactStart: Int
        let contactEnd: Int
        /// Index in `ranges` of attempt `firstInRun`'s answer in the first version; the
        /// attempts after it follow, `ConnectVersion.count` ranges each.
        let runStart: Int
        /// 1 for a fixed rule, whose first answer is in `firstAnswers`; 0 for a variant.
        let firstInRun: Int
        /// A variant's first attempt (a fixed rule's is in its `FirstAnswer`, read before
        /// its plan is).
        var firstDialled = Dialled()
    }

    /// The rule's plan for this call: for a rule that depends on the call, its variant (its
    /// branch, then its tables' values).
    func plan(rule: Int, facts: CallFacts, tables: LookupMaps) -> Plan {
        let record = rules[rule]
        guard record.kind == .dependsOnCall else {
            return Plan(rule: rule, attempts: Int(record.answers), contactStart: Int(record.contactStart),
                        contactEnd: Int(record.contactStart + record.contactCount), runStart: Int(record.later), firstInRun: 1)
        }
        let plan = plans[Int(record.later)]
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
        let variant = variants[Int(plan.variantStart) + branch * Int(plan.variantsPerBranch) + combination]
        return Plan(rule: rule, attempts: Int(variant.attempts), contactStart: Int(variant.contactStart),
                    contactEnd: Int(variant.contactStart + variant.contactCount), runStart: Int(variant.rangeStart), firstInRun: 0,
                    firstDialled: variant.firstDialled)
    }

    /// The attempt after the one that dialled `dialWhom` (see `[Attempt].attempt(after:)`).
    func attempt(_ plan: Plan, after dialWhom: DialedContact?) -> Int {
        guard let dialWhom else { return 0 }
        for index in plan.contactStart..<plan.contactEnd where contacts[index].contact == dialWhom {
            return contacts[index].attempt + 1
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

    /// Walks the plan's contacts from attempt `from`; asked only when someone is busy.
    func firstFree(_ plan: Plan, from: Int, busy: BusySet) -> FreeAttempt {
        guard from < plan.attempts else { return .none }
        if from == 0 && !plan.firstDialled.mayBeBusy(busy) { return .at(0, partlyBusy: false) }
        guard plan.contactEnd > plan.contactStart else { return .at(from, partlyBusy: false) } // `nobody`: no one to pass over
        var current = -1, free = 0, busyCount = 0
        for index in plan.contactStart..<plan.contactEnd {
            let contact = contacts[index]
            guard contact.attempt >= from else { continue }
            if contact.attempt != current {
                if free > 0 { return .at(current, partlyBusy: busyCount > 0) }
                (current, free, busyCount) = (contact.attempt, 0, 0)
            }
            if !contact.ringsBusy && busy.contains(contact.contact) { busyCount += 1 } else { free += 1 }
        }
        return free > 0 ? .at(current, partlyBusy: busyCount > 0) : .allBusy
    }

    /// Which destinations of attempt `attempt` are busy and left out, as bits by their place
    /// in the attempt; with the attempt's encoded answer, it names the answer without them.
    /// Nil for an attempt of more than 64 destinations.
    func busyMask(_ plan: Plan, attempt: Int, busy: BusySet) -> UInt64? {
        var mask: UInt64 = 0, place = 0
        for index in plan.contactStart..<plan.contactEnd where contacts[index].attempt == attempt {
            guard place < 64 else { return nil }
            if !contacts[index].ringsBusy && busy.contains(contacts[index].contact) { mask |= 1 << place }
            place += 1
        }
        return mask
    }

    /// The body of attempt `attempt` of a plan, or nil past its last one.
    @inline(__always)
    func body(_ plan: Plan, attempt: Int, version: ConnectVersion) -> Body? {
        guard attempt < plan.attempts else { return nil }
        if attempt < plan.firstInRun { return body(firstAnswers[version.index * ruleCount + plan.rule].range) }
        return body(ranges[plan.runStart + (attempt - plan.firstInRun) * ConnectVersion.count + version.index])
    }

    /// A fixed rule's first answer, one load away without its record, when nobody in it is
    /// busy (see `FirstAnswer`); nil when the rule's plan is needed: it depends on the call,
    /// or someone in its first attempt is busy (or may be).
    @inline(__always)
    func firstBody(rule: Int, version: ConnectVersion, busy: BusySet?) -> Body? {
        let first = firstAnswers[version.index * ruleCount + rule]
        if first.range.dependsOnCall { return nil }
        if let busy, first.dialled.mayBeBusy(busy) { return nil }
        return body(first.range)
    }

    /// Starts loading where a rule's first answer is.
    @inline(__always)
    func prefetch(rule: Int, version: ConnectVersion) { ringplan_prefetch(firstAnswers.base + version.index * ruleCount + rule) }

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

extension AnswerStore.FirstAnswer {
    init(range: AnswerStore.Range, dialling attempt: Attempt) {
        self.init(range: range, dialled: AnswerStore.Dialled(attempt))
    }
}
