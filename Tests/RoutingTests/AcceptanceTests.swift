import ConnectProtocol
import Foundation
import Routing
import RuleCompiler
import Testing

/// The acceptance examples of the decision-table issue, on the example rules in `rules/`,
/// through the table and through the reference evaluator.
@Suite struct AcceptanceTests {
    static let rulesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("rules").path

    static let support: RuleSet = {
        let result = try! Workspace.check(paths: [rulesDirectory])
        return result.ruleSets.first { $0.name == "support" }!
    }()
    static let table = try! DecisionTable(ruleSet: support)
    static let reference = ReferenceEvaluator(ruleSet: support)
    /// A server clock far from every example, to prove CurrentTime is used.
    static let now: Int64 = 1_700_000_000

    struct Answer {
        let rule: String
        let json: [String: Any]
    }

    func answer(_ query: String, version: String? = nil) throws -> Answer {
        let outcome = Self.table.outcome(query: query, versionHeader: version, now: Self.now)
        let negotiated = ConnectVersion.negotiate(header: version).version
        let expected = Self.reference.outcome(for: ConnectRequest(query: query), version: negotiated,
                                              now: Date(timeIntervalSince1970: TimeInterval(Self.now)))
        #expect(outcome == expected, "table and reference disagree")
        guard case .answer(let rule, _, let body) = outcome else {
            Issue.record("no answer: \(outcome)")
            throw CancellationError()
        }
        let json = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        return Answer(rule: Self.support.rules[rule].name, json: json)
    }

    func destinations(_ json: [String: Any], key: String = "device_contact_uri") -> [String] {
        (json["destination"] as? [[String: String]] ?? []).compactMap { $0[key] }
    }

    @Test func vipCallerHuntsPriyaFirst() throws {
        let a = try answer("CallSid=a1&CallFrom=09845012345&CallTo=08047112345&CurrentTime=2026-11-25+10:15:00&digits=%222%22")
        #expect(a.rule == "vip")
        #expect(a.json["destination_type"] as? String == "user")
        #expect(destinations(a.json) == ["+919876500001"])
        #expect(a.json["fetch_after_attempt"] as? Bool == true)
        #expect(a.json["max_ringing_duration"] as? Int == 20)
        #expect(a.json["max_conversation_duration"] as? Int == 1800)
        #expect(a.json["record"] as? Bool == true)
        #expect(a.json["recording_channels"] as? String == "dual")
        #expect((a.json["music_on_hold"] as? [String: String])?["type"] == "operator_tone")
        #expect(a.json["outgoing_phone_number"] as? String == "+918047115000")
    }

    @Test func vipHuntMovesOnAfterDialWhomNumber() throws {
        let a = try answer("CallSid=a1&CallFrom=09845012345&CallTo=08047112345&CurrentTime=2026-11-25+10:15:00&digits=%222%22&DialWhomNumber=09876500001&DialCallStatus=no-answer")
        #expect(a.rule == "vip")
        #expect(destinations(a.json) == ["+919876500002"])
        #expect(a.json["fetch_after_attempt"] as? Bool == false)
    }

    @Test func vipHuntIsExhaustedAfterTheLast() {
        let query = "CallSid=a1&CallFrom=09845012345&CallTo=08047112345&CurrentTime=2026-11-25+10:15:00&DialWhomNumber=09876500002"
        let outcome = Self.table.outcome(query: query, versionHeader: nil, now: Self.now)
        guard case .nobody(.huntExhausted(rule: 1), let body) = outcome else {
            Issue.record("expected the empty answer of an exhausted hunt, got \(outcome)")
            return
        }
        #expect(String(decoding: body, as: UTF8.self) == #"{"fetch_after_attempt":false,"destination_type":"user","destination":[]}"#)
    }

    @Test func eveningIsAfterHours() throws {
        let a = try answer("CallFrom=09900000001&CallTo=08047112345&CurrentTime=2026-11-25+21:00:00")
        #expect(a.rule == "after-hours")
        #expect(a.json["destination_type"] as? String == "external_number")
        #expect(destinations(a.json) == ["+918047119999"])
        let playback = a.json["start_call_playback"] as? [String: String]
        #expect(playback?["type"] == "text")
        #expect(playback?["value"] == "After-hours call to the support line.")
    }

