import ConnectProtocol
import Foundation
import Routing

/// A seeded generator (SplitMix64): every failure prints the seed that reproduces it.
struct SeededRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    mutating func chance(_ probability: Double) -> Bool { Double(next() % 1_000_000) / 1_000_000 < probability }

    mutating func pick<T>(_ items: [T]) -> T { items[int(0...items.count - 1)] }
}

/// Random rule sets in the IR, built to collide: few digits so that numbers, prefixes and
/// lists overlap; windows across midnight; holidays on DST days; zones with DST.
struct RuleSetGenerator {
    var random: SeededRandom
    /// Whether some rule sets have hundreds of rules (see `ruleSet()`).
    var largeRuleSets = false

    static let zones = ["Asia/Kolkata", "America/New_York", "Europe/London", "Australia/Sydney", "UTC", "Asia/Kathmandu"]
    /// Days around DST changes in the zones above, and ordinary ones.
    static let interestingDates: [LocalDate] = [
        .init(year: 2026, month: 3, day: 8), .init(year: 2026, month: 11, day: 1), .init(year: 2026, month: 3, day: 29),
        .init(year: 2026, month: 10, day: 25), .init(year: 2026, month: 4, day: 5), .init(year: 2026, month: 10, day: 4),
        .init(year: 2026, month: 1, day: 26), .init(year: 2026, month: 11, day: 28), .init(year: 2026, month: 12, day: 31),
        .init(year: 2027, month: 1, day: 1), .init(year: 2026, month: 2, day: 28), .init(year: 2026, month: 11, day: 27),
        .init(year: 2026, month: 11, day: 14), .init(year: 2026, month: 8, day: 15), .init(year: 2026, month: 5, day: 31),
    ]

    /// A number of the pool: `+9198450` then five digits from 0-3, so that they collide.
    mutating func poolNumber() -> PhoneNumber {
        var digits = "9198450"
        for _ in 0..<5 { digits += String(random.int(0...3)) }
        return PhoneNumber(uncheckedDigits: digits[...])
    }

    mutating func prefix() -> String {
        String(poolNumber().digits.prefix(random.int(3...11)))
    }

    mutating func numberAtom(lists: Int, tables: [Int] = []) -> NumberAtom {
        switch random.int(0...3) {
        case 0: return .number(poolNumber())
        case 1: return .prefix(prefix())
        case 2: return tables.isEmpty ? .prefix(prefix()) : .table(random.pick(tables))
        default: return lists > 0 ? .list(random.int(0...lists - 1)) : .prefix(prefix())
        }
    }

    /// `CustomField` texts, some alike but for their bytes: the decomposed and precomposed
    /// é are one text to Swift's `==` and two to Exotel.
    static let customFields = ["hindi", "tamil", "lead-1", "LEAD-1", "lead 2", "caf\u{E9}", "cafe\u{301}", "a&b=c"]

    /// Mostly one number of the pool, sometimes a long prefix or a list.
    mutating func selectiveAtom(lists: Int) -> NumberAtom {
        switch random.int(0...9) {
        case 0...6: return .number(poolNumber())
        case 7, 8: return .prefix(String(poolNumber().digits.prefix(random.int(10...11))))
        default: return lists > 0 ? .list(random.int(0...lists - 1)) : .number(poolNumber())
        }
    }

    mutating func match<Atom>(_ atom: (inout RuleSetGenerator) -> Atom, depth: Int = 0) -> Match<Atom> {
        switch random.int(0...(depth >= 2 ? 0 : 5)) {
        case 0, 1, 2: return .atom(atom(&self))
        case 3, 4: return .anyOf((0...random.int(1...3)).map { _ in match(atom, depth: depth + 1) })
        default: return .not(match(atom, depth: depth + 1))
        }
    }

    mutating func window() -> WeeklyWindow {
        let start = random.pick([0, 60, 90, 120, 150, 180, 540, 570, 780, 840, 1080, 1110, 1320, 1380])
        var end = random.pick([60, 120, 150, 180, 240, 360, 570, 780, 1110, 1380, 1440])
        if end == start { end = (start + 30) % 1440 }
        return WeeklyWindow(day: Weekday(rawValue: random.int(0...6))!, start: start, end: end == 0 ? 1440 : end)
    }

