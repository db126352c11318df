import ConnectProtocol
import Foundation
@testable import Routing
import Testing

/// Calendar forms through the decision table, each moment checked against the reference
/// evaluator and, where it says why, its explanation.
@Suite struct CalendarTests {
    /// A rule set whose first rule holds while calendar 0 is open.
    static func ruleSet(_ calendars: [RuleCalendar], zone: String = "Asia/Kolkata") -> RuleSet {
        let agent = Destination(type: .user, contact: .number(PhoneNumber(uncheckedDigits: "919876500001"[...])), agent: "a")
        let dial = Dial(branches: [Branch(weight: 1, steps: [Step(targets: [.destination(agent)], strategy: .hunt, options: AnswerOptions())])],
                        splitBy: .caller)
        return RuleSet(name: "calendars", timeZone: zone, clockTimeZone: zone, country: .india, lists: [], calendars: calendars,
                       tables: [], skills: [:], rules: [Rule(name: "open", conditions: Conditions(time: .atom(.calendar(0))), dial: dial)])
    }

    static func calendar(_ name: String = "c", zone: String? = nil, always: Bool = false, dates: Set<LocalDate> = [],
                         yearly: Set<MonthDay> = [], monthly: Set<MonthlyDay> = [], weekly: [WeeklyWindow] = [],
                         special: [LocalDate: [WeeklyWindow]] = [:], timed: [LocalDate: [Range<Int>]] = [:],
                         except: [Int] = [], exceptDates: Set<LocalDate> = []) -> RuleCalendar {
        RuleCalendar(name: name, timeZone: zone, always: always, dates: dates, yearly: yearly, monthly: monthly, weekly: weekly,
                     special: special, timed: timed, exceptCalendars: except, exceptDates: exceptDates)
    }

    static func date(_ text: String) -> LocalDate {
        let parts = text.split(separator: "-").map { Int($0)! }
        return LocalDate(year: parts[0], month: parts[1], day: parts[2])
    }

    /// "2026-11-14 11:00" as a moment of the rule set's zone.
    static func moment(_ text: String) -> LocalMoment {
        let halves = text.split(separator: " ")
        let clock = halves[1].split(separator: ":").map { Int($0)! }
        return LocalMoment(date: date(String(halves[0])), minute: clock[0] * 60 + clock[1])
    }

    static func window(_ day: Weekday, _ from: String, _ to: String) -> WeeklyWindow {
        func minutes(_ text: String) -> Int { let parts = text.split(separator: ":").map { Int($0)! }; return parts[0] * 60 + parts[1] }
        return WeeklyWindow(day: day, start: minutes(from), end: minutes(to) == 0 ? 1440 : minutes(to))
    }

    static let weekdays: [Weekday] = [.monday, .tuesday, .wednesday, .thursday, .friday]

    /// Whether the rule set's calendar 0 is open at each moment, by the table, which must
    /// agree with the reference evaluator; returns the reference's reasons.
    @discardableResult
    static func expectOpen(_ ruleSet: RuleSet, _ expected: [String: Bool], sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: String] {
        let table = try DecisionTable(ruleSet: ruleSet)
        let reference = ReferenceEvaluator(ruleSet: ruleSet)
        var reasons: [String: String] = [:]
        for (text, open) in expected {
            let facts = CallFacts(caller: nil, exophone: nil, moment: moment(text), timeSource: .currentTime, digits: nil, direction: nil, dialWhom: nil)
            #expect((table.decide(facts) == 0) == open, "table at \(text)", sourceLocation: sourceLocation)
            #expect((reference.decide(facts) == 0) == open, "reference at \(text)", sourceLocation: sourceLocation)
            reasons[text] = reference.explain(facts).steps.first?.reason
        }
        return reasons
    }

    @Test func monthlyDays() throws {
        let rules = Self.ruleSet([
            Self.calendar(monthly: [MonthlyDay(ordinal: 2, weekday: .saturday), MonthlyDay(ordinal: MonthlyDay.last, weekday: .friday)]),
        ])
        try Self.expectOpen(rules, [
            "2026-11-14 00:00": true, "2026-11-14 23:59": true, "2026-11-07 12:00": false, "2026-11-21 12:00": false,
            "2026-11-27 12:00": true, "2026-11-20 12:00": false, "2027-01-29 09:00": true, "2027-01-22 09:00": false,
            // A 5th Friday is the last one; a month of four Fridays ends on its 4th.
            "2027-04-30 09:00": true, "2027-02-26 09:00": true,
        ])
    }

