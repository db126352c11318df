import ConnectProtocol
import Foundation
import Routing

extension Checker {
    mutating func collectCalendars() {
        var syntaxes: [(CalendarSyntax, String)] = []
        for file in files {
            for calendar in file.calendars where define(calendar.name, kind: "calendar", in: calendarSpans) {
                calendarSpans[calendar.name.value] = calendar.name.span
                calendarIndex[calendar.name.value] = syntaxes.count
                syntaxes.append((calendar, file.path))
            }
        }
        var broken = Set<Int>()
        let resolved = syntaxes.enumerated().map { index, entry in
            let before = diagnostics.all.count
            let calendar = resolveCalendar(entry.0)
            if diagnostics.all[before...].contains(where: { $0.severity == .error }) { broken.insert(index) }
            return calendar
        }
        calendars = resolved.map(\.calendar)
        checkExceptCycles(exceptSpans: resolved.map(\.exceptSpans))
        let changes = upcomingClockChanges()
        // A calendar with a wrong window or day would be judged on what is left of it.
        for (index, (syntax, _)) in syntaxes.enumerated() where !broken.contains(index) {
            checkCalendarDays(index, syntax: syntax, exceptSpans: resolved[index].exceptSpans)
            if !changes.isEmpty { checkClockChanges(index, windowSpans: resolved[index].windowSpans, changes: changes) }
        }
    }

    /// The rule set's clock changes in the coming year (none in most zones, and none when
    /// no calendar has windows).
    private func upcomingClockChanges() -> [ClockChange] {
        guard calendars.contains(where: { !$0.weekly.isEmpty }), let zone = ZoneRules(identifier: timeZone) else { return [] }
        let now = Int64(Date().timeIntervalSince1970)
        return zone.clockChanges(inUTC: now..<now + 366 * 86_400)
    }

    /// Window edges inside the local times a clock change skips or repeats: that day the
    /// window opens or closes at a moment nobody wrote, so say when, one warning per edge
    /// with a note per change. An edge at either end of the change (a window opening at
    /// 02:00 when 02:00 becomes 03:00) behaves as written and is not reported.
    private mutating func checkClockChanges(_ index: Int, windowSpans: [SourceSpan], changes: [ClockChange]) {
        struct Edge: Hashable { let span: SourceSpan; let isStart: Bool; let minute: Int }
        let calendar = calendars[index]
        var edges: [Edge: [(ClockChange, LocalMoment)]] = [:], order: [Edge] = []
        for change in changes {
            let affected = change.affected
            let firstDay = Int(affected.lowerBound / 86_400) - 1, lastDay = Int((affected.upperBound - 1) / 86_400)
            for (position, window) in calendar.weekly.enumerated() where position < windowSpans.count {
                for day in firstDay...lastDay where LocalMoment(localSeconds: Int64(day) * 86_400).weekday == window.day {
                    let opens = Int64(day) * 86_400 + Int64(window.start) * 60
                    let closes = Int64(day) * 86_400 + Int64(window.crossesMidnight ? 1440 + window.end : window.end) * 60
                    for (second, isStart) in [(opens, true), (closes, false)] where affected.lowerBound < second && second < affected.upperBound {
                        let moment = LocalMoment(localSeconds: second)
                        let edge = Edge(span: windowSpans[position], isStart: isStart, minute: moment.minute)
                        guard !calendar.exceptDates.contains(moment.date), edges[edge]?.contains(where: { $0.0 == change }) != true else { continue }
                        if edges[edge] == nil { order.append(edge) }
                        edges[edge, default: []].append((change, moment))
                    }
                }
            }
        }
        for edge in order {
            let found = edges[edge] ?? []
            let time = found[0].1.clock, what = edge.isStart ? "start" : "end"
            let notes = found.map { change, moment in
                let before = LocalMoment(localSeconds: change.localBefore).clock, after = LocalMoment(localSeconds: change.localAfter).clock
                let when = "on \(moment.weekdayName) \(moment.date) clocks go \(change.skipsTime ? "forward" : "back") from \(before) to \(after)"
                let then = switch (change.skipsTime, edge.isStart) {
                case (true, true): "the window opens at \(after)"
                case (true, false): "the window closes at \(before), when the clock jumps"
                case (false, true): "the window opens at the first \(time), closes when the clock goes back, and opens again at the second \(time)"
                case (false, false): "the window closes at the first \(time), opens again when the clock goes back to \(after), and closes at the second \(time)"
                }
                return Diagnostic.Note("\(when): \(then)", at: nil)
            }
            let affected = found[0].0.affected
            let range = "\(LocalMoment(localSeconds: affected.lowerBound).clock)-\(LocalMoment(localSeconds: affected.upperBound).clock)"
            diagnostics.add(Diagnostic(.clockChangeEdge, "this window \(what)s at \(time), inside an hour \(timeZone) skips or repeats when its clocks change",
                                       at: edge.span, notes: notes,
                                       help: "move the \(what) outside \(range) to make those days' hours plain"))
        }
    }

