import ConnectProtocol

/// A calendar (`calendars:`), open at a moment of its own zone when any of its forms opens
/// it: `24x7`; all day on its `dates`, `yearly` days and `monthly` days; in the windows of
/// that day (the date's `on` windows when it has them, its weekday's `weekly` windows
/// otherwise, and a window opened the evening before that runs past midnight); in the
/// timed events of an `ics` file. Closed on its `except` dates and while any calendar in
/// its `except` is open (each read in its own zone).
public struct RuleCalendar: Sendable, Hashable {
    public var name: String
    /// The IANA zone of this calendar's dates and hours; nil for the rule set's.
    public var timeZone: String?
    /// `24x7`.
    public var always: Bool
    /// Open all day: `dates` (ranges expanded) and the all-day events of its `ics` file.
    public var dates: Set<LocalDate>
    public var yearly: Set<MonthDay>
    public var monthly: Set<MonthlyDay>
    public var weekly: [WeeklyWindow]
    /// `on`: the windows that open on these dates instead of their weekday's (none: closed).
    public var special: [LocalDate: [WeeklyWindow]]
    /// Timed events of its `ics` file, cut at midnight: minutes of these days it is open.
    public var timed: [LocalDate: [Range<Int>]]
    /// Indexes into `RuleSet.calendars`; the checker guarantees there is no cycle.
    public var exceptCalendars: [Int]
    public var exceptDates: Set<LocalDate>
    /// What the days of its iCalendar file's events are called, for explanations.
    public var names: [LocalDate: String] = [:]
    public var timedNames: [LocalDate: String] = [:]
    public var yearlyNames: [MonthDay: String] = [:]

    public init(name: String, timeZone: String? = nil, always: Bool = false, dates: Set<LocalDate>,
                yearly: Set<MonthDay> = [], monthly: Set<MonthlyDay> = [], weekly: [WeeklyWindow],
                special: [LocalDate: [WeeklyWindow]] = [:], timed: [LocalDate: [Range<Int>]] = [:],
                exceptCalendars: [Int], exceptDates: Set<LocalDate>) {
        self.name = name
        self.timeZone = timeZone
        self.always = always
        self.dates = dates
        self.yearly = yearly
        self.monthly = monthly
        self.weekly = weekly
        self.special = special
        self.timed = timed
        self.exceptCalendars = exceptCalendars
        self.exceptDates = exceptDates
    }

    /// Whether any form depends on the date beyond its weekday every year or month.
    public var isPeriodic: Bool { !yearly.isEmpty || !monthly.isEmpty }
}

/// A date in some zone.
public struct LocalDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date of a day number (days since 1970-01-01).
    public init(days: Int) {
        (year, month, day) = CivilCalendar.date(days: days)
    }

    /// Days since 1970-01-01.
    public var days: Int { CivilCalendar.days(year: year, month: month, day: day) }
    public var weekday: Weekday { Weekday(rawValue: CivilCalendar.weekday(days: days))! }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public var description: String {
        "\(LocalDate.pad(year, 4))-\(LocalDate.pad(month, 2))-\(LocalDate.pad(day, 2))"
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    /// Whether the date exists in the proleptic Gregorian calendar.
    public var isValid: Bool {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1 else { return false }
        return day <= CivilCalendar.daysInMonth(year: year, month: month)
    }
}

/// `yearly: [08-15]`: a month and day, every year (29 February only in leap years).
public struct MonthDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var month: Int
    public var day: Int

    public init(month: Int, day: Int) {
        self.month = month
        self.day = day
    }

    public func matches(_ date: LocalDate) -> Bool { date.month == month && date.day == day }

    public static func < (lhs: MonthDay, rhs: MonthDay) -> Bool { (lhs.month, lhs.day) < (rhs.month, rhs.day) }
    public var description: String { "\(LocalDate.pad(month, 2))-\(LocalDate.pad(day, 2))" }
}