    @Test func supportSkillRingsTheTeamInParallel() throws {
        let a = try answer("CallFrom=09900000001&CallTo=08047112345&CurrentTime=2026-11-25+11:00:00&digits=%222%22")
        #expect(a.rule == "support-line")
        #expect(destinations(a.json) == ["+919876500003", "sip:vikram4c2e", "+919876500001"])
        let parallel = a.json["parallel_ringing"] as? [String: Any]
        #expect(parallel?["activate"] as? Bool == true)
        #expect(parallel?["max_parallel_attempts"] as? Int == 3)
        #expect(a.json["fetch_after_attempt"] == nil)
    }

    @Test func republicDayIsAHoliday() throws {
        #expect(try answer("CallFrom=09900000001&CallTo=08047110000&CurrentTime=2026-01-26+11:00:00").rule == "after-hours")
    }

    @Test func saturdayHoursGoToSales() throws {
        let a = try answer("CallFrom=09900000001&CallTo=08047110000&CurrentTime=2026-11-28+12:00:00")
        #expect(a.rule == "everyone-else")
        #expect(destinations(a.json) == ["+919876500001"])
        #expect(a.json["fetch_after_attempt"] as? Bool == true)
    }

    @Test func lunchGapIsAfterHours() throws {
        #expect(try answer("CallFrom=09900000001&CallTo=08047110000&CurrentTime=2026-11-25+13:30:00").rule == "after-hours")
    }

    @Test func version11UsesContactURI() throws {
        let a = try answer("CallFrom=09900000001&CallTo=08047110000&CurrentTime=2026-11-28+12:00:00", version: "1.1")
        #expect(a.rule == "everyone-else")
        #expect(destinations(a.json, key: "contact_uri") == ["+919876500001"])
        #expect(destinations(a.json, key: "device_contact_uri").isEmpty)
    }

    @Test func explanationSaysWhyEarlierRulesFailed() {
        let facts = Self.reference.facts(for: ConnectRequest(query: "CallFrom=09900000001&CallTo=08047110000&CurrentTime=2026-01-26+11:00:00"),
                                         now: Date(timeIntervalSince1970: 0))
        let explanation = Self.reference.explain(facts)
        #expect(explanation.rule == "after-hours")
        #expect(explanation.steps.first?.reason == "caller +919900000001 is not in list `blocked`")
        #expect(explanation.steps[1].reason == "caller +919900000001 is not in list `vip`")
        #expect(explanation.steps[2].matched)
        #expect(explanation.facts.timeSource == "currentTime")
        let lunch = Self.reference.explain(Self.reference.facts(
            for: ConnectRequest(query: "CallFrom=09845012345&CallTo=08047110000&CurrentTime=2026-01-26+11:00:00"), now: Date()))
        #expect(lunch.rule == "vip")
        let holiday = Self.reference.explain(Self.reference.facts(
            for: ConnectRequest(query: "CallFrom=09900000001&CallTo=08047110000&CurrentTime=2026-11-25+11:00:00"), now: Date()))
        #expect(holiday.steps[2].reason == "11:00 Wednesday 2026-11-25 is within the hours of calendar `business_hours`")
        #expect(holiday.steps[3].reason == "exophone +918047110000 is not +918047112345")
    }

    @Test func digitsNoKeypadHasSelectNoSkill() throws {
        let query = "CallFrom=09900000001&CallTo=08047112345&CurrentTime=2026-11-25+11:00:00&digits=%222a%22"
        let table = try answer(query)
        #expect(table.rule == "everyone-else", "not support-line: `2a` is not skill `support`")
        let explanation = Self.reference.explain(Self.reference.facts(for: ConnectRequest(query: query), now: Date()))
        #expect(explanation.rule == "everyone-else")
        #expect(explanation.facts.digits == "(not keypad presses)")
        #expect(explanation.steps[3].reason == "digits are not keypad presses, so there is no skill `support`")
        let pressed = Self.reference.explain(Self.reference.facts(for: ConnectRequest(query: query.replacingOccurrences(of: "2a", with: "2")), now: Date()))
        #expect(pressed.rule == "support-line")
        #expect(pressed.facts.digits == "2" && pressed.facts.skill == "support")
    }