    /// Whether calendar `index`, its `except` ignored, is open at some minute of `date`
    /// (a window that starts the evening before counts).
    private func opensOn(_ index: Int, _ date: LocalDate) -> Bool {
        let calendar = calendars[index]
        if calendar.dates.contains(date) { return true }
        let weekday = LocalMoment(date: date, minute: 0).weekday
        return calendar.weekly.contains { $0.day == weekday || ($0.crossesMidnight && $0.day.next == weekday && $0.end > 0) }
    }

    /// `except` days on which the calendar is closed anyway (a holiday on a Sunday), and
    /// calendars that are never open. Listed dates in the past are remarks.
    private mutating func checkCalendarDays(_ index: Int, syntax: CalendarSyntax, exceptSpans: [SourceSpan]) {
        let calendar = calendars[index]
        if calendar.dates.isEmpty && calendar.weekly.isEmpty { return } // reported as empty
        for text in syntax.except where text.value.first?.isASCIIDigit == true {
            if let date = try? Values.date(text.value).get(), !opensOn(index, date) {
                diagnostics.add(Diagnostic(.exceptOnClosedDay, "`except` date \(date) is a day calendar `\(calendar.name)` is closed anyway",
                                           at: text.span, help: "check the date; it changes nothing"))
            }
        }
        for (position, excepted) in calendar.exceptCalendars.enumerated() where calendars[excepted].weekly.isEmpty {
            let closed = calendars[excepted].dates.sorted().filter { !opensOn(index, $0) }
            guard !closed.isEmpty, position < exceptSpans.count else { continue }
            let weekdays = closed.map { "\($0) (\(LocalMoment(date: $0, minute: 0).weekday.shortName))" }
            diagnostics.add(Diagnostic(.exceptOnClosedDay,
                                       "calendar `\(calendars[excepted].name)` removes \(weekdays.joined(separator: ", ")) from `\(calendar.name)`, which is closed then anyway",
                                       at: exceptSpans[position], help: "check the dates; these change nothing"))
        }
        if !isEverOpen(index) {
            diagnostics.add(Diagnostic(.neverOpen, "calendar `\(calendar.name)` is never open: its `except` closes it whenever it would be",
                                       at: syntax.name.span, help: "check its `except`; a `time` condition on it never holds"))
        }
        let today = Self.today()
        for text in syntax.dates {
            if let date = try? Values.date(text.value).get(), date < today {
                diagnostics.add(Diagnostic(.pastDate, "\(date) is in the past", at: text.span, help: "remove dates that have passed"))
            }
        }
    }

    /// Whether the calendar is open at some moment: tried at every window start, on an
    /// ordinary day of each weekday and on every date any calendar lists (openness only
    /// changes at window starts and from one kind of day to another).
    private func isEverOpen(_ index: Int) -> Bool {
        func open(_ index: Int, _ date: LocalDate, _ weekday: Weekday, _ minute: Int) -> Bool {
            let calendar = calendars[index]
            guard calendar.dates.contains(date) || calendar.weekly.contains(where: { $0.covers(weekday: weekday, minute: minute) }) else {
                return false
            }
            if calendar.exceptDates.contains(date) { return false }
            return !calendar.exceptCalendars.contains { open($0, date, weekday, minute) }
        }
        let listed = Set(calendars.flatMap { $0.dates.union($0.exceptDates) })
        var starts = Set([0])
        for calendar in calendars { for window in calendar.weekly { starts.insert(window.start) } }
        var days = Array(listed)
        var day = CivilCalendar.days(year: 2027, month: 1, day: 4) // a Monday
        while days.count < listed.count + 7 {
            let (year, month, dayOfMonth) = CivilCalendar.date(days: day)
            let date = LocalDate(year: year, month: month, day: dayOfMonth)
            if !listed.contains(date) { days.append(date) }
            day += 1
        }
        for date in days {
            let weekday = LocalMoment(date: date, minute: 0).weekday
            for minute in starts where open(index, date, weekday, minute) { return true }
        }
        return false
    }

    static func today() -> LocalDate {
        LocalMoment(localSeconds: Int64(Date().timeIntervalSince1970)).date
    }