/// `monthly: ["2nd sat", "last fri"]`: the Nth (1...5) or the last weekday of every month.
public struct MonthlyDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// 1...5, or `last`.
    public var ordinal: Int
    public var weekday: Weekday
    public static let last = -1

    public init(ordinal: Int, weekday: Weekday) {
        self.ordinal = ordinal
        self.weekday = weekday
    }

    public func matches(_ date: LocalDate) -> Bool {
        guard date.weekday == weekday else { return false }
        if ordinal == Self.last { return date.day + 7 > CivilCalendar.daysInMonth(year: date.year, month: date.month) }
        return (date.day - 1) / 7 + 1 == ordinal
    }

    /// Its day number in a month, nil for a 5th weekday the month does not have.
    public func day(year: Int, month: Int) -> Int? {
        let first = CivilCalendar.days(year: year, month: month, day: 1)
        let length = CivilCalendar.daysInMonth(year: year, month: month)
        if ordinal == Self.last {
            let last = first + length - 1
            return last - (CivilCalendar.weekday(days: last) - weekday.rawValue + 7) % 7
        }
        let day = first + (weekday.rawValue - CivilCalendar.weekday(days: first) + 7) % 7 + 7 * (ordinal - 1)
        return day < first + length ? day : nil
    }

    public static func < (lhs: MonthlyDay, rhs: MonthlyDay) -> Bool {
        (lhs.ordinal == last ? 6 : lhs.ordinal, lhs.weekday) < (rhs.ordinal == last ? 6 : rhs.ordinal, rhs.weekday)
    }

    /// "2nd sat", as written.
    public var description: String {
        let ordinals = ["1st", "2nd", "3rd", "4th", "5th"]
        return "\(ordinal == Self.last ? "last" : ordinals[ordinal - 1]) \(weekday.shortName)"
    }

    /// "2nd Saturday of the month", as explanations say it.
    public var words: String {
        let ordinals = ["1st", "2nd", "3rd", "4th", "5th"]
        let name = LocalMoment(date: LocalDate(year: 2027, month: 1, day: 4 + weekday.rawValue), minute: 0).weekdayName
        return "\(ordinal == Self.last ? "last" : ordinals[ordinal - 1]) \(name) of the month"
    }
}

public enum Weekday: Int, Sendable, Hashable, CaseIterable, Comparable {
    case monday = 0, tuesday, wednesday, thursday, friday, saturday, sunday

    public static func < (lhs: Weekday, rhs: Weekday) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The three-letter name the rule language uses.
    public var shortName: String { ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][rawValue] }
    public var next: Weekday { Weekday(rawValue: (rawValue + 1) % 7)! }
    public var previous: Weekday { Weekday(rawValue: (rawValue + 6) % 7)! }
}

/// A half-open window `[start, end)` that opens on `day`, in minutes after midnight.
/// When `end <= start` it crosses midnight and closes on the next day at `end`.
public struct WeeklyWindow: Sendable, Hashable {
    public var day: Weekday
    /// 0..<1440.
    public var start: Int
    /// 1...1440 (24:00 is the end of the day).
    public var end: Int

    public init(day: Weekday, start: Int, end: Int) {
        self.day = day
        self.start = start
        self.end = end
    }

    public var crossesMidnight: Bool { end <= start }

    /// Whether the window covers minute `minute` (0..<1440) of weekday `weekday`.
    public func covers(weekday: Weekday, minute: Int) -> Bool {
        (weekday == day && coversOpeningDay(minute)) || (weekday == day.next && coversNextDay(minute))
    }

    /// Whether it covers `minute` of the day it opens.
    public func coversOpeningDay(_ minute: Int) -> Bool { minute >= start && (crossesMidnight || minute < end) }
    /// Whether it covers `minute` of the day after it opens.
    public func coversNextDay(_ minute: Int) -> Bool { crossesMidnight && minute < end }

    /// "09:30-18:30".
    public var clock: String { "\(LocalMoment.clock(start))-\(LocalMoment.clock(end))" }
}