    @Test func yearlyDaysAndLeapDays() throws {
        let rules = Self.ruleSet([Self.calendar(yearly: [MonthDay(month: 8, day: 15), MonthDay(month: 2, day: 29)])])
        try Self.expectOpen(rules, [
            "2026-08-15 10:00": true, "2031-08-15 23:59": true, "2199-08-15 00:00": true, "2026-08-16 00:00": false,
            "2028-02-29 12:00": true, "2027-03-01 12:00": false, "2027-02-28 12:00": false,
        ])
    }

    /// `on` replaces the windows that open on its date; a window from the evening before
    /// still runs into it.
    @Test func specialHours() throws {
        let weekly = Self.weekdays.map { Self.window($0, "09:30", "18:30") } + [Self.window(.friday, "22:00", "02:00")]
        let rules = Self.ruleSet([Self.calendar(weekly: weekly, special: [
            Self.date("2026-12-31"): [Self.window(.thursday, "09:30", "14:00")],
            Self.date("2027-01-01"): [],
            Self.date("2027-01-02"): [],
            Self.date("2027-01-04"): [Self.window(.monday, "22:00", "01:00")],
        ])])
        let reasons = try Self.expectOpen(rules, [
            "2026-12-31 13:59": true, "2026-12-31 14:00": false, "2026-12-30 17:00": true,
            "2027-01-01 10:00": false, "2027-01-01 23:00": false,
            // Friday 2027-01-08 22:00-02:00 as usual; the Saturday 2027-01-02 is closed, but no
            // Friday window opened on the closed 2027-01-01.
            "2027-01-09 01:00": true, "2027-01-02 01:00": false,
            "2027-01-04 10:00": false, "2027-01-04 22:30": true, "2027-01-05 00:30": true, "2027-01-05 01:00": false,
        ])
        #expect(reasons["2026-12-31 13:59"] == "13:59 Thursday 2026-12-31 is in calendar `c`: within its hours 09:30-14:00 on 2026-12-31")
        #expect(reasons["2027-01-05 00:30"] == "00:30 Tuesday 2027-01-05 is in calendar `c`: within its hours 22:00-01:00 of the day before")
    }

