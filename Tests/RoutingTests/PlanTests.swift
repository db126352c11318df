import ConnectProtocol
import Foundation
@testable import Routing
import Testing

/// Multi-step plans, lookups and weighted splits, through the decision table.
@Suite struct PlanTests {
    static func number(_ digits: String) -> PhoneNumber { PhoneNumber(uncheckedDigits: digits[...]) }
    static func agent(_ index: Int) -> Destination {
        Destination(type: .user, contact: .number(number("91987650000\(index)")), agent: "agent\(index)")
    }
    static let desk = Destination(type: .externalNumber, contact: .number(number("918047119999")), agent: nil)

    static func ruleSet(_ dial: Dial, tables: [LookupTable] = []) -> RuleSet {
        RuleSet(name: "plans", timeZone: "Asia/Kolkata", clockTimeZone: "Asia/Kolkata", country: .india, lists: [], calendars: [],
                tables: tables, skills: [:], rules: [Rule(name: "r", conditions: Conditions(), dial: dial)])
    }

    static func facts(caller: String?, callSid: UInt64? = nil, dialWhom: DialedContact? = nil) -> CallFacts {
        CallFacts(caller: caller.map(number), exophone: nil, moment: LocalMoment(localSeconds: 0), timeSource: .currentTime,
                  digits: nil, direction: nil, dialWhom: dialWhom, callSid: callSid)
    }

    static func contacts(_ outcome: Outcome) -> [String] {
        guard let body = outcome.body, let json = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              let destinations = json["destination"] as? [[String: String]] else { return [] }
        return destinations.compactMap { $0["device_contact_uri"] }
    }

    /// Over 100,000 distinct callers, each branch's share is within 1 point of its weight.
    @Test(arguments: [[70, 30], [50, 30, 20], [1, 1], [97, 2, 1]])
    func sharesFollowTheWeights(_ weights: [Int]) throws {
        let dial = Dial(branches: weights.enumerated().map { index, weight in
            Branch(weight: weight, steps: [Step(targets: [.destination(Self.agent(index + 1))], strategy: .hunt, options: AnswerOptions())])
        }, splitBy: .caller)
        let table = try DecisionTable(ruleSet: Self.ruleSet(dial))
        var counts = [Int](repeating: 0, count: weights.count)
        let callers = 100_000
        for offset in 0..<callers {
            let facts = Self.facts(caller: "9198450\(String(format: "%05d", offset))")
            let contact = try #require(Self.contacts(table.outcome(for: facts, version: .v1_0)).first)
            counts[Int(String(contact.last!))! - 1] += 1
        }
        let total = weights.reduce(0, +)
        let shares = counts.map { Double($0) * 100 / Double(callers) }
        print("split \(weights): shares \(shares.map { String(format: "%.2f", $0) }.joined(separator: " / ")) over \(callers) callers")
        for (share, weight) in zip(shares, weights) {
            #expect(abs(share - Double(weight) * 100 / Double(total)) < 1, "shares \(shares) for weights \(weights)")
        }
    }

    /// The branch depends only on the key: pinned here, so that a change of hash (which would
    /// move callers between branches on upgrade) fails a test.
    @Test func splitPointsArePinned() {
        #expect(SplitHash.point(919845012345, total: 100) == 42)
        #expect(SplitHash.point(919900000001, total: 100) == 67)
        #expect(SplitHash.point(FNV1a.hash("b3f1c0d2e4a5968778695a4b3c2d1e0f".utf8), total: 100) == 22)
        #expect(SplitHash.point(0, total: 7) < 7)
    }

    @Test func byCallerIgnoresTheCallSidAndByCallFollowsIt() throws {
        for by in SplitKey.allCases {
            let dial = Dial(branches: (1...2).map { Branch(weight: 1, steps: [Step(targets: [.destination(Self.agent($0))], strategy: .hunt, options: AnswerOptions())]) },
                            splitBy: by)
            let table = try DecisionTable(ruleSet: Self.ruleSet(dial))
            var seen = Set<[String]>()
            for sid in 0..<64 {
                seen.insert(Self.contacts(table.outcome(for: Self.facts(caller: "919845012345", callSid: FNV1a.hash("call\(sid)".utf8)), version: .v1_0)))
            }
            #expect(seen.count == (by == .caller ? 1 : 2), "\(by)")
        }
        // Without a readable caller, a split by caller draws by CallSid.
        let dial = Dial(branches: (1...2).map { Branch(weight: 1, steps: [Step(targets: [.destination(Self.agent($0))], strategy: .hunt, options: AnswerOptions())]) })
        let table = try DecisionTable(ruleSet: Self.ruleSet(dial))
        let spread = Set((0..<64).map { Self.contacts(table.outcome(for: Self.facts(caller: nil, callSid: FNV1a.hash("x\($0)".utf8)), version: .v1_0)) })
        #expect(spread.count == 2)
    }

