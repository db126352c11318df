import ConnectProtocol
import Foundation

/// Which calls two versions of a rule set decide differently, exactly.
///
/// Both versions' conditions are lowered into one table (`joint`): its classes refine each
/// version's, so a box of its classes is a set of calls both versions see whole. Calls can
/// change only inside the boxes of rules not alike in both versions (see `init`); there,
/// the calls are split by the old rules in order, each part by the new rules in order, and a
/// part where the deciding rule or its answer differs is a changed region. Nothing is
/// sampled: a region is reported only from boxes, and each comes with a call that shows it.
public struct RuleSetDiff {
    /// Calls that go elsewhere: the rule that decided them and the one that now does (nil:
    /// no rule), what differs in the answer, and a call of the region.
    public struct Region: Sendable {
        public let oldRule: String?
        public let newRule: String?
        /// The rules' places in their versions.
        public let oldRuleIndex: Int?
        public let newRuleIndex: Int?
        /// The fields of each attempt's answer that differ (`max_ringing_duration: 20 -> 30`),
        /// or what of a plan that depends on the call differs; empty when only the rule does.
        public let changes: [String]
        /// A call of the region; nil when none of its first classes can be written as a
        /// request (the region is still reported).
        public let example: CoverageAnalysis.Example?
        /// The region in the rule language's words: the named things that hold for all of
        /// its calls and those that hold for none (see `RegionWords`).
        public internal(set) var words = ""
        /// The region, as disjoint boxes of the joint table's classes.
        let boxes: [CoverageAnalysis.Box]
        /// How many boxes the region is made of (a measure of its shape, not of its calls).
        public var pieces: Int { boxes.count }

        /// Whether the calls are answered differently (not only decided by another rule).
        public var reroutes: Bool { !changes.isEmpty }
    }

    public enum Failure: Error, CustomStringConvertible {
        /// The joint table could not be built.
        case answer(AnswerError)
        /// The box work ran past its bound (rule sets whose rules overlap in every way).
        case tooComplex

        public var description: String {
            switch self {
            case .answer(let error): "cannot build the joint table: \(error)"
            case .tooComplex: "the two versions' rules overlap too much to compare within the bound"
            }
        }
    }

    public let old: RuleSet
    public let new: RuleSet
    /// Settings that change how every call (or every call no rule takes) is read or answered:
    /// `country`, the clock's zone, `unmatched`; as "name: old -> new".
    public let settings: [String]
    public let regions: [Region]
    /// The table of both versions' conditions, whose classes the regions are made of.
    let coverage: CoverageAnalysis

