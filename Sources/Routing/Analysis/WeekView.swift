import ConnectProtocol

/// Which rule decides each kind of call, quarter-hour by quarter-hour over some days: what
/// `ringplan show` and the admin page draw.
///
/// The kinds come from the table: every combination of a caller class, an ExoPhone class
/// and a skill class (skill, direction and custom field) is a set of calls that no rule
/// tells apart except by time; combinations decided alike at every quarter-hour shown are
/// one kind. A kind is named by the conditions that hold for its classes ("callers in
/// `vip`", "on +918047112345, skill `support`"); the kind of the calls that no condition
/// names is "all other calls", which is exactly what the other rows leave.
public struct WeekView: Sendable {
    public struct Kind: Sendable, Equatable {
        /// "callers in `vip`"
        public let name: String
        /// Per quarter-hour of the days shown, in order: the deciding rule's index, or nil
        /// when no rule decides (the rule set's `unmatched`).
        public let cells: [Int?]
    }

    public struct Day: Sendable, Equatable {
        public let date: LocalDate
        /// "mon"
        public let weekday: String
        /// What makes the day special, in words: a calendar's listed date or holiday, a
        /// clock change. Empty for an ordinary day.
        public let notes: [String]
    }

    public struct RuleEntry: Sendable, Equatable {
        public let index: Int
        public let name: String
        /// Whom it dials, in words: "hunt priya, rahul".
        public let dials: String
    }

    public static let slotsPerDay = 96
    /// Combinations of classes a view is made of at most (each is decided at every quarter-hour).
    public static let maxCombinations = 20_000
    public static let maxDays = 62

    public let ruleSet: String
    public let timeZone: String
    public let days: [Day]
    public let kinds: [Kind]
    /// The rules that decide some cell, in rule order, for the legend.
    public let rules: [RuleEntry]
    /// What calls no rule takes get: "nobody (an empty answer)".
    public let unmatched: String

    public enum Failure: Error, Sendable, CustomStringConvertible, Equatable {
        case tooManyKinds(Int)
        case badDays(Int)

        public var description: String {
            switch self {
            case .tooManyKinds(let count):
                "the rule set tells apart \(count) combinations of caller, ExoPhone and skill; a week view draws at most \(WeekView.maxCombinations) (it is meant for rule sets a person reads)"
            case .badDays(let days): "--days is \(days); it must be 1 to \(WeekView.maxDays)"
            }
        }
    }

