import ConnectProtocol

/// The time dimension: finds the class of a moment, the set of rules whose time condition
/// holds then.
///
/// A time condition depends on the kind of day (see `DayClasses`), the weekday and the
/// minute. Within a day nothing changes between two boundaries (a window opening or
/// closing, midnight in another zone, a clock change there), so each kind of day is
/// evaluated once per weekday it falls on, once per segment between boundaries, and each
/// of its 1440 minutes points at the segment's class: a lookup is one or two hash probes
/// and an array index.
struct TimeIndex: Sendable {
    /// Day number (offset by `dayKeyBase`) -> day class, for the days calendars list.
    let dateClass: NumberMap
    /// Day of the 400-year cycle, plus 1 (0 is the map's empty mark) -> day class, for days
    /// only yearly and monthly days mark.
    let cycleClass: NumberMap?
    /// `dayClass * 7 + weekday` -> index of the first of that day's 1440 minutes.
    let dayStart: Frozen<Int32>
    let minuteClass: Frozen<UInt32>
    let matrix: BitMatrix
    /// `dayClass * 7 + weekday` -> a day of that kind (for the analyses' examples), or nil
    /// for a kind of day that never falls on that weekday.
    let slotDays: [Int?]

    static let dayKeyBase = 10_000_000

    @inline(__always)
    func row(_ moment: LocalMoment) -> Int {
        var found = dateClass.value(UInt64(moment.day + Self.dayKeyBase))
        if found == nil, let cycleClass { found = cycleClass.value(UInt64(DayClasses.cycleDay(moment.day) + 1)) }
        let start = dayStart[Int(found ?? 0) * 7 + moment.weekday.rawValue]
        return Int(minuteClass[Int(start) + moment.minute])
    }

    init(ruleSet: RuleSet, memory: TableMemory) {
        let clocks = ZoneClocks(ruleSet: ruleSet)
        let days = DayClasses(ruleSet: ruleSet, clocks: clocks)
        let slotDays = Self.representatives(days)

        let matches = ruleSet.rules.map(\.conditions.time)
        var atomIDs: [TimeAtom: Int] = [:]
        for match in matches.compactMap({ $0 }) {
            for atom in match.atoms where atomIDs[atom] == nil { atomIDs[atom] = atomIDs.count }
        }
        let atoms = atomIDs.sorted { $0.value < $1.value }.map(\.key)
        let byID = matches.map { $0?.map { atomIDs[$0]! } }
        let template = RuleBits.unconstrained(matches)
        let cuts = Cuts(ruleSet: ruleSet, days: days, atoms: atoms)

        // Rows by the atoms that hold: the rules are walked once per distinct combination.
        var rowOfAtoms: [[Bool]: Int] = [:]
        var rows: [[UInt64]] = []
        var rowIDs: [[UInt64]: Int] = [:]
        func row(_ holds: [Bool]) -> Int {
            if let id = rowOfAtoms[holds] { return id }
            var bits = template
            for (rule, match) in byID.enumerated() {
                if let match, match.holds({ holds[$0] }) { bits.set(rule) }
            }
            let id = rowIDs[bits.words] ?? {
                rowIDs[bits.words] = rows.count
                rows.append(bits.words)
                return rows.count - 1
            }()
            rowOfAtoms[holds] = id
            return id
        }

        var dayStart = [Int32](repeating: -1, count: slotDays.count)
        var minuteClass: [UInt32] = []
        var dayOffsets: [[UInt32]: Int32] = [:] // kinds of day that answer alike share minutes
        for (slot, day) in slotDays.enumerated() {
            guard let day else { continue }
            var minutes = [UInt32](repeating: 0, count: 1440)
            let segments = cuts.segments(day: day)
            for (position, start) in segments.enumerated() {
                let end = position + 1 < segments.count ? segments[position + 1] : 1440
                let moment = LocalMoment(localSeconds: Int64(day) * 86_400 + Int64(start) * 60)
                let holds = atoms.map { atom in
                    switch atom {
                    case .calendar(let calendar): ruleSet.isOpen(calendar: calendar, at: moment, zones: clocks)
                    case .windows(let windows): windows.contains { $0.covers(weekday: moment.weekday, minute: start) }
                    }
                }
                let id = UInt32(row(holds))
                for minute in start..<end { minutes[minute] = id }
            }
            if let offset = dayOffsets[minutes] {
                dayStart[slot] = offset
            } else {
                dayStart[slot] = Int32(minuteClass.count)
                dayOffsets[minutes] = Int32(minuteClass.count)
                minuteClass += minutes
            }
        }
        // A kind of day that never falls on a weekday is never looked up; it points at the
        // first day's minutes rather than at nothing.
        for slot in dayStart.indices where dayStart[slot] < 0 { dayStart[slot] = 0 }

        func entries(_ map: [Int: Int], base: Int) -> [(key: UInt64, value: UInt32)] {
            map.filter { $0.value != 0 }.sorted { $0.key < $1.key }.map { (UInt64($0.key + base), UInt32($0.value)) }
        }
        dateClass = NumberMap(entries: entries(days.explicit, base: Self.dayKeyBase), memory: memory)
        cycleClass = days.periodic.isEmpty ? nil : NumberMap(entries: entries(days.periodic, base: 1), memory: memory)
        self.dayStart = memory.freeze(dayStart)
        self.minuteClass = memory.freeze(minuteClass)
        self.slotDays = slotDays
        matrix = BitMatrix(template: template.words, rows: rows, memory: memory)
    }