    @Test func holidayExplanationNamesTheExcept() {
        // `time: { not: business_hours }` holds on a holiday; the reason of the calendar says why.
        let rules = Self.support.rules
        let index = rules.firstIndex { $0.name == "after-hours" }!
        var trimmed = Self.support
        trimmed.rules = [Rule(name: "open", conditions: Conditions(time: .atom(.calendar(Self.support.calendars.firstIndex { $0.name == "business_hours" }!))),
                              dial: rules[index].dial)]
        let evaluator = ReferenceEvaluator(ruleSet: trimmed)
        let explanation = evaluator.explain(evaluator.facts(for: ConnectRequest(query: "CurrentTime=2026-01-26+11:00:00"), now: Date()))
        #expect(explanation.steps.first?.reason == "11:00 Monday 2026-01-26 is in calendar `holidays`, excluded from `business_hours`")
    }

    @Test func serverClockIsUsedWithoutCurrentTime() {
        // 2023-11-14 22:13:20 UTC is 03:43 on Wednesday 15 November in India: after hours.
        let outcome = Self.table.outcome(query: "CallFrom=09900000001&CallTo=08047110000", versionHeader: nil, now: Self.now)
        #expect(outcome.rule.map { Self.support.rules[$0].name } == "after-hours")
        let facts = Self.table.reader.facts(for: ConnectRequest(query: "CallFrom=09900000001&CurrentTime=garbage"), now: Self.now)
        #expect(facts.timeSource == .serverClock)
        #expect(facts.moment.description == "03:43 Wednesday 2023-11-15")
    }
}

/// Requests the fuzzers found, each kept as it was found.
@Suite struct FuzzFindingTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/Corpus/requests")

    /// Every rule set of `rules/` (plans, a lookup and a split among them).
    static let ruleSets: [(table: DecisionTable, reference: ReferenceEvaluator)] = {
        try! Workspace.check(paths: [AcceptanceTests.rulesDirectory]).ruleSets.map { (try! DecisionTable(ruleSet: $0), ReferenceEvaluator(ruleSet: $0)) }
    }()

    /// Every request of the fuzz corpus (findings included), read as the fuzz target reads
    /// it, on every example rule set: both evaluators read the same facts and answer the
    /// same bytes. (A CallSid that decodes to bytes no UTF-8 text holds gave the two
    /// different split keys: the table hashed the bytes, the reference its repaired String.)
    @Test func corpusRequestsAgree() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path).sorted()
        #expect(names.count >= 6)
        #expect(Self.ruleSets.count >= 2)
        for name in names {
          for (table, reference) in Self.ruleSets {
            let bytes = try Data(contentsOf: Self.corpus.appendingPathComponent(name))
            let text = String(decoding: bytes, as: UTF8.self)
            let lines = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
            let (header, query) = lines.count == 2 ? (String(lines[0]), lines[1]) : (nil, text[...])
            let request = ConnectRequest(query: query)
            let version = ConnectVersion.negotiate(header: header).version
            let now = AcceptanceTests.now
            let facts = table.reader.facts(for: request, now: now)
            let plain = reference.facts(for: request, now: Date(timeIntervalSince1970: TimeInterval(now)))
            #expect(facts == plain, "\(name) on \(table.ruleSet.name)")
            #expect(table.outcome(for: facts, version: version) == reference.outcome(for: plain, version: version),
                    "\(name) on \(table.ruleSet.name)")
          }
        }
    }

    /// A `CurrentTime` in 1013 crashed the reference evaluator (`eval --explain`): its
    /// Foundation calendar is Julian before 1582. Such a time is now unreadable, and the
    /// server clock decides, in both evaluators.
    @Test func ancientCurrentTimeFallsBackToTheServerClock() throws {
        let query = "CkllFrom=1800-iecrtion=outboudn-dial&CurrentTime=1013-01-26+11:00:00"
        let facts = AcceptanceTests.table.reader.facts(for: ConnectRequest(query: query), now: AcceptanceTests.now)
        let plain = AcceptanceTests.reference.facts(for: ConnectRequest(query: query), now: Date(timeIntervalSince1970: TimeInterval(AcceptanceTests.now)))
        #expect(facts == plain)
        #expect(facts.timeSource == .serverClock)
    }
}