    public init(old: RuleSet, new: RuleSet, budget: Int = 4_000_000) throws(Failure) {
        self.old = old
        self.new = new
        var settings: [String] = []
        func setting(_ name: String, _ before: String, _ after: String) {
            if before != after { settings.append("\(name): \(before) -> \(after)") }
        }
        setting("country", old.country.isoCode, new.country.isoCode)
        setting("clock timezone", old.clockTimeZone, new.clockTimeZone)
        // `unmatched` answers the calls no rule takes, and a re-fetch past a plan's end or a
        // plan whose lookups find nothing, whatever the rule.
        setting("unmatched (calls no rule takes, and plans with no one left)", old.unmatched.rawValue, new.unmatched.rawValue)
        self.settings = settings

        let (joint, unprepared) = Self.joint(old, new)
        let table: DecisionTable
        do { table = try DecisionTable(ruleSet: joint) } catch { throw .answer(error) }
        let coverage = CoverageAnalysis(table: table)
        let answers = Answers(old: old, new: new)
        let oldCount = old.rules.count
        var work = 0
        var regions: [Region] = []
        var byPair: [Pair: Int] = [:]

        // Rules alike in both versions (same name, same calls by the joint classes, same
        // answers) and in the same order decide alike wherever no other rule is involved: a
        // call can change only inside the box of a rule that is not (a touched rule). The
        // kept pairs are the longest run of alike pairs in both orders.
        var alike: [(old: Int, new: Int)] = []
        let newByName = Dictionary(new.rules.indices.map { (new.rules[$0].name, $0) }, uniquingKeysWith: { first, _ in first })
        for rule in old.rules.indices {
            guard let twin = newByName[old.rules[rule].name], coverage.boxes[rule] == coverage.boxes[oldCount + twin],
                  answers.changes(old: rule, new: twin).isEmpty else { continue }
            alike.append((rule, twin))
        }
        let kept = Self.longestIncreasing(alike.map(\.new)).map { alike[$0] }
        let keptOld = Set(kept.map(\.old)), keptNew = Set(kept.map(\.new))
        let touched = old.rules.indices.filter { !keptOld.contains($0) } + new.rules.indices.filter { !keptNew.contains($0) }.map { oldCount + $0 }

        // The touched boxes, made disjoint. A new rule with the box of its touched old twin
        // (its answer changed) adds no call: skipped, since a wide box cut by the other's
        // pieces again is most of the work.
        let oldByName = Dictionary(old.rules.indices.map { (old.rules[$0].name, $0) }, uniquingKeysWith: { first, _ in first })
        var scope: [CoverageAnalysis.Box] = []
        for rule in touched {
            if rule >= oldCount, let twin = oldByName[new.rules[rule - oldCount].name], !keptOld.contains(twin),
               coverage.boxes[twin] == coverage.boxes[rule] { continue }
            var pieces = [coverage.boxes[rule]]
            for earlier in scope where pieces.contains(where: { coverage.intersects($0, earlier) }) {
                pieces = pieces.flatMap { coverage.subtract($0, earlier) }
                work += pieces.count
                guard work <= budget else { throw .tooComplex }
            }
            scope += pieces.filter { box in !Dimension.allCases.contains { box[$0].isEmpty(universe: coverage.universe[$0]) } }
        }

        // Within them, the calls each old rule decides (in order; nil: none), each cut by
        // the new rules in order; ExoPhone by ExoPhone, so that a wide box (a catch-all
        // rule's) meets only the few rules that name each of its ExoPhones.
        let real = 0..<oldCount + new.rules.count
        for (rules, pieces) in Self.byExophone(scope, coverage, rules: real) {
            let oldRules = rules.filter { $0 < oldCount }, newRules = rules.filter { $0 >= oldCount }
            for (oldRule, pieces) in try Self.split(pieces, by: oldRules, coverage, work: &work, budget: budget) {
                for (newRule, taken) in try Self.split(pieces, by: newRules, coverage, work: &work, budget: budget) {
                    Self.record(Pair(old: oldRule, new: newRule.map { $0 - oldCount }), taken, answers: answers, coverage: coverage,
                                into: &regions, index: &byPair)
                }
            }
        }
        let words = unprepared.prepared(coverage)
        for index in regions.indices {
            var said = words.words(regions[index].boxes, coverage)
            // No name narrows a region that is not every call (a catch-all's, the calls the
            // rules before it do not take): say first what holds for all of its calls.
            if said == RegionWords.everyCall || said.split(separator: ", ").allSatisfy({ $0.hasPrefix(RegionWords.unnamed) }),
               !Self.coversEverything(regions[index].boxes, coverage) {
                let left = regions[index].oldRule.map { "calls no rule before `\($0)` takes" } ?? "calls no rule of the old version takes"
                said = said == RegionWords.everyCall ? left : left + ", " + said
            }
            regions[index].words = said
        }
        // Regions in the order of the rules they start from, as a reader goes down the old file.
        regions.sort { ($0.oldRuleIndex ?? .max, $0.newRuleIndex ?? .max) < ($1.oldRuleIndex ?? .max, $1.newRuleIndex ?? .max) }
        self.regions = regions
        self.coverage = coverage
    }

    /// The region a call lies in, when it is in one: for checking a report against the two
    /// versions' answers.
    public func region(containing request: ConnectRequest, now: Int64) -> Region? {
        let table = coverage.table
        let facts = table.reader.facts(for: request, now: now)
        let classes = PerDimension(caller: Int32(table.caller.row(facts.caller)), exophone: Int32(table.exophone.row(facts.exophone)),
                                   time: Int32(table.time.row(facts.moment)),
                                   skill: Int32(table.skill.row(digits: facts.digits, direction: facts.direction, customField: facts.customField)))
        return regions.first { region in
            region.boxes.contains { box in Dimension.allCases.allSatisfy { box[$0].contains(classes[$0]) } }
        }
    }

    /// Whether disjoint `boxes` hold every call: their cells add up to all cells.
    static func coversEverything(_ boxes: [CoverageAnalysis.Box], _ coverage: CoverageAnalysis) -> Bool {
        func cells(_ box: CoverageAnalysis.Box) -> Double {
            Dimension.allCases.reduce(1.0) { product, dimension in
                let universe = coverage.universe[dimension]
                return switch box[dimension] {
                case .some(let classes): product * Double(classes.count)
                case .allBut(let classes): product * Double(universe - classes.count)
                }
            }
        }
        let all = Dimension.allCases.reduce(1.0) { $0 * Double(coverage.universe[$1]) }
        return boxes.reduce(0) { $0 + cells($1) } >= all
    }