    /// The calendar, the span of each entry of its `exceptCalendars` and of each window.
    private mutating func resolveCalendar(_ syntax: CalendarSyntax) -> (calendar: RuleCalendar, exceptSpans: [SourceSpan], windowSpans: [SourceSpan]) {
        var dates = Set<LocalDate>()
        for text in syntax.dates {
            if let date = date(text) { dates.insert(date) }
        }
        var weekly: [WeeklyWindow] = []
        var windowSpans: [SourceSpan] = []
        for entry in syntax.weekly {
            // Windows are checked even when the days are wrong, so both mistakes show at once.
            let days = value(Values.days(entry.days.value[...]), at: entry.days.span)
            for window in entry.windows {
                let expanded = value(Values.weeklyWindows(days: days ?? [], [window.value[...]]), at: window.span) ?? []
                weekly += expanded
                windowSpans += expanded.map { _ in window.span }
            }
        }
        checkOverlaps(weekly, spans: windowSpans, calendar: syntax.name.value)
        var exceptCalendars: [Int] = []
        var exceptDates = Set<LocalDate>()
        var exceptSpans: [SourceSpan] = []
        for text in syntax.except {
            if text.value.first?.isASCIIDigit == true {
                if let date = date(text) { exceptDates.insert(date) }
            } else if let index = calendarIndex[text.value] {
                exceptCalendars.append(index)
                exceptSpans.append(text.span)
            } else {
                unknown(text, kind: "calendar", known: calendarSpans.keys)
            }
        }
        let calendar = RuleCalendar(name: syntax.name.value, dates: dates, weekly: weekly,
                                    exceptCalendars: exceptCalendars, exceptDates: exceptDates)
        return (calendar, exceptSpans, windowSpans)
    }

    /// Two windows of one calendar that cover the same minutes: almost always a typo (a
    /// day range or an hour), and harmless otherwise, so a warning at the later window.
    private mutating func checkOverlaps(_ windows: [WeeklyWindow], spans: [SourceSpan], calendar: String) {
        func minutes(_ window: WeeklyWindow) -> [Range<Int>] {
            let start = window.day.rawValue * 1440 + window.start
            let end = window.day.rawValue * 1440 + (window.crossesMidnight ? 1440 + window.end : window.end)
            return end <= 7 * 1440 ? [start..<end] : [start..<7 * 1440, 0..<(end - 7 * 1440)]
        }
        var reported = Set<SourceSpan>()
        for later in windows.indices {
            for earlier in 0..<later where !reported.contains(spans[later]) {
                let overlap = minutes(windows[later]).contains { a in minutes(windows[earlier]).contains { $0.overlaps(a) } }
                guard overlap else { continue }
                reported.insert(spans[later])
                diagnostics.add(Diagnostic(.overlappingWindows, "windows of calendar `\(calendar)` overlap on \(windows[later].day.shortName)",
                                           at: spans[later], notes: spans[earlier] == spans[later] ? [] : [.init("the other window", at: spans[earlier])],
                                           help: "check the days and hours; an overlap adds nothing to a calendar"))
            }
        }
    }

    private mutating func date(_ text: Text) -> LocalDate? {
        value(Values.date(text.value), at: text.span)
    }

    /// The value, or nil with the problem reported at `span`.
    mutating func value<T>(_ result: Result<T, Values.Problem>, at span: SourceSpan) -> T? {
        switch result {
        case .success(let value): return value
        case .failure(let problem):
            diagnostics.error(problem.code, problem.message, at: span, help: problem.help)
            return nil
        }
    }

    /// `except` must not loop: a calendar closed whenever it is open has no meaning. Each
    /// loop is reported at the `except` entry that closes it, and that entry is dropped.
    private mutating func checkExceptCycles(exceptSpans: [[SourceSpan]]) {
        enum Mark { case new, onPath, done }
        var marks = [Mark](repeating: .new, count: calendars.count)
        var broken: [(calendar: Int, position: Int)] = []
        func visit(_ index: Int, _ path: [Int], _ checker: inout Checker) {
            marks[index] = .onPath
            for (position, next) in checker.calendars[index].exceptCalendars.enumerated() {
                switch marks[next] {
                case .onPath:
                    let loop = (path + [index]).drop { $0 != next } + [next]
                    checker.diagnostics.error(.calendarCycle,
                                              "calendars except each other: \(loop.map { "`\(checker.calendars[$0].name)`" }.joined(separator: " -> "))",
                                              at: exceptSpans[index][position],
                                              help: "a calendar cannot be closed whenever it is open; remove one `except`")
                    broken.append((index, position))
                case .new:
                    visit(next, path + [index], &checker)
                case .done:
                    break
                }
            }
            marks[index] = .done
        }
        for index in calendars.indices where marks[index] == .new {
            visit(index, [], &self)
        }
        for (calendar, position) in broken.sorted(by: { ($0.calendar, $0.position) > ($1.calendar, $1.position) }) {
            calendars[calendar].exceptCalendars.remove(at: position)
        }
    }
}