    /// The view of `days` days from `from` (a date of the rule set's zone).
    public init(table: DecisionTable, from: LocalDate, days count: Int) throws(Failure) {
        guard (1...Self.maxDays).contains(count) else { throw .badDays(count) }
        let ruleSet = table.ruleSet
        let matrices = table.matrices
        let combinations = matrices.caller.rows * matrices.exophone.rows * matrices.skill.rows
        guard combinations <= Self.maxCombinations else { throw .tooManyKinds(combinations) }
        self.ruleSet = ruleSet.name
        timeZone = ruleSet.timeZone
        let firstDay = LocalMoment(date: from, minute: 0).day
        let moments = (0..<count).flatMap { offset in
            (0..<Self.slotsPerDay).map { slot in LocalMoment(localSeconds: Int64(firstDay + offset) * 86_400 + Int64(slot * 15) * 60) }
        }
        // The distinct time classes of the days shown, and each quarter-hour's.
        var timeRows: [Int] = []
        var slotRow: [Int] = []
        var known: [Int: Int] = [:]
        for moment in moments {
            let row = table.time.row(moment)
            if known[row] == nil {
                known[row] = timeRows.count
                timeRows.append(row)
            }
            slotRow.append(known[row]!)
        }
        let clocks = ZoneClocks(ruleSet: ruleSet)
        days = (0..<count).map { offset in Self.day(firstDay + offset, ruleSet: ruleSet, zone: table.reader.zone, clocks: clocks) }

        // Each combination's cells; a combination's first rule per time class is found once.
        var groups: [[Int?]: [(caller: Int, exophone: Int, skill: Int)]] = [:]
        var order: [[Int?]] = []
        for caller in 0..<matrices.caller.rows {
            for exophone in 0..<matrices.exophone.rows {
                for skill in 0..<matrices.skill.rows {
                    let byTimeRow = timeRows.map { timeRow in
                        BitMatrix.firstCommon(PerDimension(caller: matrices.caller.view(row: caller), exophone: matrices.exophone.view(row: exophone),
                                                           time: matrices.time.view(row: timeRow), skill: matrices.skill.view(row: skill)))
                    }
                    let cells = slotRow.map { byTimeRow[$0] }
                    if groups[cells] == nil { order.append(cells) }
                    groups[cells, default: []].append((caller, exophone, skill))
                }
            }
        }

        // Names: the conditions that hold for each class, per dimension.
        let words = Words(
            caller: .init(who: "callers", other: "other callers",
                          classes: (0..<matrices.caller.rows).map { Self.conditions(row: $0, matrix: matrices.caller, ruleSet: ruleSet) { $0.caller.map { Self.numbers($0, "callers", ruleSet) } } }),
            exophone: .init(who: "on", other: "on other ExoPhones",
                            classes: (0..<matrices.exophone.rows).map { Self.conditions(row: $0, matrix: matrices.exophone, ruleSet: ruleSet) { $0.exophone.map { Self.numbers($0, "on", ruleSet) } } }),
            skill: .init(who: nil, other: Self.otherSkills(ruleSet),
                         classes: (0..<matrices.skill.rows).map { Self.conditions(row: $0, matrix: matrices.skill, ruleSet: ruleSet, Self.skillWords) }))
        var kinds: [Kind] = []
        var rest: Kind?
        for cells in order {
            let members = groups[cells]!
            if members.contains(where: { $0.caller == 0 && $0.exophone == 0 && $0.skill == 0 }) && order.count > 1 {
                rest = Kind(name: "all other calls", cells: cells)
                continue
            }
            for name in words.names(members) { kinds.append(Kind(name: name, cells: cells)) }
        }
        // Rows in the order of the first rule they meet, the rest last.
        func rank(_ kind: Kind) -> Int { kind.cells.compactMap { $0 }.min() ?? Int.max }
        kinds = kinds.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(\.element)
        if let rest { kinds.append(rest) }
        if kinds.isEmpty, let only = order.first { kinds = [Kind(name: "every call", cells: only)] }
        self.kinds = kinds
        let used = Set(kinds.flatMap { $0.cells.compactMap { $0 } })
        rules = used.sorted().map { RuleEntry(index: $0, name: ruleSet.rules[$0].name, dials: Self.dials(ruleSet.rules[$0].dial, ruleSet)) }
        unmatched = switch ruleSet.unmatched {
        case .nobody: "nobody (an empty answer)"
        case .fallback: "Exotel's Fallback URL (`unmatched: fallback`)"
        }
    }

    /// The conditions that hold for each class of each dimension, and the kinds' names made
    /// of them.
    struct Words {
        struct Dimension {
            /// "callers": said once for several conditions ("callers in `vip` and +9180…").
            let who: String?
            /// For a class no condition holds for.
            let other: String
            /// Per class, the distinct conditions that hold for it, in rule order.
            let classes: [[String]]

            /// Classes said in words: nil for all of them; the conditions they all share when
            /// exactly the classes sharing them are these; else each class's, with "or".
            func say(_ set: Set<Int>) -> String? {
                guard set.count < classes.count else { return nil }
                let sorted = set.sorted()
                let shared = classes[sorted[0]].filter { condition in sorted.allSatisfy { classes[$0].contains(condition) } }
                if !shared.isEmpty, Set(classes.indices.filter { Set(classes[$0]).isSuperset(of: shared) }) == set { return join(shared) }
                var said: [String] = []
                for index in sorted {
                    let words = classes[index].isEmpty ? other : join(classes[index])
                    if !said.contains(words) { said.append(words) }
                }
                return said.joined(separator: " or ")
            }

            /// "callers not in `blocked`" and "callers +9180…": "callers not in `blocked` and +9180…".
            func join(_ conditions: [String]) -> String {
                guard let who else { return conditions.joined(separator: " and ") }
                return conditions.enumerated().map { offset, condition in
                    offset > 0 && condition.hasPrefix(who + " ") ? String(condition.dropFirst(who.count + 1)) : condition
                }.joined(separator: " and ")
            }
        }

        let caller: Dimension
        let exophone: Dimension
        let skill: Dimension

