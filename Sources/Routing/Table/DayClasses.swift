import ConnectProtocol

/// The kinds of day a rule set's calendars tell apart, for the time dimension.
///
/// A day's *pattern* is everything about it, apart from its weekday, that a time condition
/// can see: which calendars list it (a date, a yearly or monthly day, `on` hours, timed
/// events, an `except` date), and, for a calendar kept in another zone, which days of that
/// zone the rule set's day spans and how that zone's clock stands to the rule set's through
/// the day. Days with equal patterns and weekdays answer alike at every minute, so each
/// class of days is evaluated once, on a day that has it.
///
/// Days the calendars list, and days whose clock difference is not the usual one (DST in
/// either zone, 2000 to 2099), are kept by day number; days that only yearly and monthly
/// days mark, by their day in the 400-year Gregorian cycle (with which weekdays repeat);
/// every other day is class 0.
struct DayClasses {
    static let cycle = 146_097
    /// Clock differences are read over the years requests can carry (`CurrentTime` is read
    /// from 2000; the zone tables end in 2099 and keep their last offsets after).
    static let sweep = CivilCalendar.days(year: 2000, month: 1, day: 1)...CivilCalendar.days(year: 2100, month: 1, day: 1)

    /// Day number -> class.
    private(set) var explicit: [Int: Int] = [:]
    /// Day of the cycle -> class, for days only periodic forms mark.
    private(set) var periodic: [Int: Int] = [:]
    /// Class -> pattern; class 0 is the empty one.
    private(set) var patterns: [[UInt64]] = [[]]
    let shifts: [ZoneShift]

    static func cycleDay(_ day: Int) -> Int { ((day % cycle) + cycle) % cycle }

    /// The calendars of each zone, and the days of it a rule set's day touches.
    struct Zone {
        /// Indexes into `RuleSet.calendars`.
        var calendars: [Int]
        /// Days relative to the rule set's that its minutes fall on, for all-day forms.
        var span: ClosedRange<Int>
    }

    let zones: [Zone]

    init(ruleSet: RuleSet, clocks: ZoneClocks) {
        let others = ruleSet.otherZones
        let shifts = others.map { ZoneShift(home: clocks.home, other: clocks.others[$0]!) }
        self.shifts = shifts
        // The rule set's own zone first, then one per other zone, in `shifts`' order.
        var zones = [Zone(calendars: [], span: 0...0)]
        zones += shifts.map { Zone(calendars: [], span: $0.span) }
        for (index, calendar) in ruleSet.calendars.enumerated() {
            let zone = calendar.timeZone.flatMap { others.firstIndex(of: $0) }.map { $0 + 1 } ?? 0
            zones[zone].calendars.append(index)
        }
        self.zones = zones

        var marks: [Int: [UInt64]] = [:] // explicit day -> its non-periodic marks
        for zone in zones {
            for index in zone.calendars {
                let calendar = ruleSet.calendars[index]
                // An `on` day's windows may run into the next day, so the day after sees it.
                let specialSpan = (zone.span.lowerBound - 1)...zone.span.upperBound
                func mark(_ days: some Sequence<LocalDate>, _ span: ClosedRange<Int>, _ kind: Mark, _ payload: (LocalDate) -> Int) {
                    for date in days {
                        let day = date.days
                        for offset in span { marks[day - offset, default: []].append(Mark.make(kind, index, offset, payload(date))) }
                    }
                }
                mark(calendar.dates, zone.span, .allDay) { _ in 0 }
                mark(calendar.exceptDates, zone.span, .except) { _ in 0 }
                var windowLists: [[WeeklyWindow]: Int] = [:]
                mark(calendar.special.keys, specialSpan, .special) { date in
                    let windows = calendar.special[date]!
                    if let id = windowLists[windows] { return id }
                    windowLists[windows] = windowLists.count
                    return windowLists.count - 1
                }
                var rangeLists: [[Range<Int>]: Int] = [:]
                mark(calendar.timed.keys, zone.span, .timed) { date in
                    let ranges = calendar.timed[date]!
                    if let id = rangeLists[ranges] { return id }
                    rangeLists[ranges] = rangeLists.count
                    return rangeLists.count - 1
                }
            }
        }
        for (zone, shift) in shifts.enumerated() {
            for (day, signature) in shift.unusual { marks[day, default: []].append(Mark.make(.shift, zone, 0, signature)) }
        }

        // Periodic marks by day of the cycle (1970-01-01 is its day 0): each yearly and
        // monthly day of the 400 years from 1970, seen from the days of the rule set's zone
        // that span it.
        var cycleMarks: [Int: [UInt64]] = [:]
        for zone in zones {
            for index in zone.calendars where ruleSet.calendars[index].isPeriodic {
                var days = Set<Int>()
                let calendar = ruleSet.calendars[index]
                for year in 1970..<2370 {
                    for day in calendar.yearly {
                        let date = LocalDate(year: year, month: day.month, day: day.day)
                        if date.isValid { days.insert(date.days) }
                    }
                    for month in 1...12 {
                        for day in calendar.monthly { if let found = day.day(year: year, month: month) { days.insert(found) } }
                    }
                }
                for day in days {
                    for offset in zone.span { cycleMarks[Self.cycleDay(day - offset), default: []].append(Mark.make(.allDay, index, offset, 0)) }
                }
            }
        }
        func periodicMarks(_ day: Int) -> [UInt64] { cycleMarks[Self.cycleDay(day)] ?? [] }

        var classes: [[UInt64]: Int] = [[]: 0]
        // Marks as gathered: days of one kind gather them in the same order, so most days
        // find their class without sorting.
        var gathered: [[UInt64]: Int] = [:]
        func classOf(_ pattern: [UInt64]) -> Int {
            if let id = gathered[pattern] { return id }
            let key = Array(Set(pattern)).sorted()
            let id = classes[key] ?? {
                classes[key] = patterns.count
                patterns.append(key)
                return patterns.count - 1
            }()
            gathered[pattern] = id
            return id
        }
        for (day, dayMarks) in marks {
            explicit[day] = classOf(dayMarks + periodicMarks(day))
        }
        for (day, found) in cycleMarks {
            periodic[day] = classOf(found)
        }
    }