    /// `pieces` grouped by the rules in `range` that may meet them, in order: each piece is
    /// cut into its ExoPhone classes named by the same rules, and a group's rules are those
    /// and the rules with no ExoPhone condition. Most rules of a large rule set name an
    /// ExoPhone, so a group has few rules, where a catch-all's box met every rule.
    static func byExophone(_ pieces: [CoverageAnalysis.Box], _ coverage: CoverageAnalysis,
                           rules range: Range<Int>) -> [(rules: [Int], pieces: [CoverageAnalysis.Box])] {
        // Each class's naming rules, interned: classes that share them share a group.
        var signatureOf: [Int: Int] = [:]
        var signatures: [[Int]] = [], known: [[Int]: Int] = [:]
        func signature(_ classID: Int) -> Int {
            if let id = signatureOf[classID] { return id }
            let rules = coverage.exophoneIndex[classID].filter(range.contains)
            let id = known[rules] ?? signatures.count
            if id == signatures.count {
                known[rules] = id
                signatures.append(rules)
            }
            signatureOf[classID] = id
            return id
        }
        var groups: [Int: [CoverageAnalysis.Box]] = [:]
        for piece in pieces {
            var classesBySignature: [Int: [Int32]] = [:]
            for classID in coverage.classes(piece.exophone, universe: coverage.universe.exophone) {
                classesBySignature[signature(classID), default: []].append(Int32(classID))
            }
            for (id, classes) in classesBySignature {
                var part = piece
                part.exophone = .some(classes)
                groups[id, default: []].append(part)
            }
        }
        let unconstrained = coverage.unconstrainedExophone.filter(range.contains)
        // In the order of the groups' first classes met, so that reports are the same every run.
        return groups.sorted { (signatures[$0.key].first ?? .max, $0.key) < (signatures[$1.key].first ?? .max, $1.key) }.map { id, pieces in
            (Array(Set(signatures[id] + unconstrained)).sorted(), pieces)
        }
    }

    /// `pieces` split by the first of `rules` (in order) that takes each part, as a version
    /// decides; nil for the parts none takes.
    static func split(_ pieces: [CoverageAnalysis.Box], by rules: [Int], _ coverage: CoverageAnalysis, work: inout Int,
                      budget: Int) throws(Failure) -> [(rule: Int?, pieces: [CoverageAnalysis.Box])] {
        var remaining = pieces
        var parts: [(rule: Int?, pieces: [CoverageAnalysis.Box])] = []
        for rule in rules where !remaining.isEmpty {
            let (taken, rest) = cut(remaining, by: coverage.boxes[rule], coverage)
            guard !taken.isEmpty else { continue }
            work += taken.count + rest.count
            guard work <= budget else { throw .tooComplex }
            remaining = rest
            parts.append((rule, taken))
        }
        if !remaining.isEmpty { parts.append((nil, remaining)) }
        return parts
    }

    /// `pieces` split into the parts inside `box` and the parts outside it.
    static func cut(_ pieces: [CoverageAnalysis.Box], by box: CoverageAnalysis.Box, _ coverage: CoverageAnalysis)
        -> (taken: [CoverageAnalysis.Box], rest: [CoverageAnalysis.Box]) {
        var taken: [CoverageAnalysis.Box] = [], rest: [CoverageAnalysis.Box] = []
        for piece in pieces {
            guard coverage.intersects(piece, box) else { rest.append(piece); continue }
            taken.append(PerDimension { piece[$0].intersection(box[$0]) })
            rest += coverage.subtract(piece, box)
        }
        return (taken, rest)
    }

    /// Positions of a longest strictly increasing subsequence, in order.
    static func longestIncreasing(_ values: [Int]) -> [Int] {
        var tails: [Int] = [], previous = [Int](repeating: -1, count: values.count)
        for (position, value) in values.enumerated() {
            var low = 0, high = tails.count
            while low < high {
                let middle = (low + high) / 2
                if values[tails[middle]] < value { low = middle + 1 } else { high = middle }
            }
            if low > 0 { previous[position] = tails[low - 1] }
            if low == tails.count { tails.append(position) } else { tails[low] = position }
        }
        var result: [Int] = []
        var position = tails.last ?? -1
        while position >= 0 {
            result.append(position)
            position = previous[position]
        }
        return result.reversed()
    }

