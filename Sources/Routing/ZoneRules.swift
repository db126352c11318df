import ConnectProtocol
import Foundation

/// A time zone's UTC offsets as a table of periods, read once from the system's zone
/// database, so that turning a request's time into local time is a binary search instead
/// of a Foundation calendar computation.
///
/// Local times that do not exist (a spring-forward gap) or exist twice (a fall-back
/// overlap) follow Foundation's choice, so that the table and the reference evaluator
/// agree: both are read with the offset in effect before the transition (a gap moves
/// forward by its length; an overlap takes the first occurrence).
public final class ZoneRules: Sendable {
    public let identifier: String
    /// UTC second each period starts; the first period extends to the past.
    let starts: [Int64]
    let offsets: [Int64]
    /// The local second each period ends, in its own offset: `starts[i + 1] + offsets[i]`.
    let localEnds: [Int64]

    /// Periods from 1970 to 2100; outside that range the nearest period's offset applies.
    public init?(identifier: String) {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        self.identifier = identifier
        let first = Date(timeIntervalSince1970: 0)
        var starts: [Int64] = [Int64.min]
        var offsets: [Int64] = [Int64(zone.secondsFromGMT(for: first))]
        var cursor = first
        let end = Date(timeIntervalSince1970: 4_102_444_800) // 2100-01-01
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next < end {
            let offset = Int64(zone.secondsFromGMT(for: next))
            if offset != offsets.last {
                starts.append(Int64(next.timeIntervalSince1970))
                offsets.append(offset)
            }
            cursor = next
        }
        self.starts = starts
        self.offsets = offsets
        localEnds = offsets.indices.map { $0 + 1 < starts.count ? starts[$0 + 1] + offsets[$0] : Int64.max }
    }

    /// The offset in seconds at a UTC instant.
    public func offset(atUTC seconds: Int64) -> Int64 {
        if offsets.count == 1 { return offsets[0] }
        var low = 0, high = starts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= seconds { low = middle } else { high = middle - 1 }
        }
        return offsets[low]
    }

    /// The UTC instant of a local wall time (seconds since the epoch, read as UTC).
    public func utc(fromLocal local: Int64) -> Int64 {
        if offsets.count == 1 { return local - offsets[0] }
        // The first period whose local end is after `local`.
        var low = 0, high = localEnds.count - 1
        while low < high {
            let middle = (low + high) / 2
            if localEnds[middle] > local { high = middle } else { low = middle + 1 }
        }
        if low > 0 && local < starts[low] + offsets[low] {
            return local - offsets[low - 1] // in the gap before period `low`
        }
        return local - offsets[low]
    }
}

/// A change of a zone's clock: at `utc` the local time jumps from `localBefore` to
/// `localAfter` (local seconds since the epoch, read as UTC). Forward, the local times in
/// between are skipped; backward, they happen twice.
public struct ClockChange: Sendable, Hashable {
    public let utc: Int64
    public let localBefore: Int64
    public let localAfter: Int64

    public var skipsTime: Bool { localAfter > localBefore }
    /// The local times that are skipped or repeated, `[lower, upper)`.
    public var affected: Range<Int64> { min(localBefore, localAfter)..<max(localBefore, localAfter) }
}

extension ZoneRules {
    /// The clock changes with `range.lowerBound <= utc < range.upperBound`.
    public func clockChanges(inUTC range: Range<Int64>) -> [ClockChange] {
        starts.indices.dropFirst().filter { range.contains(starts[$0]) }.map {
            ClockChange(utc: starts[$0], localBefore: starts[$0] + offsets[$0 - 1], localAfter: starts[$0] + offsets[$0])
        }
    }
}

/// A moment as the rules see it: a local date, weekday and minute in the rule set's zone.
public struct LocalMoment: Sendable, Hashable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public let day: Int
    public let weekday: Weekday
    /// 0..<1440.
    public let minute: Int

    public init(localSeconds: Int64) {
        let day = Int(localSeconds >= 0 ? localSeconds / 86_400 : (localSeconds - 86_399) / 86_400)
        self.day = day
        weekday = Weekday(rawValue: CivilCalendar.weekday(days: day))!
        minute = Int(localSeconds - Int64(day) * 86_400) / 60
    }

    public init(date: LocalDate, minute: Int) {
        day = CivilCalendar.days(year: date.year, month: date.month, day: date.day)
        weekday = Weekday(rawValue: CivilCalendar.weekday(days: day))!
        self.minute = minute
    }

    public var date: LocalDate {
        let (year, month, day) = CivilCalendar.date(days: self.day)
        return LocalDate(year: year, month: month, day: day)
    }

    /// "11:00 Monday 2026-01-26", as explanations say it.
    public var description: String { "\(clock) \(weekdayName) \(date)" }

    /// "09:05".
    public var clock: String { Self.clock(minute) }

    /// "09:05" for minute 545 of a day ("24:00" for 1440).
    public static func clock(_ minute: Int) -> String {
        let hour = minute / 60, minutes = minute % 60
        return "\(hour < 10 ? "0" : "")\(hour):\(minutes < 10 ? "0" : "")\(minutes)"
    }

    /// Seconds since 1970-01-01 00:00 of this moment read as UTC.
    public var localSeconds: Int64 { Int64(day) * 86_400 + Int64(minute) * 60 }

    public var weekdayName: String {
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][weekday.rawValue]
    }
}