    static let rm = LookupTable(name: "rm", key: .caller, values: [agent(1), desk],
                                numbers: [number("919845012345"), number("919845022222")], valueIndexes: [0, 1])

    /// RM (a lookup), then the team in parallel, then the desk: the attempts in order, the RM
    /// left out of the team, `fetch_after_attempt` on all but the last.
    static let plan = Dial(branches: [Branch(weight: 1, steps: [
        Step(targets: [.lookup(table: 0, otherwise: [])], strategy: .hunt, options: AnswerOptions()),
        Step(targets: [.destination(agent(1)), .destination(agent(2)), .destination(agent(3))], strategy: .parallel(maxAttempts: nil),
             options: AnswerOptions()),
        Step(targets: [.destination(desk)], strategy: .hunt, options: AnswerOptions()),
    ])])

    @Test func stepsAreWalkedInOrder() throws {
        let table = try DecisionTable(ruleSet: Self.ruleSet(Self.plan, tables: [Self.rm]))
        let customer = Self.facts(caller: "919845012345")
        #expect(table.attemptCount(rule: 0, facts: customer) == 3)
        let answers = (0..<4).map { table.outcome(rule: 0, attempt: $0, facts: customer, version: .v1_0) }
        #expect(Self.contacts(answers[0]) == ["+919876500001"])
        #expect(Self.contacts(answers[1]) == ["+919876500002", "+919876500003"])
        #expect(Self.contacts(answers[2]) == ["+918047119999"])
        #expect(String(decoding: answers[1].body!, as: UTF8.self).hasPrefix(#"{"fetch_after_attempt":true,"#))
        #expect(String(decoding: answers[2].body!, as: UTF8.self).hasPrefix(#"{"fetch_after_attempt":false,"#))
        if case .nobody(.huntExhausted(0), _) = answers[3] {} else { Issue.record("a fourth fetch: \(answers[3])") }
        // A caller not in the table skips the first step; the team then rings all three.
        let stranger = Self.facts(caller: "919900000001")
        #expect(table.attemptCount(rule: 0, facts: stranger) == 2)
        #expect(Self.contacts(table.outcome(rule: 0, attempt: 0, facts: stranger, version: .v1_0)).count == 3)
        // Without a ledger, DialWhomNumber says where the call is.
        for (dialled, next) in [(Self.agent(1), 1), (Self.agent(3), 2), (Self.desk, 3)] {
            #expect(table.attempt(rule: 0, facts: Self.facts(caller: "919845012345", dialWhom: dialled.contact.dialed)) == next)
        }
    }

    @Test func aPlanWithNothingToDialIsNoDestination() throws {
        let onlyLookup = Dial(branches: [Branch(weight: 1, steps: [Step(targets: [.lookup(table: 0, otherwise: [])], strategy: .hunt, options: AnswerOptions())])])
        for unmatched in Unmatched.allCases {
            var ruleSet = Self.ruleSet(onlyLookup, tables: [Self.rm])
            ruleSet.unmatched = unmatched
            let table = try DecisionTable(ruleSet: ruleSet)
            let outcome = table.outcome(for: Self.facts(caller: "919900000001"), version: .v1_1)
            switch (unmatched, outcome) {
            case (.nobody, .nobody(.noDestination(0), let body)): #expect(String(decoding: body, as: UTF8.self) == #"{"fetch_after_attempt":false,"destination":[]}"#)
            case (.fallback, .noDestination(0)): #expect(outcome.status == 422)
            default: Issue.record("\(unmatched): \(outcome)")
            }
            #expect(ReferenceEvaluator(ruleSet: ruleSet).outcome(for: Self.facts(caller: "919900000001"), version: .v1_1) == outcome)
        }
    }

    /// Variants are per table value, not per row, and rules that dial alike share them:
    /// a thousand customers of four managers, looked up by fifty rules, are five variants.
    @Test func variantsArePerValueAndShared() throws {
        let keys = (0..<1000).map { Self.number("9198450\(String(format: "%05d", $0))") }
        let rm = LookupTable(name: "rm", key: .caller, values: (1...4).map(Self.agent), numbers: keys, valueIndexes: keys.indices.map { Int32($0 % 4) })
        var ruleSet = Self.ruleSet(Self.plan, tables: [rm])
        let one = try DecisionTable(ruleSet: ruleSet)
        ruleSet.rules = (0..<50).map { Rule(name: "r\($0)", conditions: Conditions(skill: .atom("s\($0)")), dial: Self.plan) }
        let fifty = try DecisionTable(ruleSet: ruleSet)
        #expect(one.answers.variantCount == 5)
        #expect(fifty.answers.variantCount == 5)
        #expect(fifty.answers.encodedBytes == one.answers.encodedBytes)
    }
}