    /// The example: a Dubai team's hours inside a rule set read in India time, closed
    /// on India's bank holidays (2nd Saturday) at the same instant.
    @Test func calendarInItsOwnZone() throws {
        let rules = Self.ruleSet([
            Self.calendar("business_hours", zone: "Asia/Dubai",
                          weekly: Self.weekdays.map { Self.window($0, "09:30", "18:30") } + [Self.window(.saturday, "09:30", "12:00")],
                          except: [1]),
            Self.calendar("bank_holidays", monthly: [MonthlyDay(ordinal: 2, weekday: .saturday)]),
        ])
        let reasons = try Self.expectOpen(rules, [
            "2026-11-25 10:59": false, "2026-11-25 11:00": true, "2026-11-25 19:59": true, "2026-11-25 20:00": false,
            "2026-11-21 11:00": true, "2026-11-14 11:00": false, "2026-11-14 13:29": false,
        ])
        #expect(reasons["2026-11-25 11:00"] == "11:00 Wednesday 2026-11-25 (09:30 Wednesday 2026-11-25 in Asia/Dubai) is within the hours of calendar `business_hours`")
        #expect(reasons["2026-11-14 11:00"]
            == "11:00 Saturday 2026-11-14 (09:30 Saturday 2026-11-14 in Asia/Dubai) is in calendar `bank_holidays` (the 2nd Saturday of the month), excluded from `business_hours`")
    }

    /// A London team in an India rule set: the hours move by an hour with British summer
    /// time, on the day the clocks change too; and the calendar's midnight is not India's.
    @Test func daylightSavingInTheCalendarsZone() throws {
        let rules = Self.ruleSet([Self.calendar(zone: "Europe/London",
                                                weekly: Weekday.allCases.map { Self.window($0, "09:00", "17:00") },
                                                exceptDates: [Self.date("2026-12-25")])])
        try Self.expectOpen(rules, [
            "2026-01-15 14:29": false, "2026-01-15 14:30": true, "2026-01-15 22:29": true, "2026-01-15 22:30": false,
            "2026-07-15 13:29": false, "2026-07-15 13:30": true, "2026-07-15 21:29": true, "2026-07-15 21:30": false,
            // 2026-03-29: clocks go forward at 01:00 GMT (06:30 India).
            "2026-03-29 13:30": true, "2026-03-29 13:29": false,
            "2026-10-25 14:30": true, "2026-10-25 14:29": false,
            // Christmas in London starts at 05:30 India time.
            "2026-12-25 14:30": false, "2026-12-26 14:30": true, "2026-12-24 22:00": true,
        ])
    }

    /// The rule set's own zone with DST and a calendar in a zone without: days with a clock
    /// change in the rule set's zone (the repeated hour is read at its first occurrence).
    @Test func daylightSavingInTheRuleSetsZone() throws {
        let rules = Self.ruleSet([Self.calendar(zone: "Asia/Kolkata", weekly: Weekday.allCases.map { Self.window($0, "09:00", "17:00") })],
                                 zone: "Europe/London")
        try Self.expectOpen(rules, [
            "2026-01-15 03:29": false, "2026-01-15 03:30": true, "2026-01-15 11:29": true, "2026-01-15 11:30": false,
            "2026-07-15 04:29": false, "2026-07-15 04:30": true, "2026-07-15 12:30": false,
            "2026-03-29 04:30": true, "2026-03-29 04:29": false, "2026-10-25 03:30": true, "2026-10-25 03:29": false,
        ])
    }

    @Test func alwaysDatesAndTimedEvents() throws {
        try Self.expectOpen(Self.ruleSet([Self.calendar(always: true)]), ["2026-11-25 03:00": true, "2199-12-31 23:59": true])
        var calendar = Self.calendar(dates: [Self.date("2026-12-24")], timed: [Self.date("2026-12-28"): [600..<630, 1380..<1440]])
        calendar.names = [Self.date("2026-12-24"): "Christmas Eve, holidays.ics:4"]
        calendar.timedNames = [Self.date("2026-12-28"): "Offsite, holidays.ics:9"]
        let rules = Self.ruleSet([calendar])
        let reasons = try Self.expectOpen(rules, [
            "2026-12-24 00:00": true, "2026-12-25 00:00": false, "2026-12-28 09:59": false, "2026-12-28 10:00": true,
            "2026-12-28 10:30": false, "2026-12-28 23:59": true, "2026-12-29 00:00": false,
        ])
        #expect(reasons["2026-12-24 00:00"] == "00:00 Thursday 2026-12-24 is in calendar `c`: Christmas Eve, holidays.ics:4")
        #expect(reasons["2026-12-28 10:00"] == "10:00 Monday 2026-12-28 is in calendar `c`: during Offsite, holidays.ics:9")
    }

    /// Kinds of day that answer alike share their minutes: a hundred calendars of one date
    /// each make a hundred kinds of day, and the rule (on calendar 0 alone) sees none of them.
    @Test func kindsOfDayShareTheirMinutes() throws {
        let first = Self.date("2027-01-01").days
        let dated = (0..<100).map { Self.calendar("c\($0)", dates: [LocalDate(days: first + $0 * 3)]) }
        let rules = Self.ruleSet([Self.calendar(weekly: Self.weekdays.map { Self.window($0, "09:00", "18:00") })] + dated)
        let table = try DecisionTable(ruleSet: rules)
        #expect(DayClasses(ruleSet: rules, clocks: ZoneClocks(ruleSet: rules)).patterns.count == 101)
        // Working days and weekends: two distinct days of minutes, whatever the kind.
        #expect(table.time.minuteClass.count == 2 * 1440)
    }
}

extension CalendarTests {
    /// The arithmetic that finds the Nth weekday of a month (for the 400-year cycle) finds
    /// exactly the days `matches` accepts.
    @Test func monthlyDayArithmeticAgreesWithMatching() {
        for year in [2026, 2027, 2028, 2100, 2400] {
            for month in 1...12 {
                let first = LocalDate(year: year, month: month, day: 1).days
                let days = first..<(first + CivilCalendar.daysInMonth(year: year, month: month))
                for ordinal in [1, 2, 3, 4, 5, MonthlyDay.last] {
                    for weekday in Weekday.allCases {
                        let rule = MonthlyDay(ordinal: ordinal, weekday: weekday)
                        #expect(days.filter { rule.matches(LocalDate(days: $0)) } == (rule.day(year: year, month: month).map { [$0] } ?? []),
                                "\(rule) in \(year)-\(month)")
                    }
                }
            }
        }
    }
}
