import ConnectProtocol
import Foundation
@testable import Routing
@testable import RuleCompiler
import Testing

@Suite struct WeekViewTests {
    static let rules = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("rules")

    static func view(_ name: String, from: LocalDate, days: Int) throws -> WeekView {
        let result = try Workspace.check(paths: [rules.appendingPathComponent(name + ".yaml").path], analyze: false)
        let ruleSet = try #require(result.ruleSets.first { $0.name == name })
        return try WeekView(table: try DecisionTable(ruleSet: ruleSet), from: from, days: days)
    }

    /// The view of a rule set given as text (written to a file of its own, which goes).
    static func view(ofRuleSet text: String, from: LocalDate, days: Int) throws -> WeekView {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ringplan-week-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("desk.yaml").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let result = try Workspace.check(paths: [path], analyze: false)
        let ruleSet = try #require(result.ruleSets.first, "\(result.diagnostics.all.map(\.message))")
        return try WeekView(table: try DecisionTable(ruleSet: ruleSet), from: from, days: days)
    }

    /// The kinds are named from the conditions, and each cell is what the reference
    /// evaluator decides for a call of that kind at that quarter-hour.
    @Test func eachCellIsTheReferenceEvaluatorsDecision() throws {
        let view = try Self.view("support", from: LocalDate(year: 2026, month: 12, day: 21), days: 7)
        #expect(view.kinds.map(\.name) == ["callers in `blocked`", "callers in `vip`", "other callers, on +918047112345, skill `support`", "all other calls"])
        #expect(view.rules.map(\.name) == ["blocked", "vip", "after-hours", "support-line", "everyone-else"])
        #expect(view.rules.map(\.dials) == ["nobody", "hunt priya, rahul", "+918047119999", "ring asha, vikram, priya at once", "hunt priya, rahul"])
        #expect(view.days.map(\.weekday) == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
        let result = try Workspace.check(paths: [Self.rules.appendingPathComponent("support.yaml").path], analyze: false)
        let reference = ReferenceEvaluator(ruleSet: try #require(result.ruleSets.first { $0.name == "support" }))
        // A call of each kind: a blocked caller, a VIP, another caller on the support line
        // pressing 2 (support), another caller on another ExoPhone.
        let calls = ["CallFrom=%2B919999900000&CallTo=%2B918047112345", "CallFrom=%2B919845012345&CallTo=%2B918047112345",
                     "CallFrom=%2B919811122233&CallTo=%2B918047112345&digits=%222%22", "CallFrom=%2B919811122233&CallTo=%2B918047100000"]
        var compared = 0
        for (kind, call) in zip(view.kinds, calls) {
            for (dayNumber, day) in view.days.enumerated() {
                for slot in stride(from: 0, to: WeekView.slotsPerDay, by: 5) {
                    let time = "\(day.date)+\(WeekViewRenderer.clock(slot).replacingOccurrences(of: ":", with: "%3A"))%3A00"
                    let facts = reference.facts(for: ConnectRequest(query: call + "&CurrentTime=" + time), now: Date())
                    #expect(kind.cells[dayNumber * WeekView.slotsPerDay + slot] == reference.decide(facts), "\(kind.name) at \(day.date) \(slot)")
                    compared += 1
                }
            }
        }
        #expect(compared == 4 * 7 * 20)
        // The support line's Monday: after hours, then support 09:30-13:00 and 14:00-18:30.
        let names = Dictionary(uniqueKeysWithValues: view.rules.map { ($0.index, $0.name) })
        let line = view.kinds[2].cells[0..<96].map { cell in cell.flatMap { names[$0] } ?? "-" }
        #expect(line[37] == "after-hours" && line[38] == "support-line" && line[51] == "support-line" && line[52] == "after-hours" && line[56] == "support-line" && line[74] == "after-hours")
    }

    @Test func specialDaysAndLimits() throws {
        // 2026-01-26 is a holiday of `holidays`, which `business_hours` excepts.
        let view = try Self.view("support", from: LocalDate(year: 2026, month: 1, day: 25), days: 3)
        #expect(view.days.map(\.notes) == [[], ["listed in `holidays`"], []])
        #expect(throws: WeekView.Failure.badDays(0)) { try Self.view("support", from: LocalDate(year: 2026, month: 1, day: 25), days: 0) }
        // A clock change: New York's on 2027-03-14 (02:00 becomes 03:00).
        let zone = try #require(ZoneRules(identifier: "America/New_York"))
        let ruleSet = try #require(try Workspace.check(paths: [Self.rules.appendingPathComponent("support.yaml").path], analyze: false).ruleSets.first)
        let day = LocalMoment(date: LocalDate(year: 2027, month: 3, day: 14), minute: 0).day
        #expect(WeekView.day(day, ruleSet: ruleSet, zone: zone, clocks: ZoneClocks(ruleSet: ruleSet)).notes == ["clock change: UTC-5 to UTC-4"])
        #expect(WeekView.day(day - 1, ruleSet: ruleSet, zone: zone, clocks: ZoneClocks(ruleSet: ruleSet)).notes == [])
    }

    /// The days `examples/hours/` treats apart: listed dates and ranges, nth weekdays,
    /// iCalendar events, `on` hours (Dubai's read in Dubai, so its closed 2nd reaches into
    /// India's 3rd); weekly hours running past midnight are no special day.
    @Test func theExampleHoursSpecialDays() throws {
        let path = Self.rules.deletingLastPathComponent().appendingPathComponent("examples/hours/hours.yaml").path
        let result = try Workspace.check(paths: [path], analyze: false)
        let table = try DecisionTable(ruleSet: try #require(result.ruleSets.first))
        let late = try WeekView(table: table, from: LocalDate(year: 2026, month: 11, day: 26), days: 8)
        #expect(late.days.map(\.notes) == [["`bank_holidays`: during Offsite (afternoon), holidays.ics:17"], [], ["`bank_holidays`: the 4th Saturday of the month"],
                                            [], [], [], ["closed in `dubai` (`on`)"], ["closed in `dubai` (`on`)"]])
        let newYear = try WeekView(table: table, from: LocalDate(year: 2026, month: 12, day: 31), days: 3)
        #expect(newYear.days.map(\.notes) == [["listed in `bank_holidays`"], ["listed in `bank_holidays`"], ["`bengaluru` open only 10:00-12:00 (`on`)"]])
    }

