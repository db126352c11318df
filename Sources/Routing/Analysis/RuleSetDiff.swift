import ConnectProtocol
import Foundation

/// Which calls two versions of a rule set decide differently, exactly.
///
/// Both versions' conditions are lowered into one table (`joint`): its classes refine each
/// version's, so a box of its classes is a set of calls both versions see whole. Each old
/// rule's calls (its box, minus earlier rules') are then cut by the new rules in order; a
/// piece where the deciding rule or its answer differs is a changed region. Nothing is
/// sampled: a region is reported only from boxes, and each comes with a call that shows it.
public struct RuleSetDiff {
    /// Calls that go elsewhere: the rule that decided them and the one that now does (nil:
    /// no rule), what differs in the answer, and a call of the region.
    public struct Region: Sendable {
        public let oldRule: String?
        public let newRule: String?
        /// Fields of the first answer that differ (`max_ringing_duration: 20 -> 30`), or why
        /// the answers cannot be compared field by field; empty when only the rule differs.
        public let changes: [String]
        /// A call of the region; nil when none of its first classes can be written as a
        /// request (the region is still reported).
        public let example: CoverageAnalysis.Example?
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
    /// Settings that change every call's answer or reading (`timezone`, `country`, ...),
    /// as "name: old -> new".
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
        self.settings = settings

        let joint = Self.joint(old, new)
        let table: DecisionTable
        do { table = try DecisionTable(ruleSet: joint) } catch { throw .answer(error) }
        let coverage = CoverageAnalysis(table: table)
        let answers = Answers(old: old, new: new)
        let oldCount = old.rules.count
        var work = 0
        var regions: [Region] = []
        var byPair: [Pair: Int] = [:]

        // The calls each old rule decides, then those no old rule decides.
        var unclaimed: [CoverageAnalysis.Box] = [PerDimension { _ in .all }]
        var oldRegions: [(rule: Int?, pieces: [CoverageAnalysis.Box])] = []
        for rule in 0..<oldCount {
            let box = coverage.boxes[rule]
            var taken: [CoverageAnalysis.Box] = []
            var rest: [CoverageAnalysis.Box] = []
            for piece in unclaimed {
                guard coverage.intersects(piece, box) else { rest.append(piece); continue }
                taken.append(PerDimension { piece[$0].intersection(box[$0]) })
                rest += coverage.subtract(piece, box)
            }
            work += rest.count + taken.count
            guard work <= budget else { throw .tooComplex }
            unclaimed = rest
            if !taken.isEmpty { oldRegions.append((rule, taken)) }
        }
        if !unclaimed.isEmpty { oldRegions.append((nil, unclaimed)) }

