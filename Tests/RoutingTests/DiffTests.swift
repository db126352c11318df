import ConnectProtocol
import Foundation
@testable import Routing
import Testing

/// `RuleSetDiff` on random rule sets and random changes of them: every reported region's
/// call is decided by the rules the region names, and every random call that either
/// version answers otherwise lies in a reported region naming the rules that decide it.
@Suite struct DiffTests {
    static let ruleSets = Int(ProcessInfo.processInfo.environment["RINGPLAN_PROPERTY_RULESETS"] ?? "") ?? 60
    static let baseSeed = UInt64(ProcessInfo.processInfo.environment["RINGPLAN_PROPERTY_SEED"] ?? "") ?? 20_261_202

    /// What a call gets from a version: the deciding rule's name and the bytes in each Connect version.
    static func answer(_ table: DecisionTable, _ query: String, now: Int64) -> (rule: String?, answers: [String]) {
        let facts = table.reader.facts(for: ConnectRequest(query: query), now: now)
        let outcomes = ConnectVersion.allCases.map { table.outcome(for: facts, version: $0) }
        return (outcomes[0].rule.map { table.ruleSet.rules[$0].name },
                outcomes.map { "\($0.status) " + ($0.body.map { String(decoding: $0, as: UTF8.self) } ?? "") })
    }

    /// One to three random edits: rules removed, swapped, renamed, given another rule's
    /// conditions or plan; the zone, a skill's digit or `unmatched` changed.
    static func mutate(_ ruleSet: RuleSet, _ random: inout SeededRandom) -> (RuleSet, [String]) {
        var changed = ruleSet, edits: [String] = []
        for _ in 0..<random.int(1...3) {
            let count = changed.rules.count
            switch random.int(0...7) {
            case 0 where count > 1:
                let index = random.int(0...count - 1)
                edits.append("removed \(changed.rules[index].name)")
                changed.rules.remove(at: index)
            case 1 where count > 1:
                let index = random.int(0...count - 2)
                edits.append("swapped \(changed.rules[index].name) and the next")
                changed.rules.swapAt(index, index + 1)
            case 2:
                let index = random.int(0...count - 1), other = random.int(0...count - 1)
                edits.append("\(changed.rules[index].name) dials as \(changed.rules[other].name)")
                changed.rules[index].dial = changed.rules[other].dial
            case 3:
                let index = random.int(0...count - 1), other = random.int(0...count - 1)
                edits.append("\(changed.rules[index].name) takes the calls of \(changed.rules[other].name)")
                changed.rules[index].conditions = changed.rules[other].conditions
            case 4:
                let index = random.int(0...count - 1)
                edits.append("renamed \(changed.rules[index].name)")
                changed.rules[index].name += "-renamed"
            case 5:
                changed.timeZone = random.pick(RuleSetGenerator.zones)
                edits.append("zone \(changed.timeZone)")
            case 6:
                let digit = String(random.int(1...4))
                changed.skills[digit] = random.pick(["sales", "support", "billing", "unused"])
                edits.append("digit \(digit) selects \(changed.skills[digit]!)")
            default:
                changed.unmatched = changed.unmatched == .nobody ? .fallback : .nobody
                edits.append("unmatched \(changed.unmatched)")
            }
        }
        return (changed, edits)
    }

    @Test func reportsExactlyTheCallsThatChange() throws {
        var failures = 0
        for index in 0..<Self.ruleSets {
            let seed = Self.baseSeed &+ UInt64(index)
            var generator = RuleSetGenerator(random: SeededRandom(seed: seed))
            let old = generator.ruleSet()
            let (new, edits) = seed % 10 == 0 ? (old, ["none"]) : Self.mutate(old, &generator.random)
            let diff = try RuleSetDiff(old: old, new: new)
            let before = try DecisionTable(ruleSet: old), after = try DecisionTable(ruleSet: new)
            // A changed `unmatched` is reported as a setting: calls are compared without it.
            var sameUnmatched = new
            sameUnmatched.unmatched = old.unmatched
            let afterAlike = try DecisionTable(ruleSet: sameUnmatched)
            if old.unmatched != new.unmatched && !diff.settings.contains(where: { $0.hasPrefix("unmatched") }) { fail("unmatched changed, not reported") }
            func fail(_ message: String) {
                failures += 1
                Issue.record("\(message)\nreplay with RINGPLAN_PROPERTY_SEED=\(seed) RINGPLAN_PROPERTY_RULESETS=1; edits: \(edits)")
            }
            if edits == ["none"] && !diff.regions.isEmpty { fail("an unchanged rule set reports \(diff.regions.count) regions") }
            for region in diff.regions {
                guard let query = region.example?.query else { continue }
                let (oldRule, newRule) = (Self.answer(before, query, now: 0).rule, Self.answer(after, query, now: 0).rule)
                if oldRule != region.oldRule || newRule != region.newRule {
                    fail("example \(query) of \(region.oldRule ?? "-") -> \(region.newRule ?? "-") is decided by \(oldRule ?? "-") -> \(newRule ?? "-")")
                }
            }
            for _ in 0..<60 {
                let query = generator.query(for: old)
                let now = Int64(1_780_000_000 + generator.random.int(0...40_000_000))
                let first = Self.answer(before, query, now: now), second = Self.answer(afterAlike, query, now: now)
                let region = diff.region(containing: ConnectRequest(query: query), now: now)
                if first.rule != second.rule || first.answers != second.answers {
                    guard let region else { fail("\(query) at \(now): \(first) -> \(second), in no region"); continue }
                    if region.oldRule != first.rule || region.newRule != second.rule {
                        fail("\(query) at \(now) is in region \(region.oldRule ?? "-") -> \(region.newRule ?? "-"), decided \(first.rule ?? "-") -> \(second.rule ?? "-")")
                    }
                } else if let region, region.oldRule != first.rule || region.newRule != second.rule {
                    fail("\(query) at \(now), unchanged, is in region \(region.oldRule ?? "-") -> \(region.newRule ?? "-")")
                }
            }
            if failures > 5 { return }
        }
    }

