import ConnectProtocol

/// A region of calls said in the rule language's words: per dimension, the named things that
/// hold for every call of it ("callers in list `vip`", "in `business_hours`") and those that
/// hold for none ("not in list `blocked`"). Each name is an atom of either version's
/// conditions, lowered as a probe rule of the joint table, so its classes are known exactly;
/// the words describe the smallest such envelope of the region, and the region's example
/// shows one call of it.
struct RegionWords {
    struct Probe {
        let dimension: Dimension
        /// "callers in list `vip`"
        let holds: String
        /// "callers not in list `vip`", for a named thing (lists, tables, calendars, skills);
        /// nil for single numbers, prefixes and windows, of which there are too many.
        let fails: String?
        /// Its rule in the joint rule set.
        let rule: Int
        /// Named in the new version (said "(new)" when the old version has a name of the
        /// same words that holds for other calls: a calendar whose hours changed).
        let isNew: Bool
    }

    let probes: [Probe]
    /// Probes whose words another probe has for other calls (see `words`), once the joint
    /// table's classes are known: `prepared(_:)`.
    private(set) var ambiguous: Set<Int> = []

    init(probes: [Probe]) {
        self.probes = probes
    }

    /// With `ambiguous` found: a name of both versions that holds for other calls in each
    /// (a calendar whose hours changed) is said with its version.
    func prepared(_ coverage: CoverageAnalysis) -> RegionWords {
        var classesOf: [String: [CoverageAnalysis.Classes]] = [:]
        for probe in probes { classesOf[probe.holds, default: []].append(coverage.boxes[probe.rule][probe.dimension]) }
        var result = self
        result.ambiguous = Set(probes.indices.filter { index in
            let alike = classesOf[probes[index].holds] ?? []
            return !alike.allSatisfy { $0 == alike[0] }
        }.map { probes[$0].rule })
        return result
    }

    /// Windows as the rule language writes them, days with the same hours together
    /// ("mon-fri 09:00-17:30").
    static func text(of windows: [WeeklyWindow]) -> String {
        var groups: [(first: Weekday, last: Weekday, clock: String)] = []
        for window in windows.sorted(by: { ($0.start, $0.end, $0.day) < ($1.start, $1.end, $1.day) }) {
            if let last = groups.last, last.clock == window.clock, last.last.next == window.day, window.day != .monday {
                groups[groups.count - 1].last = window.day
            } else {
                groups.append((window.day, window.day, window.clock))
            }
        }
        return groups.map { group in
            let days = group.first == group.last ? group.first.shortName
                : group.last == group.first.next ? "\(group.first.shortName), \(group.last.shortName)"
                : "\(group.first.shortName)-\(group.last.shortName)"
            return "\(days) \(group.clock)"
        }.joined(separator: ", ")
    }

    /// The probes' conditions, to append to the joint rule set's rules, and the probes.
    static func probes(old: RuleSet, new: RuleSet, mapNew: (Conditions) -> Conditions, firstRule: Int,
                       skill: (Match<String>?, [String: String]) -> Match<String>?) -> (rules: [Rule], probes: [Probe]) {
        var rules: [Rule] = []
        var probes: [Probe] = []
        struct Seen: Hashable {
            let holds: String
            let conditions: Conditions
        }
        var seen = Set<Seen>()
        var isNew = false
        func add(_ conditions: Conditions, _ dimension: Dimension, _ holds: String, _ fails: String?) {
            guard seen.insert(Seen(holds: holds, conditions: conditions)).inserted else { return }
            probes.append(Probe(dimension: dimension, holds: holds, fails: fails, rule: firstRule + rules.count, isNew: isNew))
            rules.append(Rule(name: "probe \(holds)", conditions: conditions, dial: .nobody))
        }
        for (ruleSet, ofNew) in [(old, false), (new, true)] {
            isNew = ofNew
            func mapped(_ conditions: Conditions) -> Conditions { isNew ? mapNew(conditions) : conditions }
            func number(_ atom: NumberAtom, _ who: String, _ whom: String) -> (String, String?) {
                switch atom {
                case .number(let number): return ("\(who) \(number)", nil)
                case .prefix(let digits): return ("\(whom) starting +\(digits)", nil)
                case .list(let index): return ("\(whom) in list `\(ruleSet.lists[index].name)`", "\(whom) not in list `\(ruleSet.lists[index].name)`")
                case .table(let index): return ("\(whom) in table `\(ruleSet.tables[index].name)`", "\(whom) not in table `\(ruleSet.tables[index].name)`")
                }
            }
            for rule in ruleSet.rules {
                let conditions = rule.conditions
                for atom in conditions.caller?.atoms ?? [] {
                    let (holds, fails) = number(atom, "caller", "callers")
                    add(mapped(Conditions(caller: .atom(atom))), .caller, holds, fails)
                }
                for atom in conditions.exophone?.atoms ?? [] {
                    let (holds, fails) = number(atom, "on", "on ExoPhones")
                    add(mapped(Conditions(exophone: .atom(atom))), .exophone, holds, fails)
                }
                for atom in conditions.time?.atoms ?? [] {
                    switch atom {
                    case .calendar(let index):
                        let name = ruleSet.calendars[index].name
                        add(mapped(Conditions(time: .atom(atom))), .time, "in `\(name)`", "outside `\(name)`")
                    case .windows(let windows):
                        add(mapped(Conditions(time: .atom(atom))), .time, Self.text(of: windows), nil)
                    }
                }
                for name in Set(conditions.skill?.atoms ?? []) {
                    // In the joint rule set a skill is the digits that select it in its version.
                    add(Conditions(skill: skill(.atom(name), ruleSet.skills)), .skill, "skill `\(name)`", "not skill `\(name)`")
                }
                for direction in Set(conditions.direction?.atoms ?? []) {
                    add(Conditions(direction: .atom(direction)), .skill, "direction \(direction.rawValue)", "not direction \(direction.rawValue)")
                }
                for atom in conditions.customField?.atoms ?? [] {
                    switch atom {
                    case .text(let text): add(mapped(Conditions(customField: .atom(atom))), .skill, "custom field `\(text)`", nil)
                    case .table(let index):
                        let name = ruleSet.tables[index].name
                        add(mapped(Conditions(customField: .atom(atom))), .skill, "custom field in table `\(name)`", "custom field not in table `\(name)`")
                    }
                }
            }
        }
        return (rules, probes)
    }

