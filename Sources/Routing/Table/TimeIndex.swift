import ConnectProtocol

/// The time dimension: finds the class of a moment, the set of rules whose time condition
/// holds then.
///
/// A time condition depends on the weekday, the minute of the day and which listed dates
/// (calendar `dates` and `except` dates) the day is. Days listed in the same sets share a
/// "date class" (every unlisted day is class 0). Within a day nothing changes between two
/// window boundaries, so the rules are evaluated once per segment between boundaries, for
/// each weekday of each date class, and each minute of that day points at the segment's
/// class: a lookup is a date probe and an array index.
struct TimeIndex: Sendable {
    /// Day number (offset by `dayKeyBase`) -> date class.
    let dateClass: NumberMap
    /// `dateClass * 7 + weekday` -> index of the first of that day's 1440 minutes, or -1.
    let dayStart: Frozen<Int32>
    let minuteClass: Frozen<UInt32>
    let matrix: BitMatrix

    static let dayKeyBase = 10_000_000

    @inline(__always)
    func row(_ moment: LocalMoment) -> Int {
        let found = dateClass.value(UInt64(moment.day + Self.dayKeyBase)).map { Int($0) } ?? 0
        let start = dayStart[found * 7 + moment.weekday.rawValue]
        return Int(minuteClass[Int(start) + moment.minute])
    }

    init(ruleSet: RuleSet, memory: TableMemory) {
        let matches = ruleSet.rules.map(\.conditions.time)

        // Date classes: one per distinct pattern of membership in the listed date sets.
        var memberships: [LocalDate: [Int32]] = [:]
        for (index, calendar) in ruleSet.calendars.enumerated() {
            for date in calendar.dates { memberships[date, default: []].append(Int32(index * 2)) }
            for date in calendar.exceptDates { memberships[date, default: []].append(Int32(index * 2 + 1)) }
        }
        var patternClass: [[Int32]: Int] = [[]: 0]
        var representatives: [LocalDate?] = [nil]
        var weekdays: [Set<Weekday>] = [Set(Weekday.allCases)]
        var dateClass: [(key: UInt64, value: UInt32)] = []
        for (date, pattern) in memberships.sorted(by: { $0.key < $1.key }) {
            let key = pattern.sorted()
            let id: Int
            if let existing = patternClass[key] {
                id = existing
            } else {
                id = representatives.count
                patternClass[key] = id
                representatives.append(date)
                weekdays.append([])
            }
            let day = CivilCalendar.days(year: date.year, month: date.month, day: date.day)
            weekdays[id].insert(Weekday(rawValue: CivilCalendar.weekday(days: day))!)
            dateClass.append((UInt64(day + Self.dayKeyBase), UInt32(id)))
        }
        // Class 0 stands for every unlisted day: evaluate it at a day no set lists.
        var unlisted = LocalDate(year: 1970, month: 1, day: 1)
        var unlistedDay = 0
        while memberships[unlisted] != nil {
            unlistedDay += 1
            let (year, month, day) = CivilCalendar.date(days: unlistedDay)
            unlisted = LocalDate(year: year, month: month, day: day)
        }
        representatives[0] = unlisted

        // Segment boundaries: every minute a window opens or closes, on any day.
        var cuts: Set<Int> = [0]
        func addCuts(_ windows: [WeeklyWindow]) {
            for window in windows {
                cuts.insert(window.start)
                cuts.insert(window.end % 1440)
            }
        }
        for calendar in ruleSet.calendars { addCuts(calendar.weekly) }
        for match in matches.compactMap({ $0 }) {
            for case .windows(let windows) in match.atoms { addCuts(windows) }
        }
        let segments = cuts.sorted()

        // Evaluate each (date class, weekday, segment) once; identical results share a row.
        var atomIDs: [TimeAtom: Int] = [:]
        for match in matches.compactMap({ $0 }) {
            for atom in match.atoms where atomIDs[atom] == nil { atomIDs[atom] = atomIDs.count }
        }
        let atoms = atomIDs.sorted { $0.value < $1.value }.map(\.key)
        let byID = matches.map { $0?.map { atomIDs[$0]! } }
        let template = RuleBits.unconstrained(matches)
        var rowIDs: [[UInt64]: Int] = [:]
        var rows: [[UInt64]] = []
        var dayStart = [Int32](repeating: -1, count: representatives.count * 7)
        var minuteClass: [UInt32] = []
        for (classIndex, representative) in representatives.enumerated() {
            let date = representative!
            for weekday in Weekday.allCases where weekdays[classIndex].contains(weekday) {
                dayStart[classIndex * 7 + weekday.rawValue] = Int32(minuteClass.count)
                for (segment, start) in segments.enumerated() {
                    let end = segment + 1 < segments.count ? segments[segment + 1] : 1440
                    var holds = [Bool](repeating: false, count: atoms.count)
                    for (index, atom) in atoms.enumerated() {
                        switch atom {
                        case .calendar(let calendar):
                            holds[index] = ruleSet.isOpen(calendar: calendar, date: date, weekday: weekday, minute: start)
                        case .windows(let windows):
                            holds[index] = windows.contains { $0.covers(weekday: weekday, minute: start) }
                        }
                    }
                    var row = template
                    for (rule, match) in byID.enumerated() {
                        if let match, match.holds({ holds[$0] }) { row.set(rule) }
                    }
                    let id = rowIDs[row.words] ?? {
                        rowIDs[row.words] = rows.count
                        rows.append(row.words)
                        return rows.count - 1
                    }()
                    minuteClass += [UInt32](repeating: UInt32(id), count: end - start)
                }
            }
        }
        self.dateClass = NumberMap(entries: dateClass, memory: memory)
        self.dayStart = memory.freeze(dayStart)
        self.minuteClass = memory.freeze(minuteClass)
        matrix = BitMatrix(template: template.words, rows: rows, memory: memory)
    }
}
