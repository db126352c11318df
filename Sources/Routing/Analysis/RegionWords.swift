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
    }

    let probes: [Probe]

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
        func add(_ conditions: Conditions, _ dimension: Dimension, _ holds: String, _ fails: String?) {
            guard seen.insert(Seen(holds: holds, conditions: conditions)).inserted else { return }
            probes.append(Probe(dimension: dimension, holds: holds, fails: fails, rule: firstRule + rules.count))
            rules.append(Rule(name: "probe \(holds)", conditions: conditions, dial: .nobody))
        }
        for (ruleSet, isNew) in [(old, false), (new, true)] {
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
                        add(mapped(Conditions(time: .atom(atom))), .time, windows.map { "\($0.day.shortName) \($0.clock)" }.joined(separator: ", "), nil)
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
            let here = probes.filter { $0.dimension == dimension }
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
            var said = Array(Set(tightest.map(\.holds))).sorted().prefix(3) + Array(Set(excluded.compactMap(\.fails))).sorted().prefix(3)
            if said.isEmpty { said = [Self.unnamed + Self.noun[dimension]] }
            parts += said
        }
        return parts.isEmpty ? Self.everyCall : parts.joined(separator: ", ")
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
