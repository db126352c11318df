import Foundation
import ConnectProtocol
import Routing

/// What an iCalendar file opens a calendar on, read in the calendar's zone.
struct CalendarFile: Sendable {
    var dates: Set<LocalDate> = []
    var yearly: Set<MonthDay> = []
    var monthly: Set<MonthlyDay> = []
    var weekly: [WeeklyWindow] = []
    var timed: [LocalDate: [Range<Int>]] = [:]
    /// What the events of a day are called, with where: "Diwali, holidays.ics:6".
    var names: [LocalDate: String] = [:]
    var timedNames: [LocalDate: String] = [:]
    var yearlyNames: [MonthDay: String] = [:]
    var events = 0
}

/// Reads an iCalendar file (RFC 5545) as exported by Google Calendar, Outlook and holiday
/// feeds: each `VEVENT` opens the calendar, all day for `VALUE=DATE` events (`DTEND`
/// exclusive) and in its interval for timed ones (UTC, `TZID`, or floating times read in
/// the calendar's zone). Lines may be folded. Recurrences: `FREQ=YEARLY`, `FREQ=WEEKLY`
/// (with `BYDAY`), `FREQ=MONTHLY;BYDAY=2SA` and, with `COUNT` or `UNTIL`, `FREQ=DAILY`.
/// A recurrence with no end is read as holding every year or week, before its first
/// occurrence too (a holiday feed's first year is when it was exported, not when the
/// holiday began); a bounded one is expanded. Whatever could change when the calendar is
/// open and is not read (an `RRULE` part, `RDATE`, `EXDATE`, an unknown `TZID`...) is an
/// error at its line, never dropped; properties that do not (`SUMMARY`, `UID`...) are
/// skipped, as are cancelled events and components other than events.
enum ICSFileReader {
    static let maxFileBytes = ListFileReader.maxFileBytes
    /// Days and intervals one file may expand to.
    static let maxOccurrences = 20_000
    static let maxReportedProblems = 20