    /// A calendar with some of every form, sometimes in a zone of its own.
    mutating func calendar(_ index: Int) -> RuleCalendar {
        var dates = Set((0..<random.int(0...3)).map { _ in date() })
        if random.chance(0.2) {
            let first = date().days
            for day in first...(first + random.int(1...9)) { dates.insert(LocalDate(days: day)) }
        }
        var yearly = Set<MonthDay>()
        for _ in 0..<(random.chance(0.3) ? random.int(1...2) : 0) {
            let picked = date()
            yearly.insert(MonthDay(month: picked.month, day: picked.day))
        }
        var monthly = Set<MonthlyDay>()
        for _ in 0..<(random.chance(0.3) ? random.int(1...2) : 0) {
            monthly.insert(MonthlyDay(ordinal: random.pick([1, 2, 4, 5, MonthlyDay.last]), weekday: Weekday(rawValue: random.int(0...6))!))
        }
        var special: [LocalDate: [WeeklyWindow]] = [:]
        for _ in 0..<(random.chance(0.3) ? random.int(1...2) : 0) {
            let day = date()
            special[day] = (0..<random.int(0...2)).map { _ in
                let window = window()
                return WeeklyWindow(day: day.weekday, start: window.start, end: window.end)
            }
        }
        var timed: [LocalDate: [Range<Int>]] = [:]
        for _ in 0..<(random.chance(0.2) ? random.int(1...2) : 0) {
            let start = random.pick([0, 59, 120, 540, 600, 1380])
            timed[date()] = [start..<min(1440, start + random.pick([1, 30, 61, 600, 1440]))]
        }
        return RuleCalendar(
            name: "calendar\(index)",
            timeZone: random.chance(0.3) ? random.pick(Self.zones) : nil,
            always: random.chance(0.04),
            dates: dates, yearly: yearly, monthly: monthly,
            weekly: (0..<random.int(0...5)).map { _ in window() },
            special: special, timed: timed,
            exceptCalendars: index > 0 && random.chance(0.4) ? [random.int(0...index - 1)] : [],
            exceptDates: Set((0..<random.int(0...2)).map { _ in date() }))
    }

    mutating func date() -> LocalDate {
        random.chance(0.7) ? random.pick(Self.interestingDates)
            : LocalDate(year: 2026, month: random.int(1...12), day: random.int(1...28))
    }

    mutating func ruleSet() -> RuleSet {
        let lists = (0..<random.int(0...4)).map { index in
            NumberList(name: "list\(index)",
                       numbers: Array(Set((0..<random.int(0...12)).map { _ in poolNumber() })).sorted(),
                       prefixes: Array(Set((0..<random.int(0...2)).map { _ in prefix() })).sorted())
        }
        var calendars: [RuleCalendar] = []
        for index in 0..<random.int(0...4) {
            calendars.append(calendar(index))
        }
        let skills = Dictionary(uniqueKeysWithValues: (1...4).map { (String($0), random.pick(["sales", "support", "billing"])) })
        // The generic Connect applet dials numbers only; CCM's agents may be softphones.
        let applet: Applet = random.chance(0.25) ? .connect : .ccm
        let agents: [Contact] = (0..<4).map { index in
            applet == .ccm && index % 2 == 1
                ? .sip(try! SIPAddress.parse("sip:agent\(index)x7f").get())
                : .number(PhoneNumber(uncheckedDigits: "919876500\(String(format: "%03d", index))"[...]))
        }
        let agentDestinations = agents.enumerated().map { Destination(type: .user, contact: $1, agent: "agent\($0)") }
        // Tables of pool numbers, each giving agents only or external numbers only (so that a
        // parallel step can ring all it may dial in one answer).
        let tables = (0..<random.int(0...3)).map { index -> LookupTable in
            let external = random.chance(0.4)
            let values = external
                ? Array(Set((0..<random.int(1...3)).map { _ in Destination(type: .externalNumber, contact: .number(poolNumber()), agent: nil) }))
                    .sorted { $0.contact.description < $1.contact.description }
                : Array(agentDestinations.prefix(random.int(1...agents.count)))
            if random.chance(0.35) {
                let keys = Array(Set((0..<random.int(0...5)).map { _ in random.pick(Self.customFields) }))
                    .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                return LookupTable(name: "table\(index)", key: .customField, values: values, texts: keys,
                                   valueIndexes: keys.map { _ in Int32(random.int(0...values.count - 1)) })
            }
            let keys = Array(Set((0..<random.int(0...12)).map { _ in poolNumber() })).sorted()
            return LookupTable(name: "table\(index)", key: .caller, values: values, numbers: keys,
                               valueIndexes: keys.map { _ in Int32(random.int(0...values.count - 1)) })
        }
        let callerTables = tables.indices.filter { tables[$0].key == .caller }
        let customFieldTables = tables.indices.filter { tables[$0].key == .customField }
        var rules: [Rule] = []
        // Now and then hundreds of rules, most of them on one ExoPhone, so that rows span
        // many words: sparse rows with many pairs, dense rows, long walks.
        let large = largeRuleSets && random.chance(0.15)
        for index in 0..<(large ? random.int(100...900) : random.int(1...12)) {
            var conditions = Conditions()
            let listCount = lists.count
            if large {
                // Selective conditions, so that a request's rule can be anywhere in the set.
                if random.chance(0.5) { conditions.caller = .atom(selectiveAtom(lists: listCount)) }
                if random.chance(0.97) { conditions.exophone = .atom(selectiveAtom(lists: listCount)) }
            } else {
                if random.chance(0.5) { conditions.caller = match { $0.numberAtom(lists: listCount, tables: callerTables) } }
                if random.chance(0.3) { conditions.exophone = match { $0.numberAtom(lists: listCount) } }
            }
            if random.chance(0.5) {
                let calendarCount = calendars.count
                conditions.time = match { generator in
                    calendarCount > 0 && generator.random.chance(0.5)
                        ? TimeAtom.calendar(generator.random.int(0...calendarCount - 1))
                        : TimeAtom.windows((0..<generator.random.int(1...2)).map { _ in generator.window() })
                }
            }
            if random.chance(0.3) { conditions.skill = match { $0.random.pick(["sales", "support", "billing", "unused"]) } }
            if random.chance(0.2) { conditions.direction = match { $0.random.pick([CallDirection.incoming, .outboundDial]) } }
            if random.chance(0.2) {
                conditions.customField = match { generator in
                    !customFieldTables.isEmpty && generator.random.chance(0.4)
                        ? CustomFieldAtom.table(generator.random.pick(customFieldTables)) : .text(generator.random.pick(Self.customFields))
                }
            }
            // Now and then a rule that dials nobody on purpose (it carries no options).
            if random.chance(0.08) {
                rules.append(Rule(name: "rule\(index)", conditions: conditions, dial: .nobody))
                continue
            }
            let branches = (0..<(random.chance(0.2) ? random.int(2...3) : 1)).map { _ in
                Branch(weight: random.int(1...100), steps: (0..<(random.chance(0.3) ? random.int(2...3) : 1)).map { _ in
                    step(index: index, agents: agentDestinations, tables: tables)
                })
            }
            rules.append(Rule(name: "rule\(index)", conditions: conditions,
                              dial: Dial(branches: branches, splitBy: random.chance(0.5) ? .caller : .call)))
        }
        return RuleSet(name: "generated", timeZone: random.pick(Self.zones),
                       clockTimeZone: random.chance(0.7) ? "Asia/Kolkata" : random.pick(Self.zones),
                       country: .india, applet: applet, unmatched: random.chance(0.5) ? .nobody : .fallback,
                       lists: lists, calendars: calendars, tables: tables, skills: skills, rules: rules, agents: agentDestinations)
    }