        /// The names of combinations decided alike: callers whose ExoPhones and skills are
        /// the same are said together; a dimension all of whose classes are there is not said;
        /// ExoPhones and skills that are not all pairs are listed pair by pair.
        func names(_ members: [(caller: Int, exophone: Int, skill: Int)]) -> [String] {
            struct Pair: Hashable { let exophone: Int, skill: Int }
            var pairsOf: [Int: Set<Pair>] = [:]
            var callerOrder: [Int] = []
            for member in members {
                if pairsOf[member.caller] == nil { callerOrder.append(member.caller) }
                pairsOf[member.caller, default: []].insert(Pair(exophone: member.exophone, skill: member.skill))
            }
            var callersOf: [Set<Pair>: Set<Int>] = [:]
            var pairOrder: [Set<Pair>] = []
            for callerClass in callerOrder {
                let pairs = pairsOf[callerClass]!
                if callersOf[pairs] == nil { pairOrder.append(pairs) }
                callersOf[pairs, default: []].insert(callerClass)
            }
            return pairOrder.map { pairs in
                var parts = [caller.say(callersOf[pairs]!)].compactMap { $0 }
                let exophones = Set(pairs.map(\.exophone)), skills = Set(pairs.map(\.skill))
                if pairs.count == exophones.count * skills.count {
                    parts += [exophone.say(exophones), skill.say(skills)].compactMap { $0 }
                } else {
                    let listed = pairs.map { pair in
                        [exophone.say([pair.exophone]), skill.say([pair.skill])].compactMap { $0 }.joined(separator: " with ")
                    }
                    parts.append(Set(listed).sorted().joined(separator: "; "))
                }
                return parts.isEmpty ? "every call" : parts.joined(separator: ", ")
            }
        }
    }

    /// The calls of the skill class no condition holds for, by what the conditions name.
    static func otherSkills(_ ruleSet: RuleSet) -> String {
        let conditions = ruleSet.rules.map(\.conditions)
        return [conditions.contains { $0.skill != nil } ? "other or no skill" : nil,
                conditions.contains { $0.direction != nil } ? "other directions" : nil,
                conditions.contains { $0.customField != nil } ? "other custom fields" : nil].compactMap { $0 }.joined(separator: ", ")
    }

    /// The distinct conditions (in rule order) of the rules whose condition in this
    /// dimension holds for a class.
    static func conditions(row: Int, matrix: BitMatrix, ruleSet: RuleSet, _ text: (Conditions) -> String?) -> [String] {
        var said: [String] = []
        matrix.forEachExtraRule(row: row) { rule in
            if let words = text(ruleSet.rules[rule].conditions), !said.contains(words) { said.append(words) }
        }
        return said
    }

    static func numbers(_ match: Match<NumberAtom>, _ who: String, _ ruleSet: RuleSet) -> String {
        // "callers not in `blocked`" reads better than "not callers in `blocked`".
        if case .not(.atom(let atom)) = match {
            switch atom {
            case .number(let number): return "\(who) other than \(number)"
            case .prefix(let digits): return "\(who) not +\(digits)…"
            case .list(let index): return "\(who) not in `\(ruleSet.lists[index].name)`"
            case .table(let index): return "\(who) not in table `\(ruleSet.tables[index].name)`"
            }
        }
        func atom(_ atom: NumberAtom) -> String {
            switch atom {
            case .number(let number): "\(number)"
            case .prefix(let digits): "+\(digits)…"
            case .list(let index): "in `\(ruleSet.lists[index].name)`"
            case .table(let index): "in table `\(ruleSet.tables[index].name)`"
            }
        }
        // "on +918047100001 or +918047100002": who once for a list of atoms.
        if case .anyOf(let matches) = match {
            let atoms = matches.compactMap { if case .atom(let value) = $0 { value } else { nil } }
            if atoms.count == matches.count { return "\(who) " + atoms.map(atom).joined(separator: " or ") }
        }
        return describe(match) { "\(who) " + atom($0) }
    }