    /// Rows named from conditions of every shape: a negated list, a prefix, any of several
    /// ExoPhones, a direction.
    @Test func kindsAreNamedFromTheirConditions() throws {
        let view = try Self.view(ofRuleSet: """
            ringplan: 1
            timezone: Asia/Kolkata
            agents:
              asha: "+919876500001"
            lists:
              blocked: ["+919999900000"]
            rules:
              - name: outbound
                when: { direction: outbound-dial }
                dial: asha
              - name: regulars
                when: { caller: { not: blocked }, exophone: ["+918047100001", "+918047100002"] }
                dial: asha
              - name: bengaluru
                when: { caller: "+9180*" }
                dial: asha
              - name: rest
                dial: nobody
            """, from: LocalDate(year: 2027, month: 1, day: 4), days: 1)
        #expect(view.kinds.map(\.name) == [
            "direction outbound-dial",
            "callers not in `blocked`, on +918047100001 or +918047100002, other directions",
            "callers not in `blocked` and +9180…, on other ExoPhones, other directions",
            "all other calls",
        ], "\(view.kinds.map(\.name))")
    }

    /// A calendar kept in another zone is read in it: its dates, and its clock changes.
    @Test func calendarsInOtherZones() throws {
        let view = try Self.view(ofRuleSet: """
            ringplan: 1
            timezone: Asia/Kolkata
            agents:
              sam: "+12025550123"
            calendars:
              new_york:
                timezone: America/New_York
                weekly:
                  mon-fri: "09:00-17:00"
                except: [2027-03-15]
            rules:
              - name: us-desk
                when:
                  time: new_york
                dial: sam
            """, from: LocalDate(year: 2027, month: 3, day: 13), days: 4)
        // 2027-03-14: New York's clocks go forward; 2027-03-15 there starts at 09:30 in India
        // (10:30 before the change), so India's 15th and 16th both hold part of it.
        #expect(view.days.map(\.notes) == [[], ["clock change in America/New_York: UTC-5 to UTC-4"],
                                            ["closed in `new_york`"], ["closed in `new_york`"]])
        #expect(view.kinds.count == 1 && view.kinds[0].name == "every call")
    }
}
