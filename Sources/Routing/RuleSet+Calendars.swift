import ConnectProtocol

/// Reads a moment of the rule set's zone in another zone. The table reads zones with
/// `ZoneClocks`; the reference evaluator with Foundation, so that each checks the other.
public protocol ZoneReading {
    /// `moment`, a moment of the rule set's zone, read in `zone`. A local time the rule
    /// set's zone skips or repeats is read as `ZoneRules.utc(fromLocal:)` reads it.
    func moment(_ moment: LocalMoment, inZone zone: String) -> LocalMoment
}

/// The zones of a rule set's calendars, as `ZoneRules` tables.
public struct ZoneClocks: ZoneReading, Sendable {
    let home: ZoneRules
    let others: [String: ZoneRules]

    public init(ruleSet: RuleSet) {
        // The checker accepts only zones the system knows.
        home = ZoneRules(identifier: ruleSet.timeZone) ?? ZoneRules(identifier: "UTC")!
        var others: [String: ZoneRules] = [:]
        for zone in ruleSet.otherZones { others[zone] = ZoneRules(identifier: zone) }
        self.others = others
    }

    public func moment(_ moment: LocalMoment, inZone zone: String) -> LocalMoment {
        guard let other = others[zone] else { return moment }
        let utc = home.utc(fromLocal: moment.localSeconds)
        return LocalMoment(localSeconds: utc + other.offset(atUTC: utc))
    }

    /// The other way: `local`, a moment of `zone` (nil: the rule set's), in the rule set's zone.
    public func homeMoment(_ local: LocalMoment, fromZone zone: String?) -> LocalMoment {
        guard let zone, let other = others[zone] else { return local }
        let utc = other.utc(fromLocal: local.localSeconds)
        return LocalMoment(localSeconds: utc + home.offset(atUTC: utc))
    }
}

extension RuleCalendar {
    /// What opens a calendar at a moment, its `except` aside.
    public enum Opening: Sendable, Hashable {
        case always
        /// A listed date, with its iCalendar event's name.
        case date(String?)
        case yearly(MonthDay, String?)
        case monthly(MonthlyDay)
        case window(WeeklyWindow)
        /// An `on` window of that date.
        case special(LocalDate, WeeklyWindow)
        /// A window that opened the day before and runs past midnight.
        case carried(WeeklyWindow)
        case timed(String?)

        /// A date or a weekly window: what a calendar is open on unless it says otherwise.
        var isPlain: Bool {
            switch self {
            case .date(nil), .window: true
            default: false
            }
        }

        /// A day the calendar names (a yearly or monthly day, an iCalendar event), as
        /// opposed to its weekly hours: what a week view marks.
        var isDayOfItsOwn: Bool {
            switch self {
            case .yearly, .monthly, .timed: true
            default: false
            }
        }

        /// In words, after "is in calendar `x`: ".
        var words: String {
            switch self {
            case .always: "open 24x7"
            case .date(let name): name ?? "one of its dates"
            case .yearly(let day, let name): "every year on \(day)\(name.map { ": \($0)" } ?? "")"
            case .monthly(let day): "the \(day.words)"
            case .window(let window): "within its hours \(window.day.shortName) \(window.clock)"
            case .special(let date, let window): "within its hours \(window.clock) on \(date)"
            case .carried(let window): "within its hours \(window.clock) of the day before"
            case .timed(let name): "during \(name ?? "an event of its iCalendar file")"
            }
        }
    }

    /// Why the calendar, its `except` aside, is open at `local`, a moment of its own zone;
    /// nil when it is not.
    public func opening(at local: LocalMoment) -> Opening? {
        if always { return .always }
        let date = local.date
        if dates.contains(date) { return .date(names[date]) }
        if let day = yearly.first(where: { $0.matches(date) }) { return .yearly(day, yearlyNames[day]) }
        if let day = monthly.first(where: { $0.matches(date) }) { return .monthly(day) }
        let minute = local.minute
        if let windows = special[date] {
            if let window = windows.first(where: { $0.coversOpeningDay(minute) }) { return .special(date, window) }
        } else if let window = weekly.first(where: { $0.day == local.weekday && $0.coversOpeningDay(minute) }) {
            return .window(window)
        }
        if let windows = special[LocalDate(days: local.day - 1)] {
            if let window = windows.first(where: { $0.coversNextDay(minute) }) { return .carried(window) }
        } else if let window = weekly.first(where: { $0.day == local.weekday.previous && $0.coversNextDay(minute) }) {
            return .carried(window)
        }
        if let ranges = timed[date], ranges.contains(where: { $0.contains(minute) }) { return .timed(timedNames[date]) }
        return nil
    }
}

extension RuleSet {
    /// The zones other than the rule set's that calendars are kept in, sorted.
    public var otherZones: [String] {
        Set(calendars.compactMap(\.timeZone)).subtracting([timeZone]).sorted()
    }

    /// `moment` (of the rule set's zone) in the zone of calendar `index`.
    func local(_ moment: LocalMoment, calendar index: Int, zones: some ZoneReading) -> LocalMoment {
        guard let zone = calendars[index].timeZone, zone != timeZone else { return moment }
        return zones.moment(moment, inZone: zone)
    }

    /// Whether calendar `index` is open at a moment of the rule set's zone: opened by one of
    /// its forms at that moment of its own zone, not on an `except` date there, and no
    /// `except` calendar open (each read in its own zone). The checker guarantees `except`
    /// has no cycle.
    public func isOpen(calendar index: Int, at moment: LocalMoment, zones: some ZoneReading) -> Bool {
        let calendar = calendars[index]
        let local = local(moment, calendar: index, zones: zones)
        guard calendar.opening(at: local) != nil, !calendar.exceptDates.contains(local.date) else { return false }
        return !calendar.exceptCalendars.contains { isOpen(calendar: $0, at: moment, zones: zones) }
    }

    /// Why calendar `index` is open or closed at a moment, in words.
    func explainCalendar(_ index: Int, at moment: LocalMoment, zones: some ZoneReading) -> (open: Bool, reason: String) {
        let calendar = calendars[index]
        let local = local(moment, calendar: index, zones: zones)
        let at = local == moment ? "\(moment)" : "\(moment) (\(local) in \(calendar.timeZone!))"
        guard let opening = calendar.opening(at: local) else {
            return (false, "\(at) is outside the hours of calendar `\(calendar.name)`")
        }
        if calendar.exceptDates.contains(local.date) {
            return (false, "\(at) is on an `except` date of calendar `\(calendar.name)`")
        }
        if let excepted = calendar.exceptCalendars.first(where: { isOpen(calendar: $0, at: moment, zones: zones) }) {
            let why = calendars[excepted].opening(at: self.local(moment, calendar: excepted, zones: zones))
            let detail = why.map { $0.isPlain ? "" : " (\($0.words))" } ?? ""
            return (false, "\(at) is in calendar `\(calendars[excepted].name)`\(detail), excluded from `\(calendar.name)`")
        }
        if case .window = opening { return (true, "\(at) is within the hours of calendar `\(calendar.name)`") }
        return (true, "\(at) is in calendar `\(calendar.name)`: \(opening.words)")
    }
}