    struct Pair: Hashable {
        let old: Int?
        let new: Int?
    }

    /// Adds the pieces of one (old rule, new rule) pair to its region, when its calls change.
    private static func record(_ pair: Pair, _ pieces: [CoverageAnalysis.Box], answers: Answers, coverage: CoverageAnalysis,
                               into regions: inout [Region], index: inout [Pair: Int]) {
        let oldName = pair.old.map { answers.old.rules[$0].name }, newName = pair.new.map { answers.new.rules[$0].name }
        let changes = answers.changes(old: pair.old, new: pair.new)
        guard oldName != newName || !changes.isEmpty else { return }
        if let known = index[pair] {
            let region = regions[known]
            regions[known] = Region(oldRule: region.oldRule, newRule: region.newRule, oldRuleIndex: region.oldRuleIndex,
                                    newRuleIndex: region.newRuleIndex, changes: region.changes,
                                    example: region.example ?? pieces.prefix(16).lazy.compactMap { coverage.example(anywhereIn: $0) }.first,
                                    boxes: region.boxes + pieces)
            return
        }
        let example = pieces.prefix(16).lazy.compactMap { coverage.example(anywhereIn: $0) }.first
        index[pair] = regions.count
        regions.append(Region(oldRule: oldName, newRule: newName, oldRuleIndex: pair.old, newRuleIndex: pair.new, changes: changes,
                              example: example, boxes: pieces))
    }

    /// Whether any call is answered differently.
    public var reroutes: Bool { !settings.isEmpty || regions.contains(where: \.reroutes) }
}

// MARK: The joint rule set

extension RuleSetDiff {
    /// One rule set whose rules are the old version's, then the new version's, with the
    /// new one's lists, tables and calendars after the old one's, and skills as the digits
    /// that select them (a digit may select another skill in each version). Times are the
    /// old version's zone; the new version's, when it differs, becomes its calendars' zone.
    /// The rules dial nobody: only their conditions are read. After them, a probe rule for
    /// each atom of either version's conditions, for saying regions in words.
    static func joint(_ old: RuleSet, _ new: RuleSet) -> (RuleSet, RegionWords) {
        let listOffset = old.lists.count, tableOffset = old.tables.count
        var calendars = old.calendars
        let calendarOffset = calendars.count
        let zoneChanged = old.timeZone != new.timeZone
        for var calendar in new.calendars {
            calendar.exceptCalendars = calendar.exceptCalendars.map { $0 + calendarOffset }
            if zoneChanged && calendar.timeZone == nil { calendar.timeZone = new.timeZone }
            calendars.append(calendar)
        }
        let digits = Set(old.skills.keys).union(new.skills.keys).sorted()
        let skills = Dictionary(uniqueKeysWithValues: digits.map { ($0, Self.skillName(digits: $0)) })

        func skill(_ match: Match<String>?, _ map: [String: String]) -> Match<String>? {
            match.map { match in
                match.flatMap { name in .anyOf(digits.filter { map[$0] == name }.map { .atom(Self.skillName(digits: $0)) }) }
            }
        }
        /// A new rule's conditions on the joint rule set's lists, tables and calendars.
        func mapNew(_ conditions: Conditions) -> Conditions {
            var conditions = conditions
            func number(_ atom: NumberAtom) -> NumberAtom {
                switch atom {
                case .number, .prefix: atom
                case .list(let index): .list(index + listOffset)
                case .table(let index): .table(index + tableOffset)
                }
            }
            conditions.caller = conditions.caller?.map(number)
            conditions.exophone = conditions.exophone?.map(number)
            conditions.customField = conditions.customField?.map { atom in
                if case .table(let index) = atom { .table(index + tableOffset) } else { atom }
            }
            conditions.time = conditions.time?.map { atom in
                switch atom {
                case .calendar(let index): return .calendar(index + calendarOffset)
                case .windows(let windows) where zoneChanged:
                    calendars.append(RuleCalendar(name: "hours in \(new.timeZone)", timeZone: new.timeZone, dates: [], weekly: windows,
                                                  exceptCalendars: [], exceptDates: []))
                    return .calendar(calendars.count - 1)
                case .windows: return atom
                }
            }
            return conditions
        }
        var rules = old.rules.map { rule in
            var conditions = rule.conditions
            conditions.skill = skill(conditions.skill, old.skills)
            return Rule(name: rule.name, conditions: conditions, dial: .nobody)
        }
        for rule in new.rules {
            var conditions = mapNew(rule.conditions)
            conditions.skill = skill(conditions.skill, new.skills)
            rules.append(Rule(name: rule.name, conditions: conditions, dial: .nobody))
        }
        let (probeRules, probes) = RegionWords.probes(old: old, new: new, mapNew: mapNew, firstRule: rules.count, skill: skill)
        rules += probeRules
        let ruleSet = RuleSet(name: old.name, timeZone: old.timeZone, clockTimeZone: old.clockTimeZone, country: old.country,
                              applet: old.applet, unmatched: old.unmatched, lists: old.lists + new.lists, calendars: calendars,
                              tables: old.tables + new.tables, skills: skills, rules: rules)
        return (ruleSet, RegionWords(probes: probes))
    }