    /// The signature of `day` in other zone `zone`: the default one unless listed.
    func signature(zone: Int, day: Int) -> [ZoneShift.Piece] {
        let shift = shifts[zone]
        return shift.signatures[shift.unusual[day] ?? 0]
    }
}

/// What a day pattern is made of: a kind, its calendar (or zone), the day relative to the
/// rule set's, and what distinguishes marks of the same kind (which `on` hours).
enum Mark: UInt64 {
    case allDay = 1, except, special, timed, shift

    static func make(_ kind: Mark, _ owner: Int, _ offset: Int, _ payload: Int) -> UInt64 {
        kind.rawValue << 60 | UInt64(owner) << 36 | UInt64(offset + 8) << 32 | UInt64(payload)
    }
}

/// How another zone's clock stands to the rule set's, day by day.
struct ZoneShift {
    /// From `minute` of the rule set's day on, the other zone reads `delta` seconds later.
    struct Piece: Hashable {
        let minute: Int
        let delta: Int64
    }

    let home: ZoneRules
    let other: ZoneRules
    /// Distinct signatures (a day's pieces); 0 is the usual one.
    private(set) var signatures: [[Piece]]
    /// Days (2000 to 2099) whose signature is not the usual one.
    private(set) var unusual: [Int: Int] = [:]

    /// Relative days a rule set's day touches in the other zone.
    var span: ClosedRange<Int> {
        let deltas = signatures.flatMap { $0.map(\.delta) }
        let low = Int(CivilCalendar.floorDiv(deltas.min()!, 86_400)), high = Int(CivilCalendar.floorDiv(86_399 + deltas.max()!, 86_400))
        return low...high
    }

    init(home: ZoneRules, other: ZoneRules) {
        self.home = home
        self.other = other
        // After the zone tables end, both zones keep their last offsets.
        let usual = [Piece(minute: 0, delta: other.offsets.last! - home.offsets.last!)]
        signatures = [usual]
        guard home.offsets.count > 1 || other.offsets.count > 1 else { return }
        // Days with a clock change in either zone are read minute by minute.
        var changing = Set<Int>()
        for zone in [home, other] {
            for start in zone.starts.dropFirst() {
                let day = Int(CivilCalendar.floorDiv(start + home.offset(atUTC: start), 86_400))
                changing.formUnion([day - 1, day, day + 1])
            }
        }
        var ids: [[Piece]: Int] = [usual: 0]
        for day in DayClasses.sweep {
            let pieces: [Piece]
            if changing.contains(day) {
                var found: [Piece] = []
                for minute in 0..<1440 {
                    let delta = Self.delta(home, other, day: day, minute: minute)
                    if found.last?.delta != delta { found.append(Piece(minute: minute, delta: delta)) }
                }
                pieces = found
            } else {
                pieces = [Piece(minute: 0, delta: Self.delta(home, other, day: day, minute: 0))]
            }
            guard pieces != usual else { continue }
            if ids[pieces] == nil {
                ids[pieces] = signatures.count
                signatures.append(pieces)
            }
            unusual[day] = ids[pieces]
        }
    }

    static func delta(_ home: ZoneRules, _ other: ZoneRules, day: Int, minute: Int) -> Int64 {
        let local = Int64(day) * 86_400 + Int64(minute) * 60
        let utc = home.utc(fromLocal: local)
        return utc + other.offset(atUTC: utc) - local
    }
}
