import ConnectProtocol
import Routing

/// Deterministic requests for a rule set: most aim at a random rule (a caller, ExoPhone,
/// time and digits that its conditions name), the rest are random, so that decisions land
/// on rules all through the set and on no rule at all.
public struct RequestSynthesizer {
    private var state: UInt64
    let ruleSet: RuleSet
    let zones: ZoneClocks

    public init(ruleSet: RuleSet, seed: UInt64 = 42) {
        self.ruleSet = ruleSet
        zones = ZoneClocks(ruleSet: ruleSet)
        state = seed
    }

    private mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private mutating func int(_ bound: Int) -> Int { Int(next() % UInt64(max(1, bound))) }

    /// A raw query string, as Exotel sends it, with national numbers.
    public mutating func query() -> String {
        let target = ruleSet.rules.isEmpty || int(5) == 0 ? nil : ruleSet.rules[int(ruleSet.rules.count)]
        let caller = target?.conditions.caller.flatMap { number(for: $0) } ?? randomNumber()
        let exophone = target?.conditions.exophone.flatMap { number(for: $0) } ?? randomNumber()
        let time = moment(for: target?.conditions.time)
        let digits = target?.conditions.skill.flatMap { skill in
            skill.atoms.first.flatMap { name in ruleSet.skills.first { $0.value == name }?.key }
        } ?? String(int(4) + 1)
        return "CallSid=\(String(next(), radix: 16))&CallFrom=0\(caller.digits.dropFirst(2))&CallTo=0\(exophone.digits.dropFirst(2))"
            + "&Direction=incoming&Created=Wed%2C+25+Nov+2026+10%3A00%3A00&DialCallDuration=0&StartTime=2026-11-25+10%3A00%3A00"
            + "&EndTime=1970-01-01+05%3A30%3A00&CallType=call-attempt&DialWhomNumber=&flow_id=11754&tenant_id=1409"
            + "&From=0\(caller.digits.dropFirst(2))&To=0\(exophone.digits.dropFirst(2))&CurrentTime=\(time)&digits=%22\(digits)%22"
    }

    private mutating func randomNumber() -> PhoneNumber {
        PhoneNumber(value: 919_000_000_000 + UInt64(int(999_999_999)))
    }

    /// A number that satisfies the first positive atom of a condition, if any.
    private mutating func number(for match: Match<NumberAtom>) -> PhoneNumber? {
        guard case .some(let atom) = positiveAtom(match) else { return nil }
        switch atom {
        case .number(let number): return number
        case .prefix(let digits):
            var text = digits
            while text.count < 12 { text += String(int(10)) }
            return PhoneNumber(uncheckedDigits: text[...])
        case .table(let index):
            let table = ruleSet.tables[index]
            return table.numbers.isEmpty ? nil : table.numbers[int(table.numbers.count)]
        case .list(let index):
            let list = ruleSet.lists[index]
            if !list.numbers.isEmpty && (list.prefixes.isEmpty || int(4) > 0) { return list.numbers[int(list.numbers.count)] }
            guard !list.prefixes.isEmpty else { return nil }
            var text = list.prefixes[int(list.prefixes.count)]
            while text.count < 12 { text += String(int(10)) }
            return PhoneNumber(uncheckedDigits: text[...])
        }
    }

    private func positiveAtom<Atom>(_ match: Match<Atom>) -> Atom? {
        switch match {
        case .atom(let atom): return atom
        case .anyOf(let matches): return matches.lazy.compactMap { positiveAtom($0) }.first
        case .not: return nil
        }
    }

    /// `CurrentTime` in the week of 2026-11-23, inside the time condition when one of 20
    /// tries finds such a moment.
    private mutating func moment(for match: Match<TimeAtom>?) -> String {
        var chosen = (day: 23, minute: 600)
        for _ in 0..<20 {
            let candidate = (day: 23 + int(7), minute: int(1440))
            chosen = candidate
            guard let match else { break }
            let local = LocalMoment(date: LocalDate(year: 2026, month: 11, day: candidate.day), minute: candidate.minute)
            let holds = match.holds { atom in
                switch atom {
                case .calendar(let index):
                    return ruleSet.isOpen(calendar: index, at: local, zones: zones)
                case .windows(let windows):
                    return windows.contains { $0.covers(weekday: local.weekday, minute: local.minute) }
                }
            }
            if holds { break }
        }
        return "2026-11-\(chosen.day)+\(SyntheticRuleSet.pad(chosen.minute / 60, 2))%3A\(SyntheticRuleSet.pad(chosen.minute % 60, 2))%3A00"
    }
}
