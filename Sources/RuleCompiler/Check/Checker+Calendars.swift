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
            let calendar = resolveCalendar(entry.0, path: entry.1)
            if diagnostics.all[before...].contains(where: { $0.severity == .error }) { broken.insert(index) }
            return calendar
        }
        calendars = resolved.map(\.calendar)
        checkExceptCycles(exceptSpans: resolved.map(\.exceptSpans))
        // A calendar with a wrong window or day would be judged on what is left of it.
        let judged = syntaxes.indices.filter { !broken.contains($0) }
        guard !judged.isEmpty else { return }
        let ruleSet = RuleSet(name: "", timeZone: timeZone, clockTimeZone: clockTimeZone, country: country, lists: [],
                              calendars: calendars, skills: [:], rules: [])
        let everOpen = ruleSet.calendarsEverOpen()
        let clocks = ZoneClocks(ruleSet: ruleSet)
        for index in judged {
            let syntax = syntaxes[index].0
            checkCalendarDays(index, syntax: syntax, exceptSpans: resolved[index].exceptSpans, everOpen: everOpen[index],
                              zones: (ruleSet, clocks))
            let changes = upcomingClockChanges(calendars[index])
            if !changes.isEmpty { checkClockChanges(index, windowSpans: resolved[index].windowSpans, changes: changes) }
        }
    }

    /// The clock changes of a calendar's zone in the coming year (none in most zones, and
    /// none for a calendar without windows).
    private func upcomingClockChanges(_ calendar: RuleCalendar) -> [ClockChange] {
        guard !calendar.weekly.isEmpty, let zone = ZoneRules(identifier: calendar.timeZone ?? timeZone) else { return [] }
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
            diagnostics.add(Diagnostic(.clockChangeEdge, "this window \(what)s at \(time), inside an hour \(calendar.timeZone ?? timeZone) skips or repeats when its clocks change",
                                       at: edge.span, notes: notes,
                                       help: "move the \(what) outside \(range) to make those days' hours plain"))
        }
    }

    /// Whether calendar `index`, its `except` ignored, is open at some minute of `date` (of
    /// its own zone; a window that starts the evening before counts).
    private func opensOn(_ index: Int, _ date: LocalDate) -> Bool {
        let calendar = calendars[index]
        if opensAllDay(calendar, date) || calendar.timed[date] != nil { return true }
        let weekday = date.weekday
        let today = calendar.special[date] ?? calendar.weekly.filter { $0.day == weekday }
        let yesterday = calendar.special[LocalDate(days: date.days - 1)] ?? calendar.weekly.filter { $0.day == weekday.previous }
        return !today.isEmpty || yesterday.contains { $0.crossesMidnight }
    }

    /// Whether a calendar's all-day forms open it on `date`.
    private func opensAllDay(_ calendar: RuleCalendar, _ date: LocalDate) -> Bool {
        calendar.always || calendar.dates.contains(date) || calendar.yearly.contains { $0.matches(date) }
            || calendar.monthly.contains { $0.matches(date) }
    }

    /// `except` days on which the calendar is closed anyway (a holiday on a Sunday), `on`
    /// hours on an excluded day, and calendars that are never open. Listed dates in the past
    /// are remarks.
    private mutating func checkCalendarDays(_ index: Int, syntax: CalendarSyntax, exceptSpans: [SourceSpan], everOpen: Bool,
                                            zones: (ruleSet: RuleSet, clocks: ZoneClocks)) {
        let calendar = calendars[index]
        let forms = [syntax.dates, syntax.yearly, syntax.monthly].contains { !$0.isEmpty } || !syntax.weekly.isEmpty || !syntax.on.isEmpty
        if !forms && syntax.ics == nil && syntax.always == nil { return } // reported as empty
        for text in syntax.except where text.value.first?.isASCIIDigit == true {
            if let date = try? Values.date(text.value).get(), !opensOn(index, date) {
                diagnostics.add(Diagnostic(.exceptOnClosedDay, "`except` date \(date) is a day calendar `\(calendar.name)` is closed anyway",
                                           at: text.span, help: "check the date; it changes nothing"))
            }
        }
        for (position, excepted) in calendar.exceptCalendars.enumerated() where position < exceptSpans.count {
            let other = calendars[excepted]
            // Only a calendar of listed dates in the same zone is judged day by day.
            guard other.weekly.isEmpty, other.special.isEmpty, other.timed.isEmpty, !other.isPeriodic, !other.always,
                  other.timeZone == calendar.timeZone else { continue }
            let closed = other.dates.sorted().filter { !opensOn(index, $0) }
            guard !closed.isEmpty else { continue }
            var listed = closed.prefix(10).map { "\($0) (\($0.weekday.shortName))" }
            if closed.count > 10 { listed.append("\(closed.count - 10) more") }
            diagnostics.add(Diagnostic(.exceptOnClosedDay,
                                       "calendar `\(other.name)` removes \(listed.joined(separator: ", ")) from `\(calendar.name)`, which is closed then anyway",
                                       at: exceptSpans[position], help: "check the dates; these change nothing"))
        }
        // Special hours that `except` closes at every minute: checked a minute at a time, on
        // the first days of a range.
        for special in syntax.on {
            guard let range = try? Values.dates(special.date.value).get() else { continue }
            for day in range.lowerBound.days...min(range.upperBound.days, range.lowerBound.days + 61) {
                let date = LocalDate(days: day)
                guard let windows = calendar.special[date], !windows.isEmpty else { break }
                let minutes = windows.flatMap { $0.start..<($0.crossesMidnight ? 1440 + $0.end : $0.end) }
                let opens = minutes.contains { minute in
                    let local = LocalMoment(localSeconds: Int64(day) * 86_400 + Int64(minute) * 60)
                    return zones.ruleSet.isOpen(calendar: index, at: zones.clocks.homeMoment(local, fromZone: calendar.timeZone), zones: zones.clocks)
                }
                if !opens {
                    diagnostics.add(Diagnostic(.specialHoursExcluded, "the special hours of \(date) never open: the calendar's `except` closes it then",
                                               at: special.date.span, help: "remove the `on` entry, or the exclusion"))
                    break
                }
            }
        }
        if !everOpen {
            diagnostics.add(Diagnostic(.neverOpen, "calendar `\(calendar.name)` is never open: its `except` closes it whenever it would be",
                                       at: syntax.name.span, help: "check its `except`; a `time` condition on it never holds"))
        }
        let today = Self.today()
        for text in syntax.dates {
            guard let range = try? Values.dates(text.value).get(), range.upperBound < today else { continue }
            let message = range.lowerBound == range.upperBound ? "\(range.upperBound) is in the past" : "the range ended on \(range.upperBound), in the past"
            diagnostics.add(Diagnostic(.pastDate, message, at: text.span, help: "remove dates that have passed"))
        }
    }

    static func today() -> LocalDate {
        LocalMoment(localSeconds: Int64(Date().timeIntervalSince1970)).date
    }

    /// Ranges longer than this are likely a typo in a year.
    static let longRangeDays = 3 * 366

    /// The calendar, the span of each entry of its `exceptCalendars` and of each window.
    private mutating func resolveCalendar(_ syntax: CalendarSyntax, path: String) -> (calendar: RuleCalendar, exceptSpans: [SourceSpan], windowSpans: [SourceSpan]) {
        var calendar = RuleCalendar(name: syntax.name.value, always: syntax.always != nil, dates: [], weekly: [], exceptCalendars: [], exceptDates: [])
        if let text = syntax.timeZone, let zone = checkTimeZone(text), zone != timeZone { calendar.timeZone = zone }
        for text in syntax.dates {
            guard let range = value(Values.dates(text.value), at: text.span) else { continue }
            let days = range.upperBound.days - range.lowerBound.days + 1
            if days > Self.longRangeDays {
                diagnostics.add(Diagnostic(.longDateRange, "the range `\(text.value)` is \(days) days long", at: text.span,
                                           help: "check the years; for days every year write them under `yearly`"))
            }
            for day in range.lowerBound.days...range.upperBound.days { calendar.dates.insert(LocalDate(days: day)) }
        }
        for text in syntax.yearly {
            if let day = value(Values.monthDay(text.value), at: text.span) { calendar.yearly.insert(day) }
        }
        for text in syntax.monthly {
            if let day = value(Values.monthlyDay(text.value), at: text.span) { calendar.monthly.insert(day) }
        }
        var windowSpans: [SourceSpan] = []
        for entry in syntax.weekly {
            // Windows are checked even when the days are wrong, so both mistakes show at once.
            let days = value(Values.days(entry.days.value[...]), at: entry.days.span)
            for window in entry.windows {
                let expanded = value(Values.weeklyWindows(days: days ?? [], [window.value[...]]), at: window.span) ?? []
                calendar.weekly += expanded
                windowSpans += expanded.map { _ in window.span }
            }
        }
        checkOverlaps(calendar.weekly, spans: windowSpans, calendar: syntax.name.value)
        resolveSpecialHours(syntax, into: &calendar)
        if let file = syntax.ics, let read = loadCalendarFile(file, path, calendar.timeZone ?? timeZone, &diagnostics) {
            calendar.dates.formUnion(read.dates)
            calendar.yearly.formUnion(read.yearly)
            calendar.monthly.formUnion(read.monthly)
            calendar.weekly += read.weekly
            calendar.timed = read.timed
            calendar.names = read.names
            calendar.timedNames = read.timedNames
            calendar.yearlyNames = read.yearlyNames
        }
        var exceptSpans: [SourceSpan] = []
        for text in syntax.except {
            if text.value.first?.isASCIIDigit == true {
                if let date = date(text) { calendar.exceptDates.insert(date) }
            } else if let index = calendarIndex[text.value] {
                calendar.exceptCalendars.append(index)
                exceptSpans.append(text.span)
            } else {
                unknown(text, kind: "calendar", known: calendarSpans.keys)
            }
        }
        return (calendar, exceptSpans, windowSpans)
    }

    /// `on`: a date or range, and its windows or `closed`.
    private mutating func resolveSpecialHours(_ syntax: CalendarSyntax, into calendar: inout RuleCalendar) {
        var given: [LocalDate: SourceSpan] = [:]
        for entry in syntax.on {
            guard let range = value(Values.dates(entry.date.value), at: entry.date.span) else { continue }
            var windows: [(start: Int, end: Int)] = []
            var spans: [SourceSpan] = []
            if entry.windows.count != 1 || entry.windows[0].value != "closed" {
                for text in entry.windows {
                    if text.value == "closed" {
                        diagnostics.error(.invalidWindow, "`closed` with hours on the same date", at: text.span,
                                          help: "write either `closed` or the hours the calendar is open that day")
                    } else if let window = value(Values.window(text.value[...]), at: text.span) {
                        windows.append(window)
                        spans.append(text.span)
                    }
                }
            }
            for day in range.lowerBound.days...range.upperBound.days {
                let date = LocalDate(days: day)
                if let first = given[date] {
                    diagnostics.error(.invalidDate, "\(date) has special hours twice", at: entry.date.span,
                                      notes: [.init("first given here", at: first)], help: "give each date one entry under `on`")
                    break
                }
                given[date] = entry.date.span
                calendar.special[date] = windows.map { WeeklyWindow(day: date.weekday, start: $0.start, end: $0.end) }
            }
            checkOverlaps(calendar.special[range.lowerBound] ?? [], spans: spans, calendar: syntax.name.value)
        }
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