    /// The region's words; "every call" when no dimension narrows it.
    func words(_ boxes: [CoverageAnalysis.Box], _ coverage: CoverageAnalysis) -> String {
        var parts: [String] = []
        for dimension in Dimension.allCases {
            let universe = coverage.universe[dimension]
            guard let union = CoverageAnalysis.Classes.union(of: boxes.lazy.map { $0[dimension] }),
                  !CoverageAnalysis.Classes.all.subtracting(union).isEmpty(universe: universe) else { continue }
            let (names, exact, ambiguous) = self.names(union, dimension, coverage)
            // The names a rule set uses are its operators' words; spans of minutes say the
            // time when the names do not say it exactly, or only with a version's name.
            if dimension == .time, let spans = Self.spans(union, coverage.table.time),
               (ambiguous && spans.count <= Self.shortSpans) || (!exact && spans.count <= Self.readableSpans) {
                parts.append(spans.text)
            } else {
                parts += names
            }
        }
        return parts.isEmpty ? Self.everyCall : parts.joined(separator: ", ")
    }

    /// At most this many spans of minutes replace names that need "(old)" or "(new)"; at
    /// most `readableSpans` replace names that do not say the region exactly.
    static let shortSpans = 4
    static let readableSpans = 12

    /// The names that say `union` in one dimension, whether they say it exactly (it is the
    /// envelope of the covering names less the excluded ones), and whether one of them needs
    /// its version said.
    private func names(_ union: CoverageAnalysis.Classes, _ dimension: Dimension, _ coverage: CoverageAnalysis)
        -> (said: [String], exact: Bool, ambiguous: Bool) {
        let universe = coverage.universe[dimension]
        let here = probes.filter { $0.dimension == dimension }
        func text(_ probe: Probe, _ words: String) -> String {
            ambiguous.contains(probe.rule) ? words + (probe.isNew ? " (new)" : " (old)") : words
        }
        let covering = here.filter { probe in
            let classes = coverage.boxes[probe.rule][dimension]
            return union.subtracting(classes).isEmpty(universe: universe)
                && !CoverageAnalysis.Classes.all.subtracting(classes).isEmpty(universe: universe)
        }
        // The tightest: a covering name with another covering name inside it says less.
        let tightest = covering.filter { probe in
            let classes = coverage.boxes[probe.rule][dimension]
            return !covering.contains { other in
                let inner = coverage.boxes[other.rule][dimension]
                return other.rule != probe.rule && inner.subtracting(classes).isEmpty(universe: universe)
                    && !classes.subtracting(inner).isEmpty(universe: universe)
            }
        }
        let envelope = tightest.reduce(CoverageAnalysis.Classes.all) { $0.intersection(coverage.boxes[$1.rule][dimension]) }
        let excluded = here.filter { probe in
            let classes = coverage.boxes[probe.rule][dimension]
            return probe.fails != nil && !coverage.meet(union, classes, universe: universe) && coverage.meet(envelope, classes, universe: universe)
        }
        let holds = Array(Set(tightest.map { text($0, $0.holds) })).sorted()
        let fails = Array(Set(excluded.compactMap { probe in probe.fails.map { text(probe, $0) } })).sorted()
        var said = holds.prefix(3) + fails.prefix(3)
        if said.isEmpty { said = [Self.unnamed + Self.noun[dimension]] }
        let outside = CoverageAnalysis.Classes.union(of: excluded.map { coverage.boxes[$0.rule][dimension] }) ?? .some([])
        let described = envelope.subtracting(outside)
        let exact = (!tightest.isEmpty || !excluded.isEmpty) && holds.count <= 3 && fails.count <= 3
            && described.subtracting(union).isEmpty(universe: universe) && union.subtracting(described).isEmpty(universe: universe)
        return (Array(said), exact, said.contains { $0.hasSuffix(" (new)") || $0.hasSuffix(" (old)") })
    }