        // Each old region cut by the new rules in order.
        for (oldRule, pieces) in oldRegions {
            var remaining = pieces
            for newRule in 0..<new.rules.count where !remaining.isEmpty {
                let box = coverage.boxes[oldCount + newRule]
                var taken: [CoverageAnalysis.Box] = []
                var rest: [CoverageAnalysis.Box] = []
                for piece in remaining {
                    guard coverage.intersects(piece, box) else { rest.append(piece); continue }
                    taken.append(PerDimension { piece[$0].intersection(box[$0]) })
                    rest += coverage.subtract(piece, box)
                }
                work += rest.count + taken.count
                guard work <= budget else { throw .tooComplex }
                remaining = rest
                if !taken.isEmpty {
                    Self.record(Pair(old: oldRule, new: newRule), taken, answers: answers, coverage: coverage, into: &regions, index: &byPair)
                }
            }
            if !remaining.isEmpty {
                Self.record(Pair(old: oldRule, new: nil), remaining, answers: answers, coverage: coverage, into: &regions, index: &byPair)
            }
        }
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
            regions[known] = Region(oldRule: region.oldRule, newRule: region.newRule, changes: region.changes,
                                    example: region.example ?? pieces.prefix(16).lazy.compactMap { coverage.example(anywhereIn: $0) }.first,
                                    boxes: region.boxes + pieces)
            return
        }
        let example = pieces.prefix(16).lazy.compactMap { coverage.example(anywhereIn: $0) }.first
        index[pair] = regions.count
        regions.append(Region(oldRule: oldName, newRule: newName, changes: changes, example: example, boxes: pieces))
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
    /// The rules dial nobody: only their conditions are read.
    static func joint(_ old: RuleSet, _ new: RuleSet) -> RuleSet {
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
        var rules = old.rules.map { rule in
            var conditions = rule.conditions
            conditions.skill = skill(conditions.skill, old.skills)
            return Rule(name: rule.name, conditions: conditions, dial: .nobody)
        }
        for rule in new.rules {
            var conditions = rule.conditions
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
                    calendars.append(RuleCalendar(name: "\(rule.name) hours", timeZone: new.timeZone, dates: [], weekly: windows,
                                                  exceptCalendars: [], exceptDates: []))
                    return .calendar(calendars.count - 1)
                case .windows: return atom
                }
            }
            conditions.skill = skill(conditions.skill, new.skills)
            rules.append(Rule(name: rule.name, conditions: conditions, dial: .nobody))
        }
        return RuleSet(name: old.name, timeZone: old.timeZone, clockTimeZone: old.clockTimeZone, country: old.country,
                       applet: old.applet, unmatched: old.unmatched, lists: old.lists + new.lists, calendars: calendars,
                       tables: old.tables + new.tables, skills: skills, rules: rules)
    }

    static func skillName(digits: String) -> String { "digits \(digits)" }
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
    struct Answers {
        let old: RuleSet
        let new: RuleSet

        /// How the answer of the call changes from old rule `old` to new rule `new` (nil: no
        /// rule, which answers as `unmatched` says); empty when every call of theirs gets the
        /// same bytes.
        func changes(old oldRule: Int?, new newRule: Int?) -> [String] {
            switch (oldRule, newRule) {
            case (nil, nil):
                return old.unmatched == new.unmatched ? [] : ["no rule matches: \(old.unmatched) -> \(new.unmatched)"]
            case (nil, .some):
                return ["no rule matched; now answered by a rule"]
            case (.some, nil):
                return ["now no rule matches (\(new.unmatched))"]
            case (.some(let oldRule), .some(let newRule)):
                // `unmatched` also answers a re-fetch past a plan's last attempt, and a plan
                // whose lookups find nothing.
                let exhausted = old.unmatched == new.unmatched ? [] : ["when the plan has no one left: \(old.unmatched) -> \(new.unmatched)"]
                return Self.changes(old.rules[oldRule].dial, in: old, new.rules[newRule].dial, in: new) + exhausted
            }
        }

        static func changes(_ before: Dial, in old: RuleSet, _ after: Dial, in new: RuleSet) -> [String] {
            if before.dependsOnCall || after.dependsOnCall {
                return plan(before, in: old) == plan(after, in: new) ? [] : ["the plan, which depends on the call (a lookup, a split or `sticky`)"]
            }
            let beforeAnswers = answers(before, in: old), afterAnswers = answers(after, in: new)
            guard beforeAnswers != afterAnswers else { return [] }
            var changes: [String] = []
            if beforeAnswers.count != afterAnswers.count {
                changes.append("attempts: \(beforeAnswers.count) -> \(afterAnswers.count)")
            }
            for (index, (first, second)) in zip(beforeAnswers, afterAnswers).enumerated() where first != second {
                let prefix = beforeAnswers.count > 1 || afterAnswers.count > 1 ? "attempt \(index + 1): " : ""
                changes += fields(first, second).map { prefix + $0 }
            }
            return changes.isEmpty ? ["the answer's bytes"] : changes
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

        /// A plan with its lookups' tables (and the rule set's agents, for `sticky`) by content, so
        /// that the same plan compares equal across versions whatever the tables' order.
        struct Plan: Equatable {
            let dial: Dial
            let applet: Applet
            let tables: [TableContent]
            let agents: [Destination]
        }

        struct TableContent: Equatable {
            let key: LookupTable.Key
            let values: [Destination]
            let numbers: [PhoneNumber]
            let texts: [String]
            let valueIndexes: [Int]
        }

        static func plan(_ dial: Dial, in ruleSet: RuleSet) -> Plan {
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
            return Plan(dial: renumbered, applet: ruleSet.applet, tables: tables.map { index in
                let table = ruleSet.tables[index]
                return TableContent(key: table.key, values: table.values, numbers: table.numbers, texts: table.texts,
                                    valueIndexes: table.valueIndexes.map(Int.init))
            }, agents: dial.steps.contains(where: \.dialsSticky) ? ruleSet.agents : [])
        }
    }
}
