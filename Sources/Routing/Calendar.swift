import ConnectProtocol

/// A calendar (`calendars:`): open on its `dates` (all day) and in its weekly windows,
/// except while any calendar in `except` is open or on an `except` date.
public struct RuleCalendar: Sendable, Hashable {
    public var name: String
    public var dates: Set<LocalDate>
    public var weekly: [WeeklyWindow]
    /// Indexes into `RuleSet.calendars`; the checker guarantees there is no cycle.
    public var exceptCalendars: [Int]
    public var exceptDates: Set<LocalDate>

    public init(name: String, dates: Set<LocalDate>, weekly: [WeeklyWindow], exceptCalendars: [Int], exceptDates: Set<LocalDate>) {
        self.name = name
        self.dates = dates
        self.weekly = weekly
        self.exceptCalendars = exceptCalendars
        self.exceptDates = exceptDates
    }
}

/// A calendar date in the rule set's zone.
public struct LocalDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// Whether the date exists in the proleptic Gregorian calendar.
    public var isValid: Bool {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1 else { return false }
        return day <= CivilCalendar.daysInMonth(year: year, month: month)
    }
}

public enum Weekday: Int, Sendable, Hashable, CaseIterable, Comparable {
    case monday = 0, tuesday, wednesday, thursday, friday, saturday, sunday

    public static func < (lhs: Weekday, rhs: Weekday) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The three-letter name the rule language uses.
    public var shortName: String { ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][rawValue] }
    public var next: Weekday { Weekday(rawValue: (rawValue + 1) % 7)! }
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
        if crossesMidnight {
            return (weekday == day && minute >= start) || (weekday == day.next && minute < end)
        }
        return weekday == day && minute >= start && minute < end
    }
}