    static func read(_ bytes: [UInt8], path: String, zone: String, diagnostics: inout Diagnostics) -> CalendarFile {
        var reader = Reader(path: path, zone: ZoneRules(identifier: zone) ?? ZoneRules(identifier: "UTC")!, zoneName: zone)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            diagnostics.error(.icsFile, "`\(path)` is not UTF-8 text", at: .line(1, in: path), help: "export the calendar again as an .ics file")
            return CalendarFile()
        }
        reader.read(text)
        reader.file.timed = merged(reader.file.timed)
        diagnostics.append(contentsOf: reader.diagnostics)
        if reader.problems > maxReportedProblems {
            diagnostics.error(.icsFile, "\(reader.problems - maxReportedProblems) more problems in `\(path)`", at: .line(1, in: path))
        }
        return reader.file
    }

    /// One unfolded content line: `NAME;PARAM=VALUE:VALUE`.
    struct ContentLine {
        let name: String
        let parameters: [String: String]
        let value: String
        let line: Int
    }

    /// `YYYYMMDD`, or `YYYYMMDDTHHMMSS` with `Z` for UTC.
    enum Time: Equatable {
        case date(LocalDate)
        /// Seconds since 1970 of the wall time read as UTC; `utc` when it is UTC.
        case wall(Int64, utc: Bool)
    }

    struct Event {
        var line: Int
        var properties: [String: ContentLine] = [:]
    }

    struct Reader {
        let path: String
        let zone: ZoneRules
        let zoneName: String
        var file = CalendarFile()
        var diagnostics = Diagnostics()
        var problems = 0
        var occurrences = 0
        var zones: [String: ZoneRules] = [:]
        /// The event being added, as explanations name it.
        var name = ""

        init(path: String, zone: ZoneRules, zoneName: String) {
            self.path = path
            self.zone = zone
            self.zoneName = zoneName
        }

        mutating func problem(_ message: String, line: Int, help: String? = nil) {
            problems += 1
            if problems <= maxReportedProblems { diagnostics.error(.icsFile, message, at: .line(line, in: path), help: help) }
        }

        mutating func read(_ text: String) {
            var stack: [String] = []
            var event: Event?
            var sawCalendar = false
            for line in Self.unfold(text) {
                let content = Self.parse(line.text, line: line.number)
                if stack.isEmpty && !sawCalendar && (content?.name != "BEGIN" || content?.value.uppercased() != "VCALENDAR") {
                    problem("the file does not start with `BEGIN:VCALENDAR`", line: line.number, help: "is this an iCalendar (.ics) file?")
                    return
                }
                guard let content else {
                    problem("cannot read this line as `NAME:VALUE`", line: line.number, help: "an iCalendar line is a property name, `:`, and its value")
                    continue
                }
                switch content.name {
                case "BEGIN":
                    let component = content.value.uppercased()
                    if component == "VCALENDAR" { sawCalendar = true }
                    if component == "VEVENT" && stack.last == "VCALENDAR" { event = Event(line: line.number) }
                    stack.append(component)
                case "END":
                    let component = content.value.uppercased()
                    guard stack.last == component else {
                        problem("`END:\(content.value)` closes \(stack.last.map { "`\($0)`" } ?? "nothing")", line: line.number)
                        return
                    }
                    stack.removeLast()
                    if component == "VEVENT", stack.last == "VCALENDAR", let done = event {
                        add(done)
                        event = nil
                    }
                default:
                    // Only an event's own properties matter (not its alarms', nor time zone
                    // definitions: zones come from the system's database by TZID).
                    guard stack.last == "VEVENT", event != nil else { continue }
                    if event!.properties[content.name] != nil && Self.timing.contains(content.name) {
                        problem("`\(content.name)` appears twice in one event", line: line.number)
                    }
                    event!.properties[content.name] = content
                }
            }
            if !sawCalendar {
                problem("the file has no `BEGIN:VCALENDAR`", line: 1, help: "is this an iCalendar (.ics) file?")
            } else if !stack.isEmpty {
                problem("the file ends inside `\(stack.last!)`", line: 1, help: "the file may be cut short; export it again")
            }
        }

        /// TEXT values escape `,` `;` `\\` and newlines.
        static func unescape(_ text: String) -> String {
            var result = "", escaped = false
            for character in text {
                if escaped {
                    result.append(character == "n" || character == "N" ? " " : character)
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else {
                    result.append(character)
                }
            }
            return result
        }

        /// Names of a day's events, each once, at most three.
        static func joined(_ existing: String?, _ name: String) -> String {
            guard let existing, !existing.isEmpty else { return name }
            let parts = existing.components(separatedBy: "; ")
            if parts.contains(name) || parts.count >= 3 { return existing }
            return existing + "; " + name
        }

        /// Properties that decide when an event happens.
        static let timing: Set<String> = ["DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID", "STATUS"]

        static func unfold(_ text: String) -> [(number: Int, text: String)] {
            var result: [(number: Int, text: String)] = []
            var number = 0
            // "\r\n" is one Character, so lines split on either ending.
            for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
                number += 1
                if let first = line.first, first == " " || first == "\t", !result.isEmpty {
                    result[result.count - 1].text += line.dropFirst()
                } else if !line.isEmpty {
                    result.append((number, String(line)))
                }
            }
            return result
        }

        static func parse(_ text: String, line: Int) -> ContentLine? {
            let scalars = Array(text.unicodeScalars)
            var index = 0
            func readName() -> String {
                let start = index
                while index < scalars.count, scalars[index] != ";", scalars[index] != ":", scalars[index] != "=" { index += 1 }
                return String(String.UnicodeScalarView(scalars[start..<index])).uppercased()
            }
            let name = readName()
            guard !name.isEmpty else { return nil }
            var parameters: [String: String] = [:]
            while index < scalars.count, scalars[index] == ";" {
                index += 1
                let key = readName()
                guard index < scalars.count, scalars[index] == "=" else { return nil }
                index += 1
                var value = String.UnicodeScalarView()
                var quoted = false
                while index < scalars.count {
                    let scalar = scalars[index]
                    if scalar == "\"" { quoted.toggle() } else if !quoted && (scalar == ";" || scalar == ":") { break } else { value.append(scalar) }
                    index += 1
                }
                parameters[key] = String(value)
            }
            guard index < scalars.count, scalars[index] == ":" else { return nil }
            return ContentLine(name: name, parameters: parameters, value: String(String.UnicodeScalarView(scalars[(index + 1)...])), line: line)
        }

        static func time(_ text: String) -> Time? {
            let digits = Array(text.utf8)
            func number(_ range: Range<Int>) -> Int? {
                var value = 0
                for index in range {
                    guard index < digits.count, (48...57).contains(digits[index]) else { return nil }
                    value = value * 10 + Int(digits[index] - 48)
                }
                return value
            }
            guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8) else { return nil }
            let date = LocalDate(year: year, month: month, day: day)
            guard date.isValid else { return nil }
            if digits.count == 8 { return .date(date) }
            guard digits.count == 15 || (digits.count == 16 && digits[15] == UInt8(ascii: "Z")), digits[8] == UInt8(ascii: "T"),
                  let hour = number(9..<11), let minute = number(11..<13), let second = number(13..<15),
                  hour < 24, minute < 60, second < 61 else { return nil }
            return .wall(Int64(date.days) * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59)), utc: digits.count == 16)
        }

        /// `P1D`, `PT1H30M`, `P2W`, `P1DT12H`: seconds.
        static func duration(_ text: String) -> Int64? {
            var rest = Substring(text.uppercased())
            if rest.first == "+" { rest = rest.dropFirst() }
            guard rest.first == "P" else { return nil }
            rest = rest.dropFirst()
            var total: Int64 = 0, number: Int64 = 0, digits = 0, inTime = false, parts = 0
            for character in rest {
                if let digit = character.wholeNumberValue, character.isASCII {
                    number = number * 10 + Int64(digit)
                    digits += 1
                    guard digits <= 9 else { return nil }
                    continue
                }
                let unit: Int64
                switch (character, inTime) {
                case ("T", false): inTime = true; continue
                case ("W", false): unit = 7 * 86_400
                case ("D", false): unit = 86_400
                case ("H", true): unit = 3600
                case ("M", true): unit = 60
                case ("S", true): unit = 1
                default: return nil
                }
                guard digits > 0 else { return nil }
                total += number * unit
                number = 0
                digits = 0
                parts += 1
            }
            return digits == 0 && parts > 0 ? total : nil
        }

        /// The instant of a wall time: UTC, in its `TZID`, or floating (the calendar's zone).
        mutating func instant(_ wall: Int64, utc: Bool, of property: ContentLine) -> Int64? {
            if utc { return wall }
            guard let name = property.parameters["TZID"] else { return zone.utc(fromLocal: wall) }
            let id = name.hasPrefix("/") ? String(name.dropFirst()) : name
            if zones[id] == nil { zones[id] = ZoneRules(identifier: id) }
            guard let rules = zones[id] else {
                problem("unknown time zone `\(name)` in `\(property.name)`", line: property.line,
                        help: "Ringplan reads IANA zone names such as `Asia/Kolkata`; export the calendar with those (Outlook's own names are not read)")
                return nil
            }
            return rules.utc(fromLocal: wall)
        }

        mutating func add(_ event: Event) {
            let properties = event.properties
            if properties["STATUS"]?.value.uppercased() == "CANCELLED" { return }
            for name in ["RDATE", "EXDATE", "RECURRENCE-ID"] {
                if let property = properties[name] {
                    problem("`\(name)` is not read, and it changes when this event happens", line: property.line,
                            help: "remove it and list those days as events of their own, or under `except`")
                    return
                }
            }
            guard let startLine = properties["DTSTART"] else {
                problem("the event has no `DTSTART`", line: event.line, help: "every event needs a start")
                return
            }
            guard let start = Self.time(startLine.value) else {
                problem("cannot read `\(startLine.value)` as a date or a date-time", line: startLine.line,
                        help: "write `YYYYMMDD` (with `VALUE=DATE`) or `YYYYMMDDTHHMMSS`, with `Z` for UTC")
                return
            }
            if startLine.parameters["VALUE"]?.uppercased() == "DATE", case .wall = start {
                problem("`VALUE=DATE` with a time", line: startLine.line, help: "an all-day event starts at a date: `YYYYMMDD`")
                return
            }
            var end: Time?
            var length: Int64?
            if let endLine = properties["DTEND"] {
                guard let read = Self.time(endLine.value) else {
                    problem("cannot read `\(endLine.value)` as a date or a date-time", line: endLine.line)
                    return
                }
                switch (start, read) {
                case (.date, .date), (.wall, .wall): end = read
                default:
                    problem("`DTEND` is \(read.isDate ? "a date" : "a date-time") but `DTSTART` is \(start.isDate ? "a date" : "a date-time")", line: endLine.line,
                            help: "an all-day event has dates in both; a timed one date-times in both")
                    return
                }
            } else if let durationLine = properties["DURATION"] {
                guard let seconds = Self.duration(durationLine.value), seconds > 0 else {
                    problem("cannot read `\(durationLine.value)` as a duration", line: durationLine.line, help: "write durations such as `P1D` or `PT1H30M`")
                    return
                }
                if start.isDate && seconds % 86_400 != 0 {
                    problem("an all-day event lasts whole days, not `\(durationLine.value)`", line: durationLine.line)
                    return
                }
                length = seconds
            }
            let rule = properties["RRULE"].flatMap { recurrence($0, start: start) }
            if properties["RRULE"] != nil && rule == nil { return }
            file.events += 1
            let summary = properties["SUMMARY"].map { Self.unescape($0.value) } ?? "an event"
            name = "\(summary), \((path as NSString).lastPathComponent):\(event.line)"
            switch start {
            case .date(let first):
                var days = 1
                if case .date(let last) = end { days = last.days - first.days }
                if let length { days = Int(length / 86_400) }
                guard days >= 1 else {
                    problem("the event ends before it starts", line: properties["DTEND"]?.line ?? startLine.line)
                    return
                }
                guard days <= Values.maxRangeDays else {
                    problem("the event lasts \(days) days, over the limit of \(Values.maxRangeDays)", line: startLine.line, help: "check the year of its end")
                    return
                }
                addAllDay(first: first, days: days, rule: rule, line: startLine.line)
            case .wall(let wall, let utc):
                guard let from = instant(wall, utc: utc, of: startLine) else { return }
                var to = from
                if case .wall(let endWall, let endUTC) = end, let endLine = properties["DTEND"] {
                    guard let read = instant(endWall, utc: endUTC, of: endLine) else { return }
                    to = read
                } else if let length {
                    to = from + length
                }
                guard to > from else {
                    if to < from { problem("the event ends before it starts", line: properties["DTEND"]?.line ?? startLine.line) }
                    else { problem("the event has no `DTEND` or `DURATION`, so it lasts no time", line: startLine.line, help: "give it an end") }
                    return
                }
                guard to - from <= Int64(Values.maxRangeDays) * 86_400 else {
                    problem("the event lasts over \(Values.maxRangeDays) days", line: startLine.line, help: "check the year of its end")
                    return
                }
                addTimed(wall: wall, utc: utc, startLine: startLine, seconds: to - from, rule: rule)
            }
        }

        struct Recurrence {
            enum Frequency: String { case daily = "DAILY", weekly = "WEEKLY", monthly = "MONTHLY", yearly = "YEARLY" }
            var frequency: Frequency
            var count: Int?
            var until: Time?
            var weekdays: [Weekday] = []
            var monthly: [MonthlyDay] = []
            var line: Int
            var bounded: Bool { count != nil || until != nil }
        }

        static let weekdayCodes: [String: Weekday] = ["MO": .monday, "TU": .tuesday, "WE": .wednesday, "TH": .thursday,
                                                      "FR": .friday, "SA": .saturday, "SU": .sunday]

        mutating func recurrence(_ property: ContentLine, start: Time) -> Recurrence? {
            var parts: [String: String] = [:]
            for part in property.value.split(separator: ";") {
                let pair = part.split(separator: "=", maxSplits: 1)
                guard pair.count == 2 else {
                    problem("cannot read `\(part)` in `RRULE`", line: property.line)
                    return nil
                }
                parts[pair[0].uppercased()] = pair[1].uppercased()
            }
            guard let name = parts["FREQ"], let frequency = Recurrence.Frequency(rawValue: name) else {
                problem("`RRULE` with `FREQ=\(parts["FREQ"] ?? "")` is not read", line: property.line,
                        help: "Ringplan reads FREQ=YEARLY, WEEKLY, MONTHLY (with BYDAY such as 2SA) and, with COUNT or UNTIL, DAILY")
                return nil
            }
            var rule = Recurrence(frequency: frequency, line: property.line)
            let startDate = start.date
            for (key, value) in parts.sorted(by: { $0.key < $1.key }) {
                switch key {
                case "FREQ", "WKST": continue
                case "INTERVAL" where value == "1": continue
                case "COUNT":
                    guard let count = Int(value), count >= 1, count <= maxOccurrences else {
                        problem("`COUNT=\(value)` is not a count from 1 to \(maxOccurrences)", line: property.line)
                        return nil
                    }
                    rule.count = count
                case "UNTIL":
                    guard let until = Self.time(value) else {
                        problem("cannot read `UNTIL=\(value)` as a date or a date-time", line: property.line)
                        return nil
                    }
                    rule.until = until
                case "BYDAY":
                    for code in value.split(separator: ",") {
                        let letters = String(code.suffix(2)), number = code.dropLast(2)
                        guard let weekday = Self.weekdayCodes[letters] else {
                            problem("`\(code)` is not a weekday in `BYDAY`", line: property.line)
                            return nil
                        }
                        if number.isEmpty && frequency == .weekly {
                            rule.weekdays.append(weekday)
                        } else if frequency == .monthly, let ordinal = Int(number), (1...5).contains(ordinal) || ordinal == -1 {
                            rule.monthly.append(MonthlyDay(ordinal: ordinal, weekday: weekday))
                        } else {
                            problem("`BYDAY=\(value)` is not read with `FREQ=\(name)`", line: property.line,
                                    help: "Ringplan reads BYDAY=MO,TU... with WEEKLY and BYDAY=2SA or -1FR with MONTHLY")
                            return nil
                        }
                    }
                case "BYMONTH" where frequency == .yearly && Int(value) == startDate.month: continue
                case "BYMONTHDAY" where frequency == .yearly && Int(value) == startDate.day: continue
                default:
                    problem("`\(key)=\(value)` in `RRULE` is not read, and it changes when this event happens", line: property.line,
                            help: "Ringplan reads FREQ, COUNT, UNTIL, BYDAY, and INTERVAL=1")
                    return nil
                }
            }
            if rule.count != nil && rule.until != nil {
                problem("`RRULE` has both `COUNT` and `UNTIL`", line: property.line, help: "RFC 5545 allows one of them")
                return nil
            }
            if frequency == .monthly && rule.monthly.isEmpty {
                problem("`FREQ=MONTHLY` without `BYDAY` is not read", line: property.line, help: "write the day as BYDAY=2SA (the 2nd Saturday) or -1FR (the last Friday)")
                return nil
            }
            if frequency == .daily && !rule.bounded {
                problem("a daily event with no end is not read", line: property.line, help: "use the calendar's `weekly` hours, or give it COUNT or UNTIL")
                return nil
            }
            if rule.weekdays.isEmpty && frequency == .weekly { rule.weekdays = [startDate.weekday] }
            return rule
        }

        /// The days (of the event's own reading) an occurrence starts on, in order.
        mutating func occurrenceDays(first: LocalDate, rule: Recurrence, isAfterUntil: (LocalDate) -> Bool) -> [LocalDate]? {
            var result: [LocalDate] = []
            var day = first.days
            let limit = first.days + 366 * 1000
            while day < limit {
                let date = LocalDate(days: day)
                if isAfterUntil(date) { break }
                let matches: Bool = switch rule.frequency {
                case .daily: true
                case .weekly: rule.weekdays.contains(date.weekday)
                case .monthly: rule.monthly.contains { $0.matches(date) }
                case .yearly: date.month == first.month && date.day == first.day
                }
                if matches {
                    result.append(date)
                    if let count = rule.count, result.count >= count { break }
                    if result.count > maxOccurrences {
                        problem("the event repeats more than \(maxOccurrences) times", line: rule.line, help: "give it an earlier `UNTIL`")
                        return nil
                    }
                }
                day += 1
            }
            return result
        }

        mutating func addAllDay(first: LocalDate, days: Int, rule: Recurrence?, line: Int) {
            guard let rule else {
                addDays(first, days, line: line)
                return
            }
            if !rule.bounded {
                switch rule.frequency {
                case .yearly:
                    for offset in 0..<days {
                        let date = LocalDate(days: first.days + offset)
                        let day = MonthDay(month: date.month, day: date.day)
                        file.yearly.insert(day)
                        file.yearlyNames[day] = Self.joined(file.yearlyNames[day], name)
                    }
                case .weekly where days == 1:
                    file.weekly += rule.weekdays.map { WeeklyWindow(day: $0, start: 0, end: 1440) }
                case .monthly where days == 1:
                    file.monthly.formUnion(rule.monthly)
                default:
                    problem("a repeating event of \(days) days with no end is not read", line: rule.line, help: "give it COUNT or UNTIL")
                }
                return
            }
            let until = rule.until.map(\.date)
            guard let starts = occurrenceDays(first: first, rule: rule, isAfterUntil: { until != nil && $0 > until! }) else { return }
            for date in starts { addDays(date, days, line: line) }
        }

        mutating func addDays(_ first: LocalDate, _ days: Int, line: Int) {
            occurrences += days
            guard occurrences <= maxOccurrences else {
                if occurrences - days <= maxOccurrences {
                    problem("the file opens more than \(maxOccurrences) days and intervals", line: line, help: "split it, or use `yearly`, `monthly` and `weekly`")
                }
                return
            }
            for offset in 0..<days {
                let date = LocalDate(days: first.days + offset)
                file.dates.insert(date)
                file.names[date] = Self.joined(file.names[date], name)
            }
        }

        mutating func addTimed(wall: Int64, utc: Bool, startLine: ContentLine, seconds: Int64, rule: Recurrence?) {
            let first = LocalDate(days: Int(CivilCalendar.floorDiv(wall, 86_400)))
            let clock = wall - Int64(first.days) * 86_400
            guard let rule else {
                if let from = instant(wall, utc: utc, of: startLine) { addInterval(from, from + seconds, line: startLine.line) }
                return
            }
            if !rule.bounded {
                // Weekly hours with no end become weekly windows, which are read in the
                // calendar's zone: the event must be kept in it.
                let ownZone = !utc && (startLine.parameters["TZID"].map { $0 == zoneName || $0 == "/" + zoneName } ?? true)
                guard rule.frequency == .weekly, seconds < 86_400, ownZone else {
                    problem(rule.frequency != .weekly ? "a repeating event with hours and no end is read only weekly" :
                                seconds >= 86_400 ? "a weekly event of a day or more with no end is not read" :
                                "a weekly event with no end must be kept in the calendar's zone, \(zoneName)",
                            line: rule.line, help: "give it COUNT or UNTIL, or write the hours under `weekly`")
                    return
                }
                let start = Int(clock / 60), end = Int((clock + seconds + 59) / 60) % 1440
                for weekday in rule.weekdays {
                    file.weekly.append(WeeklyWindow(day: weekday, start: start, end: end == 0 ? 1440 : end))
                }
                return
            }
            var untilCheck: (LocalDate) -> Bool = { _ in false }
            switch rule.until {
            case .date(let date)?: untilCheck = { $0 > date }
            case .wall(let untilWall, _)?:
                // UNTIL is compared with each occurrence's start, in the event's own reading.
                untilCheck = { Int64($0.days) * 86_400 + clock > untilWall }
            case nil: break
            }
            guard let starts = occurrenceDays(first: first, rule: rule, isAfterUntil: untilCheck) else { return }
            for date in starts {
                guard let from = instant(Int64(date.days) * 86_400 + clock, utc: utc, of: startLine) else { return }
                addInterval(from, from + seconds, line: startLine.line)
            }
        }

        /// An interval of instants, cut into minutes of the calendar's days.
        mutating func addInterval(_ from: Int64, _ to: Int64, line: Int) {
            let localFrom = from + zone.offset(atUTC: from), localTo = to + zone.offset(atUTC: to)
            guard localTo > localFrom else { return } // within a clock change
            var minute = CivilCalendar.floorDiv(localFrom, 60)
            let last = CivilCalendar.floorDiv(localTo + 59, 60)
            while minute < last {
                let day = Int(CivilCalendar.floorDiv(minute, 1440))
                let dayEnd = Int64(day + 1) * 1440
                let upper = min(last, dayEnd)
                occurrences += 1
                guard occurrences <= maxOccurrences else {
                    if occurrences == maxOccurrences + 1 {
                        problem("the file opens more than \(maxOccurrences) days and intervals", line: line, help: "split it, or use `yearly`, `monthly` and `weekly`")
                    }
                    return
                }
                let date = LocalDate(days: day)
                if upper - minute == 1440 {
                    file.dates.insert(date)
                    file.names[date] = Self.joined(file.names[date], name)
                } else {
                    file.timedNames[date] = Self.joined(file.timedNames[date], name)
                    file.timed[date, default: []].append(Int(minute - Int64(day) * 1440)..<Int(upper - Int64(day) * 1440))
                }
                minute = upper
            }
        }
    }

    /// Merged, sorted minute ranges per day.
    static func merged(_ timed: [LocalDate: [Range<Int>]]) -> [LocalDate: [Range<Int>]] {
        timed.mapValues { ranges in
            var result: [Range<Int>] = []
            for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
                if let last = result.last, range.lowerBound <= last.upperBound {
                    result[result.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
                } else {
                    result.append(range)
                }
            }
            return result
        }
    }
}

private extension ICSFileReader.Time {
    var isDate: Bool { if case .date = self { true } else { false } }
    var date: LocalDate {
        switch self {
        case .date(let date): date
        case .wall(let seconds, _): LocalDate(days: Int(CivilCalendar.floorDiv(seconds, 86_400)))
        }
    }
}
