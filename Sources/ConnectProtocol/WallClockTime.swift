/// A date and time with no zone, as Exotel's `CurrentTime` carries it
/// (`2024-07-31 16:43:02`, India time).
public struct WallClockTime: Sendable, Hashable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int

    public init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// The years a `CurrentTime` may name. Exotel's clock says now; a year far from it is a
    /// broken value, read as none (the server clock decides), and it keeps every reader of
    /// time inside the years where calendars agree (Foundation's Gregorian calendar is
    /// Julian before 1582; zone rules are guesses centuries ahead).
    public static let plausibleYears = 2000...2199

    /// Reads `YYYY-MM-DD HH:MM:SS` (also with `T`, or without seconds); nil for anything
    /// else, including dates that do not exist or years outside `plausibleYears`, so that
    /// the caller falls back to its clock.
    public init?(parsing text: String) {
        var text = text
        guard let parsed = text.withUTF8({ WallClockTime(bytes: $0) }) else { return nil }
        self = parsed
    }

    public init?(bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count == 19 || bytes.count == 16 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              bytes[10] == UInt8(ascii: " ") || bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"),
              bytes.count == 16 || bytes[16] == UInt8(ascii: ":"),
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16) else { return nil }
        let second = bytes.count == 19 ? number(17..<19) : 0
        guard let second, hour < 24, minute < 60, second < 60, month >= 1, month <= 12, day >= 1,
              day <= CivilCalendar.daysInMonth(year: year, month: month), Self.plausibleYears.contains(year) else { return nil }
        self.init(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    /// Seconds since 1970-01-01 00:00:00 of this wall time read as if it were UTC.
    public var secondsSinceEpochAsUTC: Int64 {
        let days = CivilCalendar.days(year: year, month: month, day: day)
        return Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    public var description: String {
        func pad(_ value: Int, _ width: Int = 2) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month))-\(pad(day)) \(pad(hour)):\(pad(minute)):\(pad(second))"
    }
}

/// Proleptic Gregorian calendar arithmetic on day numbers (days since 1970-01-01), with
/// integers only: the hot path never touches Foundation's Calendar.
public enum CivilCalendar {
    /// Days since 1970-01-01 of a date (Howard Hinnant's `days_from_civil`).
    public static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date of a day number (`civil_from_days`).
    public static func date(days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// 0 = Monday ... 6 = Sunday. 1970-01-01 was a Thursday.
    public static func weekday(days: Int) -> Int {
        ((days % 7) + 7 + 3) % 7
    }

    /// `a / b` rounded down (toward minus infinity) for positive `b`.
    public static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
