import Foundation
import ConnectProtocol
import Routing

/// Context-free readers of the language's scalar forms. Each returns the value or a
/// message saying what is wrong; the checker turns messages into diagnostics.
enum Values {
    struct Problem: Error {
        let code: DiagnosticCode
        let message: String
        var help: String?
    }

    static let maxNameLength = 64

    /// Names of agents, groups, lists, calendars, skills and rules.
    static func isName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, text.unicodeScalars.count <= maxNameLength,
              first.properties.isAlphabetic && first.isASCII else { return false }
        return text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") }
    }

    /// `45`, `45s`, `30m`, `1h`, `1m30s`: seconds.
    static func duration(_ text: String) -> Result<Int, Problem> {
        let problem = Problem(code: .invalidDuration, message: "`\(text)` is not a duration",
                              help: "write seconds (`45` or `45s`), minutes (`30m`), hours (`1h`) or a sum such as `1m30s`")
        if !text.isEmpty, text.allSatisfy(\.isASCIIDigit) {
            return Int(text).map { .success($0) } ?? .failure(problem)
        }
        var total = 0
        var number = ""
        var lastUnit = Int.max
        for character in text {
            if character.isASCIIDigit {
                number.append(character)
                continue
            }
            let scale: Int
            switch character {
            case "h": scale = 3600
            case "m": scale = 60
            case "s": scale = 1
            default: return .failure(problem)
            }
            guard !number.isEmpty, number.count <= 6, let value = Int(number), scale < lastUnit else { return .failure(problem) }
            total += value * scale
            lastUnit = scale
            number = ""
        }
        return number.isEmpty && !text.isEmpty ? .success(total) : .failure(problem)
    }

    /// Seconds as the rule language writes a duration: `60s`, `75m`, `2h`.
    static func durationText(seconds: Int) -> String {
        if seconds < 120 { return "\(seconds)s" }
        if seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }

    /// A human form of a number of seconds, for limit messages.
    static func describe(seconds: Int) -> String {
        seconds >= 120 && seconds % 60 == 0 ? "\(seconds) seconds (\(seconds / 60) min)" : "\(seconds) seconds"
    }

    /// `YYYY-MM-DD`, a date that exists.
    static func date(_ text: String) -> Result<LocalDate, Problem> {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }) else {
            return .failure(Problem(code: .invalidDate, message: "`\(text)` is not a date", help: "write dates as `YYYY-MM-DD`, such as `2026-01-26`"))
        }
        let date = LocalDate(year: year, month: month, day: day)
        guard date.isValid else {
            return .failure(Problem(code: .invalidDate, message: "`\(text)` is not a day of the calendar"))
        }
        return .success(date)
    }

    /// A range of dates, however long, is expanded into them; past this it is refused.
    static let maxRangeDays = 3_660

    /// `YYYY-MM-DD` or an inclusive range `YYYY-MM-DD..YYYY-MM-DD`.
    static func dates(_ text: String) -> Result<ClosedRange<LocalDate>, Problem> {
        guard let dots = text.range(of: "..") else { return date(text).map { $0...$0 } }
        let first = String(text[..<dots.lowerBound]).trimmingCharacters(in: .whitespaces)
        let last = String(text[dots.upperBound...]).trimmingCharacters(in: .whitespaces)
        let start: LocalDate, end: LocalDate
        switch (date(first), date(last)) {
        case (.success(let a), .success(let b)): (start, end) = (a, b)
        case (.failure(let problem), _), (_, .failure(let problem)): return .failure(problem)
        }
        guard start <= end else {
            return .failure(Problem(code: .invalidDate, message: "the range `\(text)` ends before it starts",
                                    help: "write the earlier date first: `\(end)..\(start)`"))
        }
        guard end.days - start.days < maxRangeDays else {
            return .failure(Problem(code: .invalidDate, message: "the range `\(text)` is \(end.days - start.days + 1) days long, over the limit of \(maxRangeDays)",
                                    help: "check the years; for a day every year write it under `yearly`"))
        }
        return .success(start...end)
    }

    /// `MM-DD`, a day some year has (`02-29` is a leap day).
    static func monthDay(_ text: String) -> Result<MonthDay, Problem> {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }), let month = Int(parts[0]), let day = Int(parts[1]) else {
            return .failure(Problem(code: .invalidDate, message: "`\(text)` is not a day of the year",
                                    help: "write `MM-DD`, such as `08-15` for 15 August"))
        }
        guard (1...12).contains(month), (1...CivilCalendar.daysInMonth(year: 2000, month: month)).contains(day) else {
            let help = (1...12).contains(month)
                ? "month \(month) has \(CivilCalendar.daysInMonth(year: 2000, month: month)) days" : "months run from 01 to 12"
            return .failure(Problem(code: .invalidDate, message: "`\(text)` is not a day of the year", help: help))
        }
        return .success(MonthDay(month: month, day: day))
    }

    /// `2nd sat`, `last fri`: an ordinal (`1st`..`5th`, `last`) and a weekday.
    static func monthlyDay(_ text: String) -> Result<MonthlyDay, Problem> {
        let words = text.lowercased().split(separator: " ", omittingEmptySubsequences: true)
        let ordinals = ["1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "first": 1, "second": 2, "third": 3,
                        "fourth": 4, "fifth": 5, "last": MonthlyDay.last]
        let help = "write an ordinal and a weekday, such as \"2nd sat\" or \"last fri\" (`1st` to `5th`, or `last`)"
        guard words.count == 2 else {
            return .failure(Problem(code: .invalidMonthlyDay, message: "`\(text)` is not a day of the month", help: help))
        }
        guard let ordinal = ordinals[String(words[0])] else {
            let number = words[0].prefix { $0.isASCIIDigit }
            let message = number.isEmpty ? "`\(words[0])` is not an ordinal" : "a month has at most five of each weekday, so there is no `\(words[0])`"
            return .failure(Problem(code: .invalidMonthlyDay, message: message, help: help))
        }
        guard let weekday = dayNames[String(words[1])] else {
            return .failure(Problem(code: .invalidWeekday, message: "`\(words[1])` is not a weekday",
                                    help: Suggestions.help(for: String(words[1]), in: Array(dayNames.keys)) ?? "write `mon`..`sun`"))
        }
        return .success(MonthlyDay(ordinal: ordinal, weekday: weekday))
    }

    /// `HH:MM-HH:MM`, half-open, `24:00` allowed as the end; an end before the start
    /// crosses midnight.
    static func window(_ text: Substring) -> Result<(start: Int, end: Int), Problem> {
        let bad = Problem(code: .invalidWindow, message: "`\(text)` is not a time window",
                          help: "write `HH:MM-HH:MM` in 24-hour time, such as `09:30-18:30`; `22:00-06:00` crosses midnight")
        let halves = text.split(separator: "-", omittingEmptySubsequences: false)
        guard halves.count == 2, let start = minutes(halves[0]), let end = minutes(halves[1]) else { return .failure(bad) }
        if start == 24 * 60 {
            return .failure(Problem(code: .invalidWindow, message: "`\(text)` starts at 24:00", help: "start the window at `00:00`"))
        }
        if start == end {
            return .failure(Problem(code: .invalidWindow, message: "`\(text)` is empty: it starts and ends at the same time",
                                    help: "for a whole day write `00:00-24:00`"))
        }
        return .success((start, end == 0 ? 24 * 60 : end))
    }

    private static func minutes(_ text: Substring) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              let hour = Int(parts[0]), let minute = Int(parts[1]),
              parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
              (0...24).contains(hour), (0...59).contains(minute), hour < 24 || minute == 0 else { return nil }
        return hour * 60 + minute
    }

    static let dayNames: [String: Weekday] = {
        var names: [String: Weekday] = [:]
        let full = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
        for day in Weekday.allCases {
            names[day.shortName] = day
            names[full[day.rawValue]] = day
        }
        return names
    }()

    static let daySets: [String: [Weekday]] = [
        "daily": Weekday.allCases,
        "weekdays": [.monday, .tuesday, .wednesday, .thursday, .friday],
        "weekends": [.saturday, .sunday],
    ]

    /// `mon`, `mon-fri`, `fri-mon` (wraps), `mon,wed,fri`, `daily`, `weekdays`, `weekends`.
    static func days(_ text: Substring) -> Result<[Weekday], Problem> {
        var days: [Weekday] = []
        for item in text.lowercased().split(separator: ",", omittingEmptySubsequences: false) {
            let item = item.trimmingCharacters(in: .whitespaces)
            if let set = daySets[item] {
                days += set
                continue
            }
            let ends = item.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            var resolved: [Weekday] = []
            for end in ends {
                guard let day = dayNames[end] else {
                    return .failure(Problem(code: .invalidWeekday, message: "`\(end)` is not a weekday",
                                            help: Suggestions.help(for: end, in: Array(dayNames.keys) + Array(daySets.keys))
                                                ?? "write `mon`..`sun`, a range such as `mon-fri`, or `daily`, `weekdays`, `weekends`"))
                }
                resolved.append(day)
            }
            switch resolved.count {
            case 1: days.append(resolved[0])
            case 2:
                var day = resolved[0]
                days.append(day)
                while day != resolved[1] {
                    day = day.next
                    days.append(day)
                }
            default:
                return .failure(Problem(code: .invalidWeekday, message: "`\(item)` is not a weekday or a range of weekdays",
                                        help: "write a range as `mon-fri`"))
            }
        }
        var seen = Set<Weekday>()
        return .success(days.filter { seen.insert($0).inserted })
    }

    /// An inline time condition: `"09:30-18:30"` (every day), `"mon-fri 09:30-18:30"`, with
    /// several windows separated by commas.
    static func inlineWindows(_ text: String) -> Result<[WeeklyWindow], Problem> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var days = Weekday.allCases
        var windowText = trimmed[...]
        // Days come first when the text starts with a letter: "mon-fri 09:30-18:30".
        if trimmed.first?.isLetter == true {
            guard let space = trimmed.firstIndex(of: " ") else {
                return .failure(Problem(code: .invalidWindow, message: "`\(text)` has days but no time window",
                                        help: "write `DAYS HH:MM-HH:MM`, such as \"mon-fri 09:30-18:30\""))
            }
            switch Values.days(trimmed[..<space]) {
            case .success(let resolved): days = resolved
            case .failure(let problem): return .failure(problem)
            }
            windowText = trimmed[space...]
        }
        return weeklyWindows(days: days, windowText.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces)[...] })
    }

    static func weeklyWindows(days: [Weekday], _ windows: [Substring]) -> Result<[WeeklyWindow], Problem> {
        var result: [WeeklyWindow] = []
        for text in windows {
            switch window(text) {
            case .success(let (start, end)):
                result += days.map { WeeklyWindow(day: $0, start: start, end: end) }
            case .failure(let problem):
                return .failure(problem)
            }
        }
        return .success(result)
    }

    /// An http(s) URL with a host, no spaces, within Exotel's length.
    static func url(_ text: String) -> Result<String, Problem> {
        if text.count > ConnectLimits.maxURLLength {
            return .failure(Problem(code: .tooLong, message: "URL is \(text.count) characters, over the limit of \(ConnectLimits.maxURLLength)"))
        }
        let lower = text.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            return .failure(Problem(code: .invalidURL, message: "`\(text)` is not an http(s) URL",
                                    help: "Exotel fetches only http:// and https:// URLs"))
        }
        guard !text.contains(where: { $0.isWhitespace }), let url = URL(string: text), let host = url.host, !host.isEmpty else {
            return .failure(Problem(code: .invalidURL, message: "`\(text)` is not a valid URL",
                                    help: "percent-encode spaces and check the host name"))
        }
        return .success(text)
    }

    /// IVR digits: what a caller can press.
    static func isDigits(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 16 && text.allSatisfy { $0.isASCIIDigit || $0 == "*" || $0 == "#" }
    }
}

extension LocalDate {
    /// `YYYY-MM-DD` as the rule language reads dates (a command line's `--from`).
    public init?(parsing text: String) {
        guard case .success(let date) = Values.date(text) else { return nil }
        self = date
    }
}
