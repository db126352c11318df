import Foundation
import ConnectProtocol

/// Exact answers to "which calls does each rule decide?", from the decision table.
///
/// The table maps every call to one class per dimension, and a rule matches exactly the
/// calls whose classes lie in its set for every dimension: a rule's calls form a box in
/// class space. A rule is shadowed when earlier boxes cover its box, partly shadowed when
/// they meet it, and the calls no box covers are the gap. Box differences split a box into
/// at most four; the work is bounded, and a rule set too large for the bound is not judged
/// (nothing is reported rather than something wrong).
public struct CoverageAnalysis {
    public struct Example: Sendable, Hashable {
        /// A query string for `ringplan eval` that the claim holds for.
        public let query: String
        /// "calls from +919900000001 to +918047110000 at 10:00 Sunday 2027-01-10, no digits".
        public let description: String
    }

    public enum Finding: Sendable, Hashable {
        /// Earlier rules (`takenBy`) decide every call this rule's `when` describes.
        case shadowed(rule: Int, takenBy: [Int])
        /// An earlier rule takes some of this rule's calls, such as `example`.
        case partlyShadowed(rule: Int, takenBy: Int, example: Example)
        /// Calls no rule matches, such as `example`.
        case gap(example: Example)
        /// Calls the rule decides whose plan dials no one, since its lookups (without `else`)
        /// find nothing for them, such as `example`; `branch` when only a split's branch does.
        case lookupGap(rule: Int, branch: Int?, example: Example)
    }

    /// One dimension of a box: some classes, or every class but some (kept as the
    /// exceptions, since universes run to thousands of classes).
    enum Classes: Equatable {
        case some([Int32])
        case allBut([Int32])

        static let all = Classes.allBut([])

        func intersection(_ other: Classes) -> Classes {
            switch (self, other) {
            case (.some(let a), .some(let b)): return .some(a.sortedIntersection(b))
            case (.some(let a), .allBut(let b)), (.allBut(let b), .some(let a)): return .some(a.sortedSubtracting(b))
            case (.allBut(let a), .allBut(let b)): return .allBut(a.sortedUnion(b))
            }
        }

        func subtracting(_ other: Classes) -> Classes {
            switch (self, other) {
            case (.some(let a), .some(let b)): return .some(a.sortedSubtracting(b))
            case (.some(let a), .allBut(let b)): return .some(a.sortedIntersection(b))
            case (.allBut(let a), .some(let b)): return .allBut(a.sortedUnion(b))
            case (.allBut(let a), .allBut(let b)): return .some(b.sortedSubtracting(a))
            }
        }

        func isEmpty(universe: Int) -> Bool {
            switch self {
            case .some(let list): return list.isEmpty
            case .allBut(let list): return list.count >= universe
            }
        }

        func contains(_ classID: Int32) -> Bool {
            switch self {
            case .some(let list): return list.sortedContains(classID)
            case .allBut(let list): return !list.sortedContains(classID)
            }
        }

        /// The first class in the set.
        func first(universe: Int) -> Int? {
            switch self {
            case .some(let list): return list.first.map(Int.init)
            case .allBut(let list):
                var candidate: Int32 = 0
                for excluded in list {
                    if excluded != candidate { break }
                    candidate += 1
                }
                return Int(candidate) < universe ? Int(candidate) : nil
            }
        }
    }

    typealias Box = PerDimension<Classes>

    let table: DecisionTable
    let boxes: [Box]
    /// How many classes each dimension has.
    let universe: PerDimension<Int>
    /// Box splits allowed per rule set before giving up.
    let budget: Int
    let representatives: Representatives
    /// ExoPhone class -> rules whose ExoPhone condition holds for it; rules without one.
    let exophoneIndex: [[Int]]
    let unconstrainedExophone: [Int]

