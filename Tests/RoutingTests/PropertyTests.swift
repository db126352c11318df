import ConnectProtocol
import Foundation
@testable import Routing
import Testing

/// The decision table must answer exactly what the reference evaluator answers, byte for
/// byte, on random rule sets and requests. Quick by default; set
/// `RINGPLAN_PROPERTY_RULESETS=5000` for a long run, `RINGPLAN_PROPERTY_SEED` to replay.
@Suite struct PropertyTests {
    static let environment = ProcessInfo.processInfo.environment
    static let ruleSets = Int(environment["RINGPLAN_PROPERTY_RULESETS"] ?? "") ?? 150
    static let requestsPerRuleSet = 60
    static let baseSeed = UInt64(environment["RINGPLAN_PROPERTY_SEED"] ?? "") ?? 20_261_126

    @Test func tableAgreesWithReference() throws {
        var failures = 0
        for index in 0..<Self.ruleSets {
            let seed = Self.baseSeed &+ UInt64(index)
            var generator = RuleSetGenerator(random: SeededRandom(seed: seed), largeRuleSets: true)
            let ruleSet = generator.ruleSet()
            // Half the tables give up the walk without the caller's row after one word, so
            // that the full walk after it is exercised too.
            let table = try DecisionTable(ruleSet: ruleSet, speculativeWords: index % 2 == 0 ? DecisionTable.speculativeWords : 1)
            let reference = ReferenceEvaluator(ruleSet: ruleSet)
            for _ in 0..<Self.requestsPerRuleSet {
                let query = generator.query(for: ruleSet)
                let now = Int64(1_780_000_000 + generator.random.int(0...40_000_000))
                let request = ConnectRequest(query: query)
                let version = generator.random.pick(ConnectVersion.allCases)
                var fastFacts = table.reader.facts(for: request, now: now)
                var plainFacts = reference.facts(for: request, now: Date(timeIntervalSince1970: TimeInterval(now)))
                let agents = AgentKnowledge(generator.agentState(for: ruleSet, caller: fastFacts.caller), now: now)
                fastFacts.agents = agents
                plainFacts.agents = agents
                let fast = table.outcome(for: fastFacts, version: version)
                let plain = reference.outcome(for: plainFacts, version: version)
                if fastFacts != plainFacts || fast != plain {
                    failures += 1
                    Issue.record("""
                        disagreement; replay with RINGPLAN_PROPERTY_SEED=\(seed) RINGPLAN_PROPERTY_RULESETS=1
                        zone \(ruleSet.timeZone), clock \(ruleSet.clockTimeZone), query \(query), now \(now)
                        facts: table \(fastFacts.moment) \(fastFacts.timeSource), reference \(plainFacts.moment) \(plainFacts.timeSource)
                        table: \(describe(fast)), reference: \(describe(plain))
                        """)
                    if failures > 5 { return }
                }
            }
        }
    }

    func describe(_ outcome: Outcome) -> String {
        switch outcome {
        case .answer(let rule, let attempt, let body): return "rule \(rule) attempt \(attempt) \(String(decoding: body, as: UTF8.self))"
        case .nobody(let cause, let body): return "nobody (\(cause)) \(String(decoding: body, as: UTF8.self))"
        case .noMatch: return "no match"
        case .huntExhausted(let rule): return "rule \(rule) exhausted"
        case .noDestination(let rule): return "rule \(rule) has no destination"
        }
    }

    /// Every local minute of DST days in several zones converts as Foundation converts it.
    @Test(arguments: ["America/New_York", "Europe/London", "Australia/Sydney", "Asia/Kolkata", "America/Sao_Paulo", "Asia/Kathmandu"])
    func zoneRulesMatchFoundation(_ identifier: String) throws {
        let rules = try #require(ZoneRules(identifier: identifier))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: identifier)!
        for date in RuleSetGenerator.interestingDates + [LocalDate(year: 2030, month: 3, day: 31), LocalDate(year: 1999, month: 10, day: 31)] {
            for minute in stride(from: 0, to: 1440, by: 15) {
                let wall = WallClockTime(year: date.year, month: date.month, day: date.day, hour: minute / 60, minute: minute % 60, second: 0)
                let expected = calendar.date(from: DateComponents(year: wall.year, month: wall.month, day: wall.day, hour: wall.hour, minute: wall.minute))!
                #expect(rules.utc(fromLocal: wall.secondsSinceEpochAsUTC) == Int64(expected.timeIntervalSince1970), "\(identifier) \(wall)")
                let utc = Int64(expected.timeIntervalSince1970)
                #expect(rules.offset(atUTC: utc) == Int64(calendar.timeZone.secondsFromGMT(for: expected)), "\(identifier) \(wall)")
            }
        }
    }
}

/// The coverage analysis on random rule sets: every example behaves as claimed on the
/// reference evaluator, and shadowed rules decide none of many random requests.
@Suite struct CoveragePropertyTests {
    @Test func findingsHoldOnTheReferenceEvaluator() throws {
        for index in 0..<120 {
            let seed = PropertyTests.baseSeed &+ 7_000 &+ UInt64(index)
            var generator = RuleSetGenerator(random: SeededRandom(seed: seed))
            let ruleSet = generator.ruleSet()
            let table = try DecisionTable(ruleSet: ruleSet)
            let reference = ReferenceEvaluator(ruleSet: ruleSet)
            guard let findings = CoverageAnalysis(table: table).run() else { continue }
            func decide(_ query: String) -> Int? {
                reference.decide(reference.facts(for: ConnectRequest(query: query), now: Date(timeIntervalSince1970: 0)))
            }
            var shadowed = Set<Int>()
            for finding in findings {
                switch finding {
                case .gap(let example):
                    #expect(decide(example.query) == nil, "seed \(seed): gap example \(example.query) is decided")
                case .partlyShadowed(let rule, let taker, let example):
                    #expect(decide(example.query) == taker, "seed \(seed): rule \(rule)'s example \(example.query) not taken by \(taker)")
                case .shadowed(let rule, _):
                    shadowed.insert(rule)
                case .lookupGap(let rule, _, let example):
                    // The reference evaluator, reading the example on its own, finds no one to dial.
                    let facts = reference.facts(for: ConnectRequest(query: example.query), now: Date(timeIntervalSince1970: 0))
                    #expect(reference.decide(facts) == rule, "seed \(seed): lookup gap example \(example.query) not decided by rule \(rule)")
                    if case .nobody(.noDestination(rule), _) = reference.outcome(for: facts, version: .v1_0) {} else if case .noDestination(rule) = reference.outcome(for: facts, version: .v1_0) {} else {
                        Issue.record("seed \(seed): lookup gap example \(example.query) of rule \(rule) dials someone")
                    }
                }
            }
            for _ in 0..<200 {
                let query = generator.query(for: ruleSet)
                if let rule = decide(query) {
                    #expect(!shadowed.contains(rule), "seed \(seed): shadowed rule \(rule) decided \(query)")
                }
            }
        }
    }
}
