extension RuleSet {
    /// Whether calendar `index` is open at a moment: on one of its dates or in one of its
    /// weekly windows, and neither on an `except` date nor while an `except` calendar is open.
    /// The checker guarantees `except` has no cycle.
    public func isOpen(calendar index: Int, date: LocalDate, weekday: Weekday, minute: Int) -> Bool {
        let calendar = calendars[index]
        guard calendar.dates.contains(date) || calendar.weekly.contains(where: { $0.covers(weekday: weekday, minute: minute) }) else {
            return false
        }
        if calendar.exceptDates.contains(date) { return false }
        return !calendar.exceptCalendars.contains { isOpen(calendar: $0, date: date, weekday: weekday, minute: minute) }
    }

    /// Why calendar `index` is open or closed at a moment, in words.
    func explainCalendar(_ index: Int, at moment: LocalMoment) -> (open: Bool, reason: String) {
        let calendar = calendars[index]
        let date = moment.date
        let inDates = calendar.dates.contains(date)
        guard inDates || calendar.weekly.contains(where: { $0.covers(weekday: moment.weekday, minute: moment.minute) }) else {
            return (false, "\(moment) is outside the hours of calendar `\(calendar.name)`")
        }
        if calendar.exceptDates.contains(date) {
            return (false, "\(moment) is on an `except` date of calendar `\(calendar.name)`")
        }
        if let excepted = calendar.exceptCalendars.first(where: { isOpen(calendar: $0, date: date, weekday: moment.weekday, minute: moment.minute) }) {
            return (false, "\(moment) is in calendar `\(calendars[excepted].name)`, excluded from `\(calendar.name)`")
        }
        return (true, "\(moment) is \(inDates ? "on a date" : "within the hours") of calendar `\(calendar.name)`")
    }
}