    public init(table: DecisionTable, budget: Int = 2_000_000) {
        self.table = table
        self.budget = budget
        representatives = Representatives(caller: table.caller.representatives(home: table.ruleSet.country),
                                          exophone: table.exophone.representatives(home: table.ruleSet.country),
                                          time: table.time.representatives(), digits: SkillIndex.digitsOfSkill(table.ruleSet))
        let matrices = table.matrices
        universe = matrices.map(\.rows)
        let rules = table.ruleSet.rules.count
        // Dimension -> rule -> the classes (beyond its template) where the rule's condition holds.
        let lists = matrices.map { matrix in
            var lists = [[Int32]](repeating: [], count: rules)
            for row in 0..<matrix.rows {
                matrix.forEachExtraRule(row: row) { rule in lists[rule].append(Int32(row)) }
            }
            return lists
        }
        boxes = (0..<rules).map { rule in
            PerDimension { dimension in
                matrices[dimension].inTemplate(rule) ? .all : .some(lists[dimension][rule])
            }
        }
        var exophoneIndex = [[Int]](repeating: [], count: universe.exophone)
        var unconstrained: [Int] = []
        for (rule, box) in boxes.enumerated() {
            switch box.exophone {
            case .some(let classes): for classID in classes { exophoneIndex[Int(classID)].append(rule) }
            case .allBut: unconstrained.append(rule)
            }
        }
        self.exophoneIndex = exophoneIndex
        unconstrainedExophone = unconstrained
    }

    /// Whether two boxes share a call; no allocation, most selective dimensions first.
    func intersects(_ a: Box, _ b: Box) -> Bool {
        meet(a.exophone, b.exophone, universe: universe.exophone) && meet(a.caller, b.caller, universe: universe.caller)
            && meet(a.skill, b.skill, universe: universe.skill) && meet(a.time, b.time, universe: universe.time)
    }

    func meet(_ a: Classes, _ b: Classes, universe: Int) -> Bool {
        switch (a, b) {
        case (.some(let left), .some(let right)):
            return left.sortedIntersects(right)
        case (.some(let list), .allBut(let excluded)), (.allBut(let excluded), .some(let list)):
            return list.sortedHasElement(notIn: excluded)
        case (.allBut(let left), .allBut(let right)):
            return !(left.count + right.count >= universe && left.sortedUnion(right).count >= universe)
        }
    }

    /// `box` minus `cut`, as disjoint boxes.
    func subtract(_ box: Box, _ cut: Box) -> [Box] {
        guard intersects(box, cut) else { return [box] }
        var pieces: [Box] = []
        var rest = box
        for dimension in Dimension.allCases {
            let outside = rest[dimension].subtracting(cut[dimension])
            if !outside.isEmpty(universe: universe[dimension]) {
                var piece = rest
                piece[dimension] = outside
                pieces.append(piece)
            }
            rest[dimension] = rest[dimension].intersection(cut[dimension])
        }
        return pieces
    }

    /// Earlier rules that can share a call with `rule`, in order: those that name one of its
    /// ExoPhone classes, and those with no ExoPhone condition. Saves comparing every pair.
    func candidates(before rule: Int) -> [Int] {
        guard case .some(let classes) = boxes[rule].exophone else { return Array(0..<rule) }
        var found = Set<Int>()
        for classID in classes { for other in exophoneIndex[Int(classID)] where other < rule { found.insert(other) } }
        for other in unconstrainedExophone where other < rule { found.insert(other) }
        return found.sorted()
    }

    /// The findings, rule by rule, then the gap; nil when the bound was reached.
    public func run() -> [Finding]? {
        var findings: [Finding] = []
        var work = 0
        for (rule, box) in boxes.enumerated() {
            if Dimension.allCases.contains(where: { box[$0].isEmpty(universe: universe[$0]) }) { continue } // matches no call
            var remaining = [box]
            var takers: [Int] = []
            for earlier in candidates(before: rule) where intersects(boxes[earlier], box) {
                takers.append(earlier)
                remaining = remaining.flatMap { subtract($0, boxes[earlier]) }
                work += remaining.count
                if work > budget { return nil }
                if remaining.isEmpty { break }
            }
            if remaining.isEmpty {
                findings.append(.shadowed(rule: rule, takenBy: takers))
                continue
            } else if let first = takers.first, let example = example(in: PerDimension { box[$0].intersection(boxes[first][$0]) }) {
                findings.append(.partlyShadowed(rule: rule, takenBy: first, example: example))
            }
            if let gap = lookupGap(rule: rule, in: remaining) { findings.append(gap) }
        }
        var gap: [Box] = [PerDimension { _ in Classes.all }]
        for box in boxes {
            gap = gap.flatMap { subtract($0, box) }
            work += gap.count
            if work > budget { return nil }
            if gap.isEmpty { break }
        }
        for piece in gap {
            if let example = example(in: piece) {
                findings.append(.gap(example: example))
                break
            }
        }
        return findings
    }