    /// Agent state for a call: some of the rule set's destinations busy, now and then a
    /// sticky agent for the caller (an agent, or a contact that is no agent).
    mutating func agentState(for ruleSet: RuleSet, caller: PhoneNumber?) -> AgentSnapshot? {
        guard random.chance(0.6) else { return nil }
        let contacts = Array(Set(ruleSet.agents.map(\.contact.dialed) + ruleSet.rules.flatMap { $0.dial.namedDestinations.map(\.contact.dialed) }))
            .sorted { "\($0)" < "\($1)" }
        let busy = Set(contacts.filter { _ in random.chance(0.35) })
        var sticky: [PhoneNumber: DialedContact] = [:]
        if let caller, random.chance(0.6) {
            sticky[caller] = random.chance(0.85) && !ruleSet.agents.isEmpty ? random.pick(ruleSet.agents).contact.dialed : .number(poolNumber())
        }
        return AgentSnapshot(sticky: sticky, busy: busy)
    }

    /// A step of one destination type: fixed destinations, lookups of tables of that type
    /// (with or without `else`), and options.
    private mutating func step(index: Int, agents: [Destination], tables: [LookupTable]) -> Step {
        let external = random.chance(0.3)
        let ofType = tables.indices.filter { (tables[$0].values.first?.type == .externalNumber) == external }
        func destination(_ generator: inout RuleSetGenerator, _ position: Int) -> Destination {
            external ? Destination(type: .externalNumber, contact: .number(generator.poolNumber()), agent: nil)
                : agents[(index + position) % agents.count]
        }
        var targets: [Target] = []
        for position in 0..<random.int(1...3) {
            if !external && random.chance(0.15) {
                if !targets.contains(.sticky) { targets.append(.sticky) }
            } else if !ofType.isEmpty && random.chance(0.3) {
                let otherwise = random.chance(0.5) ? (0..<random.int(1...2)).map { destination(&self, position + $0) } : []
                var unique: [Destination] = []
                for candidate in otherwise where !unique.contains(candidate) { unique.append(candidate) }
                targets.append(.lookup(table: random.pick(ofType), otherwise: unique))
            } else {
                let fixed = destination(&self, position)
                if !targets.contains(.destination(fixed)) { targets.append(.destination(fixed)) }
            }
        }
        let strategy: DialStrategy = random.chance(0.3) ? .parallel(maxAttempts: random.chance(0.3) ? nil : random.int(1...5)) : .hunt
        var options = AnswerOptions()
        if random.chance(0.5) { options.ringing = random.int(1...60) }
        if random.chance(0.3) { options.conversation = random.int(1...4500) }
        if random.chance(0.3) { options.record = random.pick(RecordingMode.allCases) }
        if random.chance(0.3) { options.holdMusic = random.pick([.defaultTone, .operatorTone, .custom(url: "https://x.example/a b\"c.wav".replacingOccurrences(of: " ", with: "%20"))]) }
        if random.chance(0.2) { options.playback = Playback(content: .text("Hello \"caller\"\n"), audience: random.chance(0.5) ? .callee : nil) }
        return Step(targets: targets, strategy: strategy, options: options, busy: random.chance(0.8) ? .skip : .ring)
    }