    static func skillWords(_ conditions: Conditions) -> String? {
        let parts = [conditions.skill.map { describe($0) { "skill `\($0)`" } },
                     conditions.direction.map { describe($0) { "direction \($0.rawValue)" } },
                     conditions.customField.map { describe($0) { atom in
                         switch atom {
                         case .text(let text): "custom field `\(text)`"
                         default: "custom field \(atom)"
                         }
                     } }].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: " and ")
    }

    static func describe<Atom>(_ match: Match<Atom>, _ atom: (Atom) -> String) -> String {
        switch match {
        case .atom(let value): atom(value)
        case .anyOf(let matches): matches.map { describe($0, atom) }.joined(separator: " or ")
        case .not(let inner): "not " + describe(inner, atom)
        }
    }

    /// Whom a rule dials, in words.
    static func dials(_ dial: Dial, _ ruleSet: RuleSet) -> String {
        guard !dial.isNobody else { return "nobody" }
        func names(_ destinations: [Destination]) -> String {
            let shown = destinations.prefix(4).map(\.name).joined(separator: ", ")
            return destinations.count > 4 ? shown + " and \(destinations.count - 4) more" : shown
        }
        func step(_ step: Step) -> String {
            let targets = step.targets.map { target -> String in
                switch target {
                case .destination(let destination): destination.name
                case .lookup(let table, let otherwise):
                    "the caller's `\(ruleSet.tables[table].name)` row" + (otherwise.isEmpty ? "" : " (else \(names(otherwise)))")
                case .sticky: "the caller's last agent"
                }
            }
            let shown = targets.count > 4 ? targets.prefix(4).joined(separator: ", ") + " and \(targets.count - 4) more" : targets.joined(separator: ", ")
            switch step.strategy {
            case .hunt: return targets.count > 1 ? "hunt " + shown : shown
            case .parallel: return "ring " + shown + " at once"
            }
        }
        let total = dial.branches.reduce(0) { $0 + $1.weight }
        return dial.branches.map { branch in
            let steps = branch.steps.map(step).joined(separator: ", then ")
            return dial.isSplit ? "\(branch.weight * 100 / max(total, 1))%: \(steps)" : steps
        }.joined(separator: "; ")
    }

    /// A day with what makes it special: the dates calendars list or treat apart (holidays,
    /// `on` dates, nth weekdays), and clock changes.
    /// `zone`: the rule set's; `clocks`: its calendars' zones.
    static func day(_ number: Int, ruleSet: RuleSet, zone: ZoneRules, clocks: ZoneClocks) -> Day {
        let moment = LocalMoment(localSeconds: Int64(number) * 86_400)
        var notes: [String] = []
        // Each calendar read in its own zone, quarter-hour by quarter-hour of this day.
        for (index, calendar) in ruleSet.calendars.enumerated() {
            var said = Set<String>()
            for slot in stride(from: 0, to: 1440, by: 15) {
                let local = ruleSet.local(LocalMoment(localSeconds: Int64(number) * 86_400 + Int64(slot) * 60), calendar: index, zones: clocks)
                if calendar.exceptDates.contains(local.date) {
                    if said.insert("except").inserted { notes.append("closed in `\(calendar.name)`") }
                    continue
                }
                // `on` hours of the date, replacing its weekly ones.
                if let windows = calendar.special[local.date] {
                    if said.insert("on").inserted {
                        notes.append(windows.isEmpty ? "closed in `\(calendar.name)` (`on`)"
                                     : "`\(calendar.name)` open only " + windows.map(\.clock).joined(separator: ", ") + " (`on`)")
                    }
                    continue
                }
                // Dates it lists, yearly and monthly days, iCalendar events; not weekly hours.
                switch calendar.opening(at: local) {
                case .date(let name):
                    if said.insert("date").inserted { notes.append("listed in `\(calendar.name)`" + (name.map { " (\($0))" } ?? "")) }
                case .some(let opening) where opening.isDayOfItsOwn:
                    if said.insert(opening.words).inserted { notes.append("`\(calendar.name)`: \(opening.words)") }
                default: break
                }
            }
        }
        // Clock changes during the day: the rule set's zone, then its calendars' other zones.
        let start = zone.utc(fromLocal: Int64(number) * 86_400), end = zone.utc(fromLocal: Int64(number + 1) * 86_400)
        let before = zone.offset(atUTC: start), after = zone.offset(atUTC: end)
        if before != after {
            notes.append("clock change: UTC\(Self.offset(before)) to UTC\(Self.offset(after))")
        }
        for (name, other) in clocks.others.sorted(by: { $0.key < $1.key }) {
            let before = other.offset(atUTC: start), after = other.offset(atUTC: end)
            if before != after { notes.append("clock change in \(name): UTC\(Self.offset(before)) to UTC\(Self.offset(after))") }
        }
        return Day(date: moment.date, weekday: moment.weekday.shortName, notes: notes)
    }

    static func offset(_ seconds: Int64) -> String {
        let minutes = abs(Int(seconds) / 60)
        let text = "\(minutes / 60)" + (minutes % 60 == 0 ? "" : ":" + (minutes % 60 < 10 ? "0" : "") + "\(minutes % 60)")
        return (seconds < 0 ? "-" : "+") + text
    }
}