    /// For each kind of day and weekday, a day of that kind: the first from 2027-01-04 on,
    /// or the last before it for days listed only before. Day classes repeat with the
    /// 400-year cycle apart from listed days, so one cycle from there finds every kind that
    /// falls on a weekday at all.
    static func representatives(_ days: DayClasses) -> [Int?] {
        var result = [Int?](repeating: nil, count: days.patterns.count * 7)
        let reference = CivilCalendar.days(year: 2027, month: 1, day: 4) // a Monday
        for (day, classID) in days.explicit {
            let slot = classID * 7 + CivilCalendar.weekday(days: day)
            if let chosen = result[slot] {
                let better = chosen < reference ? day > chosen || day >= reference : day >= reference && day < chosen
                if better { result[slot] = day }
            } else {
                result[slot] = day
            }
        }
        // Every kind of day the cycle marks, and the ordinary day of each weekday: once all
        // are found (at once without yearly or monthly days) the rest of the cycle adds none.
        var missing = Set(days.periodic.map { $0.value * 7 + CivilCalendar.weekday(days: $0.key) }).union(0..<7)
        missing.subtract(result.indices.filter { result[$0] != nil })
        for offset in 0..<DayClasses.cycle where !missing.isEmpty {
            var day = reference + offset
            while days.explicit[day] != nil { day += DayClasses.cycle } // listed days are finitely many
            let slot = (days.periodic[DayClasses.cycleDay(day)] ?? 0) * 7 + CivilCalendar.weekday(days: day)
            if result[slot] == nil {
                result[slot] = day
                missing.remove(slot)
            }
        }
        return result
    }
}

extension RuleSet {
    /// For each calendar, whether it is open at some moment: tried at every segment of every
    /// kind of day, so exact.
    public func calendarsEverOpen() -> [Bool] {
        let clocks = ZoneClocks(ruleSet: self)
        let days = DayClasses(ruleSet: self, clocks: clocks)
        let cuts = Cuts(ruleSet: self, days: days, atoms: [])
        var open = [Bool](repeating: false, count: calendars.count)
        for day in TimeIndex.representatives(days).compactMap({ $0 }) where open.contains(false) {
            for minute in cuts.segments(day: day) {
                let moment = LocalMoment(localSeconds: Int64(day) * 86_400 + Int64(minute) * 60)
                for index in calendars.indices where !open[index] { open[index] = isOpen(calendar: index, at: moment, zones: clocks) }
            }
        }
        return open
    }
}

/// Where a day's segments start: every minute at which some atom may change.
private struct Cuts {
    let ruleSet: RuleSet
    let days: DayClasses
    /// Minutes of every day: the rule set's weekly windows, in its zone.
    let everyDay: Set<Int>
    /// Per other zone, minutes of its every day.
    let zoneDays: [Set<Int>]

    init(ruleSet: RuleSet, days: DayClasses, atoms: [TimeAtom]) {
        self.ruleSet = ruleSet
        self.days = days
        func minutes(_ windows: [WeeklyWindow]) -> Set<Int> { Set(windows.flatMap { [$0.start, $0.end % 1440] }) }
        var everyDay: Set<Int> = [0]
        for index in days.zones[0].calendars { everyDay.formUnion(minutes(ruleSet.calendars[index].weekly)) }
        for case .windows(let windows) in atoms { everyDay.formUnion(minutes(windows)) }
        self.everyDay = everyDay
        zoneDays = days.zones.dropFirst().map { zone in
            zone.calendars.reduce(into: Set([0])) { $0.formUnion(minutes(ruleSet.calendars[$1].weekly)) }
        }
    }

    /// Minutes of one date of a zone where its calendars' own hours begin or end.
    private func dated(_ calendars: [Int], _ date: LocalDate) -> Set<Int> {
        var result = Set<Int>()
        let yesterday = LocalDate(days: date.days - 1)
        for index in calendars {
            let calendar = ruleSet.calendars[index]
            for window in calendar.special[date] ?? [] { result.formUnion([window.start, window.end % 1440]) }
            for window in calendar.special[yesterday] ?? [] where window.crossesMidnight { result.insert(window.end) }
            for range in calendar.timed[date] ?? [] { result.formUnion([range.lowerBound, range.upperBound % 1440]) }
        }
        return result
    }

    func segments(day: Int) -> [Int] {
        var result = everyDay.union(dated(days.zones[0].calendars, LocalDate(days: day)))
        for (zone, shift) in days.shifts.enumerated() {
            let calendars = days.zones[zone + 1].calendars
            let pieces = days.signature(zone: zone, day: day)
            for (position, piece) in pieces.enumerated() {
                let end = position + 1 < pieces.count ? pieces[position + 1].minute : 1440
                result.insert(piece.minute)
                for offset in (shift.span.lowerBound - 1)...shift.span.upperBound {
                    let boundaries = zoneDays[zone].union(dated(calendars, LocalDate(days: day + offset)))
                    for boundary in boundaries {
                        // The first minute of the rule set's day at which the other zone reads
                        // `boundary` of the day `offset` days away, or later.
                        let second = Int64(offset * 1440 + boundary) * 60 - piece.delta
                        let minute = Int(CivilCalendar.floorDiv(second + 59, 60))
                        if piece.minute <= minute && minute < end { result.insert(minute) }
                    }
                }
            }
        }
        return result.sorted()
    }
}
