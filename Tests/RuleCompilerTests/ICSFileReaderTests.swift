import ConnectProtocol
import Routing
import Testing
@testable import RuleCompiler

/// What an iCalendar file opens, read in a calendar's zone.
@Suite struct ICSFileReaderTests {
    static func read(_ lines: [String], zone: String = "Asia/Kolkata", separator: String = "\r\n") -> (CalendarFile, [String]) {
        var diagnostics = Diagnostics()
        let text = (["BEGIN:VCALENDAR"] + lines + ["END:VCALENDAR"]).joined(separator: separator) + separator
        let file = ICSFileReader.read(Array(text.utf8), path: "f.ics", zone: zone, diagnostics: &diagnostics)
        return (file, diagnostics.all.map { "\($0.span?.start.line ?? 0): \($0.message)" })
    }

    static func date(_ year: Int, _ month: Int, _ day: Int) -> LocalDate { LocalDate(year: year, month: month, day: day) }

    @Test func allDayEventsEndTheDayBeforeDTEND() {
        let (file, problems) = Self.read(["BEGIN:VEVENT", "DTSTART;VALUE=DATE:20261224", "DTEND;VALUE=DATE:20261227", "END:VEVENT",
                                          "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20270126", "END:VEVENT"])
        #expect(problems.isEmpty)
        #expect(file.dates == [Self.date(2026, 12, 24), Self.date(2026, 12, 25), Self.date(2026, 12, 26), Self.date(2027, 1, 26)])
        #expect(file.events == 2)
    }

    /// A timed event is read at its instant and cut at the calendar's midnights.
    @Test func timedEventsInTheirZoneCutAtMidnight() {
        let (file, problems) = Self.read(["BEGIN:VEVENT", "DTSTART:20261126T170000Z", "DTEND:20261126T200000Z", "END:VEVENT",
                                          "BEGIN:VEVENT", "DTSTART;TZID=Asia/Dubai:20261127T090000", "DURATION:PT1H30M", "END:VEVENT"])
        #expect(problems.isEmpty)
        // 17:00-20:00 UTC is 22:30-01:30 in India; 09:00-10:30 Dubai is 10:30-12:00 India.
        #expect(file.timed[Self.date(2026, 11, 26)] == [1350..<1440])
        #expect(file.timed[Self.date(2026, 11, 27)] == [0..<90, 630..<720])
    }

    @Test func recurrencesWithoutAnEndBecomeForms() {
        let (file, problems) = Self.read([
            "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20190815", "RRULE:FREQ=YEARLY", "END:VEVENT",
            "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20300112", "RRULE:FREQ=MONTHLY;BYDAY=2SA", "END:VEVENT",
            "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20300125", "RRULE:FREQ=MONTHLY;BYDAY=-1FR", "END:VEVENT",
            "BEGIN:VEVENT", "DTSTART;TZID=Asia/Kolkata:20300107T220000", "DTEND;TZID=Asia/Kolkata:20300108T010000",
            "RRULE:FREQ=WEEKLY;BYDAY=MO,WE", "END:VEVENT",
        ])
        #expect(problems.isEmpty)
        #expect(file.yearly == [MonthDay(month: 8, day: 15)])
        #expect(file.monthly == [MonthlyDay(ordinal: 2, weekday: .saturday), MonthlyDay(ordinal: MonthlyDay.last, weekday: .friday)])
        #expect(file.weekly == [WeeklyWindow(day: .monday, start: 1320, end: 60), WeeklyWindow(day: .wednesday, start: 1320, end: 60)])
    }

    @Test func boundedSeriesAreExpanded() {
        let (file, problems) = Self.read([
            "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20300101", "RRULE:FREQ=YEARLY;COUNT=3", "END:VEVENT",
            "BEGIN:VEVENT", "DTSTART:20300301T100000", "DTEND:20300301T110000", "RRULE:FREQ=DAILY;UNTIL=20300303T100000", "END:VEVENT",
            "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20300105", "RRULE:FREQ=WEEKLY;BYDAY=SA,SU;UNTIL=20300113", "END:VEVENT",
        ])
        #expect(problems.isEmpty)
        #expect(file.dates == [Self.date(2030, 1, 1), Self.date(2031, 1, 1), Self.date(2032, 1, 1),
                               Self.date(2030, 1, 5), Self.date(2030, 1, 6), Self.date(2030, 1, 12), Self.date(2030, 1, 13)])
        #expect(file.timed.keys.sorted() == [Self.date(2030, 3, 1), Self.date(2030, 3, 2), Self.date(2030, 3, 3)])
        #expect(file.timed[Self.date(2030, 3, 2)] == [600..<660])
    }

    /// Folded lines (CRLF or LF, a space or a tab), quoted parameters, alarms and time zone
    /// blocks; cancelled events are skipped.
    @Test func foldedLinesAndSkippedParts() {
        let (file, problems) = Self.read([
            "BEGIN:VTIMEZONE", "TZID:Asia/Kolkata", "BEGIN:STANDARD", "DTSTART:19700101T000000", "END:STANDARD", "END:VTIMEZONE",
            "BEGIN:VEVENT", "DTSTART;VALUE=DATE:2030", " 0515", "SUMMARY;LANGUAGE=\"en:IN\":Long", "\t summary", "BEGIN:VALARM",
            "DTSTART:20300101T000000", "END:VALARM", "END:VEVENT",
            "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20300516", "STATUS:CANCELLED", "END:VEVENT",
        ], separator: "\n")
        #expect(problems.isEmpty)
        #expect(file.dates == [Self.date(2030, 5, 15)])
    }

    @Test func whatCannotBeReadIsReportedAtItsLine() {
        let (_, problems) = Self.read([
            "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20301002", "RRULE:FREQ=YEARLY;INTERVAL=2", "END:VEVENT",
            "BEGIN:VEVENT", "DTSTART;TZID=Mars/Olympus:20301114T140000", "DTEND;TZID=Mars/Olympus:20301114T150000", "END:VEVENT",
            "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20301225", "RDATE;VALUE=DATE:20311225", "END:VEVENT",
            "BEGIN:VEVENT", "DTSTART:20301114T140000", "END:VEVENT",
            "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20301001", "DTEND:20301002T000000", "END:VEVENT",
            "no colon here",
        ])
        #expect(problems == [
            "4: `INTERVAL=2` in `RRULE` is not read, and it changes when this event happens",
            "7: unknown time zone `Mars/Olympus` in `DTSTART`",
            "12: `RDATE` is not read, and it changes when this event happens",
            "15: the event has no `DTEND` or `DURATION`, so it lasts no time",
            "19: `DTEND` is a date-time but `DTSTART` is a date",
            "21: cannot read this line as `NAME:VALUE`",
        ])
        let (_, notCalendar) = Self.read([], separator: "\n")
        #expect(notCalendar.isEmpty)
        var diagnostics = Diagnostics()
        _ = ICSFileReader.read(Array("name,value\n".utf8), path: "f.ics", zone: "UTC", diagnostics: &diagnostics)
        #expect(diagnostics.all.map(\.message) == ["the file does not start with `BEGIN:VCALENDAR`"])
    }
}