    static func skillName(digits: String) -> String { "digits \(digits)" }
}

extension Dial {
    /// The same plan with its branches weighed as given.
    func reweighted(_ weights: [Int]) -> Dial {
        var dial = self
        for index in dial.branches.indices where index < weights.count { dial.branches[index].weight = weights[index] }
        return dial
    }
}

extension Match {
    /// Each atom replaced by a match.
    func flatMap(_ transform: (Atom) -> Match) -> Match {
        switch self {
        case .atom(let atom): return transform(atom)
        case .anyOf(let matches): return .anyOf(matches.map { $0.flatMap(transform) })
        case .not(let match): return .not(match.flatMap(transform))
        }
    }
}

// MARK: Comparing answers

extension RuleSetDiff {
    /// What each version's rules answer, for comparing a rule of one with a rule of the other.
    final class Answers {
        let old: RuleSet
        let new: RuleSet
        /// By new table: the old table with the same rows (a lookup compares tables by
        /// content, and a table of a million rows is compared once, not once per rule).
        private var twins: [Int: Int?] = [:]

        init(old: RuleSet, new: RuleSet) {
            self.old = old
            self.new = new
        }

        /// How the answer of the call changes from old rule `old` to new rule `new` (nil: no
        /// rule, which answers as `unmatched` says); empty when every call of theirs gets the
        /// same bytes.
        func changes(old oldRule: Int?, new newRule: Int?) -> [String] {
            switch (oldRule, newRule) {
            case (nil, nil):
                return []
            case (nil, .some):
                return ["no rule matched; now answered by a rule"]
            case (.some, nil):
                return ["now no rule matches (\(new.unmatched))"]
            case (.some(let oldRule), .some(let newRule)):
                return changes(old.rules[oldRule].dial, new.rules[newRule].dial)
            }
        }

        func changes(_ before: Dial, _ after: Dial) -> [String] {
            if before.dependsOnCall || after.dependsOnCall {
                guard plan(before, isNew: false) != plan(after, isNew: true) else { return [] }
                if let weights = Self.reweighted(before, after),
                   plan(after.reweighted(before.branches.map(\.weight)), isNew: true) == plan(before, isNew: false) {
                    return [weights]
                }
                return ["the plan, which depends on the call (a lookup, a split or `sticky`)"]
            }
            let beforeAnswers = Self.answers(before, in: old), afterAnswers = Self.answers(after, in: new)
            guard beforeAnswers != afterAnswers else { return [] }
            var changes: [String] = []
            if beforeAnswers.count != afterAnswers.count {
                changes.append("attempts: \(beforeAnswers.count) -> \(afterAnswers.count)")
            }
            for (index, (first, second)) in zip(beforeAnswers, afterAnswers).enumerated() where first != second {
                let prefix = beforeAnswers.count > 1 || afterAnswers.count > 1 ? "attempt \(index + 1): " : ""
                changes += Self.fields(first, second).map { prefix + $0 }
            }
            return changes.isEmpty ? ["the answer's bytes"] : changes
        }

        /// A split whose branches only weigh otherwise: the weights, and the share of calls
        /// that land on another branch (a caller's point is the same while the total is).
        static func reweighted(_ before: Dial, _ after: Dial) -> String? {
            let old = before.branches.map(\.weight), new = after.branches.map(\.weight)
            guard before.isSplit, old.count == new.count, old != new, before.splitBy == after.splitBy else { return nil }
            var words = "split weights: \(old.map(String.init).joined(separator: "/")) -> \(new.map(String.init).joined(separator: "/"))"
            let total = old.reduce(0, +)
            if total == new.reduce(0, +) {
                func branch(_ point: Int, _ weights: [Int]) -> Int {
                    var point = point, index = 0
                    while index < weights.count - 1 && point >= weights[index] { point -= weights[index]; index += 1 }
                    return index
                }
                let moved = (0..<total).count { branch($0, old) != branch($0, new) }
                words += String(format: ", about %.0f%% of its calls land on another branch", Double(moved) * 100 / Double(total))
            }
            return words
        }