    // MARK: Lookups that find nothing

    /// A call of `pieces` (the calls the rule decides) for which its plan dials no one: a
    /// branch whose every target is a lookup without `else`, and a caller in none of its
    /// tables. Each candidate is checked by deciding it as the server does, so a claim is
    /// never made without a call that shows it.
    func lookupGap(rule: Int, in pieces: [Box]) -> Finding? {
        let dial = table.ruleSet.rules[rule].dial
        let canBeEmpty = dial.branches.indices.filter { branch in
            dial.branches[branch].steps.allSatisfy { step in
                step.targets.allSatisfy { target in
                    if case .lookup(_, let otherwise) = target { otherwise.isEmpty } else { false }
                }
            }
        }
        guard !canBeEmpty.isEmpty else { return nil }
        for piece in pieces.prefix(16) {
            for callerClass in classes(piece.caller, universe: universe.caller).prefix(64) {
                var single = piece
                single.caller = .some([Int32(callerClass)])
                guard let example = example(in: single) else { continue }
                for candidate in variations(of: example, callerClass: callerClass, splitBy: dial.isSplit ? dial.splitBy : nil) {
                    let facts = table.reader.facts(for: ConnectRequest(query: candidate.query), now: 0)
                    guard table.decide(facts) == rule, table.attemptCount(rule: rule, facts: facts) == 0 else { continue }
                    let branch = dial.branch(forKey: facts.splitKey(dial.splitBy))
                    return .lookupGap(rule: rule, branch: dial.isSplit ? branch : nil, example: candidate)
                }
            }
        }
        return nil
    }

    /// The classes of one dimension, in order.
    func classes(_ set: Classes, universe: Int) -> [Int] {
        switch set {
        case .some(let list): return list.map(Int.init)
        case .allBut(let excluded):
            var result: [Int] = []
            var next = excluded.startIndex
            for classID in 0..<universe {
                if next < excluded.endIndex && Int(excluded[next]) == classID { next += 1; continue }
                result.append(classID)
                if result.count == 64 { break }
            }
            return result
        }
    }

    /// The example, then others of the same classes: other callers of its class (a caller in
    /// the table, or on another branch, may have a neighbour that is not), and, for a split
    /// by call, other CallSids.
    private func variations(of example: Example, callerClass: Int, splitBy: SplitKey?) -> [Example] {
        var result = [example]
        let facts = table.reader.facts(for: ConnectRequest(query: example.query), now: 0)
        if let caller = facts.caller {
            let old = "CallFrom=%2B\(caller.digits)", oldWords = "from \(caller)"
            var offset: UInt64 = 1
            while result.count < 40 && offset < 400 {
                let neighbour = PhoneNumber(value: caller.value + offset)
                offset += 1
                guard table.caller.row(neighbour) == callerClass else { continue }
                result.append(Example(query: example.query.replacingOccurrences(of: old, with: "CallFrom=%2B\(neighbour.digits)"),
                                      description: example.description.replacingOccurrences(of: oldWords, with: "from \(neighbour)")))
            }
        }
        if splitBy == .call || (splitBy == .caller && facts.caller == nil) {
            result += (1...40).map { Example(query: example.query + "&CallSid=example\($0)", description: example.description + ", CallSid example\($0)") }
        }
        return result
    }

    // MARK: Examples

    struct Representatives {
        let caller: [Int: PhoneNumber]
        let exophone: [Int: PhoneNumber]
        let time: [Int: LocalMoment]
        /// Skill index -> digits that select it.
        let digits: [String?]
    }