    /// A raw query string as Exotel might send it.
    mutating func query(for ruleSet: RuleSet) -> String {
        var parameters: [String] = []
        func number() -> String {
            switch random.int(0...6) {
            case 0: return "0" + poolNumber().digits.dropFirst(2)
            case 1: return "%2B" + poolNumber().digits
            case 2: return poolNumber().digits + String(random.int(0...9))
            case 3: return "0" + String(ruleSet.rules.randomNumberDestination(&random)?.digits.dropFirst(2) ?? "12")
            case 4: return "garbage"
            case 5:
                // A listed number or a table's key, so that lists (and `not` lists) decide
                // often and lookups find a value.
                let listed = ruleSet.lists.flatMap(\.numbers) + ruleSet.tables.flatMap(\.numbers)
                return "0" + (listed.isEmpty ? poolNumber() : random.pick(listed)).digits.dropFirst(2)
            default: return "0" + poolNumber().digits.dropFirst(2)
            }
        }
        if random.chance(0.9) { parameters.append("CallFrom=\(number())") }
        if random.chance(0.8) { parameters.append("CallTo=\(number())") }
        if random.chance(0.9) {
            let date = date()
            let hour = random.pick([0, 1, 2, 3, 5, 9, 12, 13, 18, 21, 22, 23]), minute = random.pick([0, 14, 29, 30, 59])
            parameters.append(String(format: "CurrentTime=%04d-%02d-%02d+%02d%%3A%02d%%3A%02d", date.year, date.month, date.day, hour, minute, random.int(0...59)))
        } else if random.chance(0.5) {
            parameters.append("CurrentTime=Wed%2C+31+Jul+2024")
        }
        if random.chance(0.6) {
            // Mostly single presses that name skills; sometimes presses no keypad has, or too many.
            let presses = random.chance(0.85) ? String(random.int(1...5)) : random.pick(["1a", "%23", "12", String(repeating: "1", count: 17)])
            parameters.append("digits=%22\(presses)%22")
        }
        if random.chance(0.4) {
            let text = random.pick(Self.customFields)
            parameters.append("CustomField=\(text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text)")
        }
        if random.chance(0.7) { parameters.append("CallSid=\(random.pick(["a1", "b2", "c3", "d4%2B", "e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5"]))") }
        if random.chance(0.5) { parameters.append("Direction=\(random.pick(["incoming", "outbound-dial", "outbound-api"]))") }
        if random.chance(0.3), let destination = ruleSet.rules.randomDestination(&random) {
            switch destination {
            case .number(let number): parameters.append("DialWhomNumber=0\(number.digits.dropFirst(2))")
            case .sip(let address):
                // As Exotel may send it: with its domain, the scheme in capitals, encoded.
                let text = random.pick([address.description, address.description + "@acme.exotel.in", "SIP:" + address.user,
                                        "sip%3A" + address.user, "sip:" + address.user + "z"])
                parameters.append("DialWhomNumber=\(text)")
            }
        }
        return parameters.shuffledDeterministically(&random).joined(separator: "&")
    }
}

extension Array where Element == Rule {
    func randomDestination(_ random: inout SeededRandom) -> Contact? {
        let all = flatMap { $0.dial.namedDestinations.map(\.contact) }
        return all.isEmpty ? nil : random.pick(all)
    }

    func randomNumberDestination(_ random: inout SeededRandom) -> PhoneNumber? {
        let all = flatMap { $0.dial.namedDestinations.compactMap { if case .number(let number) = $0.contact { number } else { nil } } }
        return all.isEmpty ? nil : random.pick(all)
    }
}

extension Array {
    func shuffledDeterministically(_ random: inout SeededRandom) -> [Element] {
        var copy = self
        for index in copy.indices.reversed() where index > 0 {
            copy.swapAt(index, random.int(0...index))
        }
        return copy
    }
}