    /// The minutes of ordinary days (those no calendar lists apart) in `union`, by weekday,
    /// as the rule language writes windows ("mon-fri 18:30-19:00"), with how many spans it
    /// takes; nil when every minute of every day is in it. Days the calendars list apart
    /// (holidays) whose minutes differ from their weekday's are said to differ.
    static func spans(_ union: CoverageAnalysis.Classes, _ time: TimeIndex) -> (text: String, count: Int)? {
        func minutes(_ slot: Int) -> [Bool] {
            let start = Int(time.dayStart[slot])
            return (0..<1440).map { union.contains(Int32(time.minuteClass[start + $0])) }
        }
        let ordinary = (0..<7).map(minutes)
        guard ordinary.contains(where: { $0.contains(false) }) else { return nil }
        func clock(_ minute: Int) -> String { String(format: "%02d:%02d", minute / 60, minute % 60) }
        func spans(_ day: [Bool]) -> [String] {
            var result: [String] = [], start: Int?
            for minute in 0...1440 {
                let inside = minute < 1440 && day[minute]
                if inside, start == nil { start = minute }
                if !inside, let opened = start {
                    result.append(opened == 0 && minute == 1440 ? "all day" : "\(clock(opened))-\(clock(minute))")
                    start = nil
                }
            }
            return result
        }
        var groups: [(first: Int, last: Int, spans: [String])] = []
        for weekday in 0..<7 {
            let daySpans = spans(ordinary[weekday])
            if let last = groups.last, last.last == weekday - 1, last.spans == daySpans {
                groups[groups.count - 1].last = weekday
            } else {
                groups.append((weekday, weekday, daySpans))
            }
        }
        groups.removeAll { $0.spans.isEmpty }
        func days(_ group: (first: Int, last: Int, spans: [String])) -> String {
            let first = Weekday(rawValue: group.first)!.shortName, last = Weekday(rawValue: group.last)!.shortName
            return group.first == group.last ? first : group.last == group.first + 1 ? "\(first), \(last)" : "\(first)-\(last)"
        }
        var text = groups.map { "\(days($0)) \($0.spans.joined(separator: ", "))" }.joined(separator: ", ")
        if text.isEmpty { text = "no ordinary day" }
        let special = (7..<time.slotDays.count).filter { time.slotDays[$0] != nil }.map { (weekday: $0 % 7, minutes: minutes($0)) }
        if special.contains(where: { $0.minutes != ordinary[$0.weekday] }) {
            text += special.allSatisfy { !$0.minutes.contains(true) } ? " (not on the calendars' special days)" : " (other hours on the calendars' special days)"
        }
        return (text, groups.reduce(0) { $0 + $1.spans.count })
    }

    static let everyCall = "every call"
    /// Said of a dimension that no name narrows.
    static let unnamed = "certain "

    static let noun = PerDimension(caller: "callers", exophone: "ExoPhones", time: "times", skill: "skills, directions or custom fields")
}

extension CoverageAnalysis.Classes {
    /// The union of `sets` (nil when there are none), gathered once: a region may have
    /// thousands of boxes, and unions pair by pair copied the growing list each time.
    static func union(of sets: some Sequence<Self>) -> Self? {
        var listed: [Int32] = [], excepted: [Int32]?, any = false
        for set in sets {
            any = true
            switch set {
            case .some(let classes): listed += classes
            case .allBut(let classes): excepted = excepted.map { $0.sortedIntersection(classes) } ?? classes
            }
        }
        guard any else { return nil }
        let some = Array(Set(listed)).sorted()
        return excepted.map { .allBut($0.sortedSubtracting(some)) } ?? .some(some)
    }
}