    /// Edits that reroute no call report nothing.
    @Test func changesThatRerouteNothingReportNothing() throws {
        let agent = Destination(type: .user, contact: .number(PhoneNumber(value: 919_876_500_001)), agent: "priya")
        let vip = NumberList(name: "vip", numbers: [PhoneNumber(value: 919_845_012_345)], prefixes: [])
        func ruleSet(list: String, rules: [Rule]) -> RuleSet {
            var renamed = vip
            renamed.name = list
            return RuleSet(name: "support", timeZone: "Asia/Kolkata", clockTimeZone: "Asia/Kolkata", country: .india, lists: [renamed],
                           calendars: [], skills: ["1": "sales"], rules: rules)
        }
        let onVIP = Rule(name: "vip", conditions: Conditions(caller: .atom(.list(0))), dial: Dial(destinations: [agent], strategy: .hunt))
        let onLine = Rule(name: "line", conditions: Conditions(exophone: .atom(.number(PhoneNumber(value: 918_047_112_345))), skill: .atom("sales")),
                          dial: .nobody)
        let old = ruleSet(list: "vip", rules: [onVIP, onLine])
        // The same numbers under another list name, and the rules reordered where they do not meet.
        var line = onLine
        line.conditions.caller = .not(.atom(.list(0)))
        let unchanged = try RuleSetDiff(old: ruleSet(list: "vip", rules: [onVIP, line]), new: ruleSet(list: "key-accounts", rules: [line, onVIP]))
        #expect(unchanged.regions.isEmpty && !unchanged.reroutes)
        #expect(try RuleSetDiff(old: old, new: old).regions.isEmpty)
        // Reordered where they do meet: the VIP on the line now gets nobody.
        let reordered = try RuleSetDiff(old: old, new: ruleSet(list: "vip", rules: [onLine, onVIP]))
        #expect(reordered.regions.map { "\($0.oldRule ?? "-") -> \($0.newRule ?? "-")" } == ["vip -> line"])
        #expect(reordered.reroutes)
    }

    /// The edit most often made, the catch-all's destination, on a large rule set: its
    /// region is what 3,000 rules before it leave, found ExoPhone by ExoPhone within the
    /// bound (cut by every rule in turn, it ran past it), said by what holds for all of it,
    /// and its call is decided by the catch-all in both versions.
    @Test func aCatchAllsChangeOnALargeRuleSet() throws {
        func agent(_ index: Int) -> Destination {
            Destination(type: .user, contact: .number(PhoneNumber(value: 919_876_500_000 + UInt64(index))), agent: "agent\(index)")
        }
        func ruleSet(catchAll: Int, ringing: Int) -> RuleSet {
            var rules = (0..<3_000).map { index in
                var dial = Dial(destinations: [agent(index % 50)], strategy: .hunt)
                if index == 7 { dial.branches[0].steps[0].options.ringing = ringing }
                return Rule(name: "rule-\(index)",
                            conditions: Conditions(caller: index % 2 == 0 ? .atom(.prefix("9199\(1000 + index)")) : nil,
                                                   exophone: .atom(.number(PhoneNumber(value: 918_047_100_000 + UInt64(index))))),
                            dial: dial)
            }
            rules.append(Rule(name: "everyone-else", conditions: Conditions(), dial: Dial(destinations: [agent(catchAll)], strategy: .hunt)))
            return RuleSet(name: "support", timeZone: "Asia/Kolkata", clockTimeZone: "Asia/Kolkata", country: .india, lists: [], calendars: [],
                           skills: [:], rules: rules)
        }
        let old = ruleSet(catchAll: 0, ringing: 20), new = ruleSet(catchAll: 1, ringing: 25)
        let diff = try RuleSetDiff(old: old, new: new)
        #expect(diff.regions.map { "\($0.oldRule ?? "-") -> \($0.newRule ?? "-")" } == ["rule-7 -> rule-7", "everyone-else -> everyone-else"])
        let catchAll = try #require(diff.regions.last)
        #expect(catchAll.words.hasPrefix("calls no rule before `everyone-else` takes"), "\(catchAll.words)")
        let example = try #require(catchAll.example)
        let now: Int64 = 1_795_000_000
        let before = Self.answer(try DecisionTable(ruleSet: old), example.query, now: now)
        let after = Self.answer(try DecisionTable(ruleSet: new), example.query, now: now)
        #expect(before.rule == "everyone-else" && after.rule == "everyone-else" && before.answers != after.answers)
    }
}