    /// A request in `box`, trying its first few classes of each dimension in turn (a class
    /// may have no value a request can carry, such as a caller class of listed numbers
    /// only when all are taken); nil when none of those can be shown.
    func example(anywhereIn box: Box, tries: Int = 4) -> Example? {
        if let example = example(in: box) { return example }
        let options = PerDimension { dimension in classes(box[dimension], universe: universe[dimension]).prefix(tries) }
        for caller in options.caller {
            for exophone in options.exophone {
                for time in options.time {
                    for skill in options.skill {
                        let single = PerDimension<Classes>(caller: .some([Int32(caller)]), exophone: .some([Int32(exophone)]),
                                                           time: .some([Int32(time)]), skill: .some([Int32(skill)]))
                        if let example = example(in: single) { return example }
                    }
                }
            }
        }
        return nil
    }

    /// A request whose classes are the first of each dimension of `box`, checked against the
    /// table; nil when no class of the box can be shown as a request.
    func example(in box: Box) -> Example? {
        let values = representatives
        guard let callerClass = box.caller.first(universe: universe.caller), let exophoneClass = box.exophone.first(universe: universe.exophone),
              let timeClass = box.time.first(universe: universe.time), let skillClass = box.skill.first(universe: universe.skill) else { return nil }
        guard let moment = values.time[timeClass] else { return nil }
        var parameters: [String] = []
        var words: [String] = []
        /// A number of the class, or no parameter for class 0 (no condition's number) when
        /// no plain number falls in it; false when the class cannot be shown.
        func number(_ classID: Int, _ values: [Int: PhoneNumber], parameter: String, word: String) -> Bool {
            guard let number = values[classID] else {
                if classID == 0 { words.append("\(word) no readable number") }
                return classID == 0
            }
            parameters.append("\(parameter)=%2B\(number.digits)")
            words.append("\(word) \(number)")
            return true
        }
        guard number(callerClass, values.caller, parameter: "CallFrom", word: "from"),
              number(exophoneClass, values.exophone, parameter: "CallTo", word: "to") else { return nil }
        // The moment is local to the rule set's zone; Exotel's CurrentTime is in its clock's.
        let reader = table.reader
        let local = Int64(moment.day) * 86_400 + Int64(moment.minute) * 60
        let utc = reader.zone.utc(fromLocal: local)
        let clock = utc + reader.clockZone.offset(atUTC: utc)
        let wall = LocalMoment(localSeconds: clock)
        let date = wall.date
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        parameters.append("CurrentTime=\(date)+\(two(wall.minute / 60))%3A\(two(wall.minute % 60))%3A00")
        words.append("at \(moment)")
        let (skill, direction, customField) = table.skill.parts(row: skillClass)
        if skill > 0 {
            guard let digits = representatives.digits[skill] else { return nil }
            parameters.append("digits=%22\(digits)%22")
            words.append("pressing \(digits)")
        } else {
            words.append("with no skill")
        }
        if direction > 0 {
            let value = SkillIndex.directions[direction]!
            parameters.append("Direction=\(value.rawValue)")
            words.append("direction \(value.rawValue)")
        }
        if let text = table.skill.customFields.representatives[customField] {
            let encoded = text.addingPercentEncoding(withAllowedCharacters: Self.queryValueCharacters) ?? text
            parameters.append("CustomField=\(encoded)")
            words.append("custom field `\(text)`")
        }
        let query = parameters.joined(separator: "&")
        // The example must land in the box: check it as the server would read it.
        let facts = reader.facts(for: ConnectRequest(query: query), now: 0)
        guard table.caller.row(facts.caller) == callerClass, table.exophone.row(facts.exophone) == exophoneClass,
              table.time.row(facts.moment) == timeClass,
              table.skill.row(digits: facts.digits, direction: facts.direction, customField: facts.customField) == skillClass else { return nil }
        return Example(query: query, description: "calls " + words.joined(separator: ", "))
    }

    /// What a query value may hold unescaped: `+` and `&` mean something there.
    static let queryValueCharacters = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