        /// The attempts' answers, in every Connect version (a version may show a field the other does not).
        static func answers(_ dial: Dial, in ruleSet: RuleSet) -> [[ConnectVersion: [UInt8]]] {
            let attempts = dial.attempts(branch: 0) { _ in nil }
            guard !attempts.isEmpty else {
                let nobody = ConnectAnswer.nobody(applet: ruleSet.applet)
                return [Dictionary(uniqueKeysWithValues: ConnectVersion.allCases.map { ($0, nobody.encoded(for: $0)) })]
            }
            return attempts.enumerated().map { index, attempt in
                let answer = try? attempt.answer(isLast: index == attempts.count - 1, applet: ruleSet.applet)
                return Dictionary(uniqueKeysWithValues: ConnectVersion.allCases.map { ($0, answer?.encoded(for: $0) ?? []) })
            }
        }

        /// The answers' differing fields, as `name: old -> new`, from the newest version's JSON.
        static func fields(_ before: [ConnectVersion: [UInt8]], _ after: [ConnectVersion: [UInt8]]) -> [String] {
            let version = ConnectVersion.allCases.last!
            guard let left = json(before[version]), let right = json(after[version]) else { return [] }
            return Set(left.keys).union(right.keys).sorted().compactMap { key in
                let a = left[key].map(text) ?? "(none)", b = right[key].map(text) ?? "(none)"
                return a == b ? nil : "\(key): \(a) -> \(b)"
            }
        }

        static func json(_ bytes: [UInt8]?) -> [String: Any]? {
            bytes.flatMap { try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }
        }

        static func text(_ value: Any) -> String {
            guard JSONSerialization.isValidJSONObject([value]),
                  let data = try? JSONSerialization.data(withJSONObject: [value], options: [.sortedKeys, .withoutEscapingSlashes]) else {
                return "\(value)"
            }
            return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
        }

        /// A plan with its lookups' tables by identity (an old table's index; a new table's
        /// old twin, or its own index below zero when it has none), and the rule set's agents
        /// for `sticky`: the same plan compares equal across versions whatever the tables' order.
        struct Plan: Equatable {
            let dial: Dial
            let applet: Applet
            let tables: [Int]
            let agents: [Destination]
        }

        func plan(_ dial: Dial, isNew: Bool) -> Plan {
            let ruleSet = isNew ? new : old
            let tables = dial.lookups.compactMap { lookup -> Int? in if case .table(let table) = lookup { table } else { nil } }
            var renumbered = dial
            let position = Dictionary(uniqueKeysWithValues: tables.enumerated().map { ($1, $0) })
            renumbered.branches = dial.branches.map { branch in
                var branch = branch
                branch.steps = branch.steps.map { step in
                    var step = step
                    step.targets = step.targets.map { target in
                        if case .lookup(let table, let otherwise) = target { .lookup(table: position[table]!, otherwise: otherwise) } else { target }
                    }
                    return step
                }
                return branch
            }
            return Plan(dial: renumbered, applet: ruleSet.applet, tables: tables.map { isNew ? (twin(ofNew: $0) ?? -1 - $0) : $0 },
                        agents: dial.steps.contains(where: \.dialsSticky) ? ruleSet.agents : [])
        }

        /// The old table with the same rows as new table `index`: the one of the same name
        /// first, then any.
        private func twin(ofNew index: Int) -> Int? {
            if let known = twins[index] { return known }
            let table = new.tables[index]
            let candidates = old.tables.indices.filter { old.tables[$0].name == table.name } + old.tables.indices.filter { old.tables[$0].name != table.name }
            let found = candidates.first { Self.sameRows(old.tables[$0], table) }
            twins[index] = found
            return found
        }

        static func sameRows(_ a: LookupTable, _ b: LookupTable) -> Bool {
            a.key == b.key && a.values == b.values && a.numbers == b.numbers && a.texts == b.texts && a.valueIndexes == b.valueIndexes
        }
    }
}

