import ConnectProtocol
import Foundation

/// The plain reading of a rule set: read the request with Foundation's calendar, walk the
/// rules in order, test each condition directly. Slow and obviously right; the decision
/// table must give byte-identical answers (see the property tests), and explanations come
/// from here.
public struct ReferenceEvaluator: Sendable {
    public let ruleSet: RuleSet
    private let listNumbers: [Set<PhoneNumber>]

    public init(ruleSet: RuleSet) {
        self.ruleSet = ruleSet
        listNumbers = ruleSet.lists.map { Set($0.numbers) }
    }

    // MARK: Facts

    public func facts(for request: ConnectRequest, now: Date) -> CallFacts {
        var calendar = Calendar(identifier: .gregorian)
        var instant = now
        var source = TimeSource.serverClock
        if let text = request.currentTime, let wall = WallClockTime(parsing: text), let clock = TimeZone(identifier: ruleSet.clockTimeZone) {
            calendar.timeZone = clock
            let components = DateComponents(year: wall.year, month: wall.month, day: wall.day,
                                            hour: wall.hour, minute: wall.minute, second: wall.second)
            if let date = calendar.date(from: components) {
                instant = date
                source = .currentTime
            }
        }
        calendar.timeZone = TimeZone(identifier: ruleSet.timeZone) ?? TimeZone(identifier: "UTC")!
        let local = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: instant)
        let date = LocalDate(year: local.year!, month: local.month!, day: local.day!)
        // Foundation numbers weekdays from Sunday = 1.
        let weekday = Weekday(rawValue: (local.weekday! + 5) % 7)!
        let moment = LocalMoment(date: date, minute: local.hour! * 60 + local.minute!)
        precondition(moment.weekday == weekday, "civil calendar and Foundation disagree on \(date)")
        let caller = request.callFrom.flatMap { E164.normalize($0[...], home: ruleSet.country) }
        // The CallSid is a split's key for splits by call, and for splits by caller when
        // there is no caller to hash.
        let splits = ruleSet.rules.map(\.dial).filter(\.isSplit)
        let needsCallSid = splits.contains { $0.splitBy == .call } || (caller == nil && !splits.isEmpty)
        return CallFacts(
            caller: caller,
            exophone: request.callTo.flatMap { E164.normalize($0[...], home: ruleSet.country) },
            moment: moment, timeSource: source, digits: request.digits.flatMap(KeyPresses.init),
            direction: request.direction.flatMap(CallDirection.init(rawValue:)),
            dialWhom: request.dialWhomNumber.flatMap(dialed),
            callSid: needsCallSid ? request.callSidBytes.map { FNV1a.hash($0) } : nil,
            customField: ruleSet.readsCustomField ? request.customField : nil)
    }

    /// `DialWhomNumber` read plainly: `sip:` (any case) and a user, or a number.
    private func dialed(_ text: String) -> DialedContact? {
        if text.count > 4, text.prefix(4).lowercased() == "sip:" {
            let user = text.dropFirst(4).prefix { $0 != "@" && $0 != ";" }
            return SIPAddress.isUser(user) ? .sipUser(SIPAddress.userKey(of: String(user))) : nil
        }
        return E164.normalize(text[...], home: ruleSet.country).map(DialedContact.number)
    }

    // MARK: Deciding

    /// The first rule whose conditions hold.
    public func decide(_ facts: CallFacts) -> Int? {
        ruleSet.rules.indices.first { failure(of: ruleSet.rules[$0].conditions, facts) == nil }
    }

    public func outcome(for request: ConnectRequest, version: ConnectVersion, now: Date) -> Outcome {
        outcome(for: facts(for: request, now: now), version: version)
    }

    public func outcome(for facts: CallFacts, version: ConnectVersion) -> Outcome {
        let nobody = ConnectAnswer.nobody(applet: ruleSet.applet).encoded(for: version)[...]
        guard let index = decide(facts) else {
            return ruleSet.unmatched == .nobody ? .nobody(.noMatch, body: nobody) : .noMatch
        }
        let rule = ruleSet.rules[index]
        if rule.dial.isNobody { return .nobody(.rule(index), body: nobody) }
        let attempts = plan(of: rule, facts).attempts
        let start = attempts.attempt(after: facts.dialWhom)
        // Busy agents are passed over: the fetch answers the first attempt with someone free.
        guard let attempt = attempts.firstFree(from: start, facts.agents),
              let answer = try? attempts[attempt].answer(dialling: attempts[attempt].free(facts.agents),
                                                         isLast: attempt == attempts.count - 1, applet: ruleSet.applet) else {
            if start < attempts.count { return .nobody(.allBusy(rule: index), body: nobody) }
            let reason: Outcome.Nobody = attempts.isEmpty ? .noDestination(rule: index) : .huntExhausted(rule: index)
            guard ruleSet.unmatched == .nobody else { return attempts.isEmpty ? .noDestination(rule: index) : .huntExhausted(rule: index) }
            return .nobody(reason, body: nobody)
        }
        return .answer(rule: index, attempt: attempt, body: answer.encoded(for: version)[...])
    }

    /// A rule's attempts for a call, read plainly: the branch from the split key, each
    /// table's value by binary search; with what was found, in words.
    func plan(of rule: Rule, _ facts: CallFacts) -> (attempts: [Attempt], notes: [String]) {
        let dial = rule.dial
        var notes: [String] = []
        let branch = dial.branch(forKey: facts.splitKey(dial.splitBy))
        if dial.isSplit {
            let total = dial.branches.reduce(0) { $0 + $1.weight }
            let key = switch dial.splitBy {
            case .caller: facts.caller.map { "caller \($0)" } ?? (facts.callSid == nil ? "no caller and no CallSid" : "the CallSid (no caller number)")
            case .call: facts.callSid == nil ? "no CallSid" : "the CallSid"
            }
            notes.append("split by \(dial.splitBy.rawValue): \(key) falls on branch \(branch + 1) of \(dial.branches.count) (weight \(dial.branches[branch].weight) of \(total))")
        }
        var looked = Set<Int>()
        var lookedSticky = false
        for (position, step) in dial.branches[branch].steps.enumerated() {
            if step.dialsSticky && !lookedSticky {
                lookedSticky = true
                if let agent = value(of: .sticky, facts) {
                    notes.append("the caller's sticky agent is `\(agent.name)` (step \(position + 1))")
                } else if let contact = facts.agents.sticky(caller: facts.caller) {
                    notes.append("the caller's sticky agent `\(contact)` is no agent of this rule set; `sticky` is skipped (step \(position + 1))")
                } else {
                    notes.append("the caller has no sticky agent; `sticky` is skipped (step \(position + 1))")
                }
            }
            for table in step.tables where looked.insert(table).inserted {
                let lookup = ruleSet.tables[table]
                let key = switch lookup.key {
                case .caller: facts.caller.map { "caller \($0)" } ?? "the call (no caller)"
                case .customField: facts.customField.map { "custom field `\($0)`" } ?? "the call (no `CustomField`)"
                }
                if let row = lookup.row(for: facts) {
                    let value = lookup.values[Int(lookup.valueIndexes[row])]
                    let place = lookup.place(ofRow: row).map { ", row at \($0)" } ?? ""
                    notes.append("table `\(lookup.name)` gives `\(value.name)` for \(key) (step \(position + 1)\(place))")
                } else {
                    let otherwise = step.targets.lazy.compactMap { target -> [Destination]? in
                        if case .lookup(table, let otherwise) = target { otherwise } else { nil }
                    }.first ?? []
                    let fallback = otherwise.isEmpty ? "it has no `else`" : "its `else` is dialled: " + otherwise.map { "`\($0.name)`" }.joined(separator: ", ")
                    notes.append("\(key) is not in table `\(lookup.name)` (step \(position + 1)); \(fallback)")
                }
            }
        }
        let attempts = dial.attempts(branch: branch) { value(of: $0, facts) }
        let busy = attempts.flatMap { attempt in attempt.destinations.filter { !attempt.free(facts.agents).contains($0) } }
        if !busy.isEmpty {
            notes.append("busy on another call, left out: " + busy.map { "`\($0.name)`" }.joined(separator: ", "))
        }
        for (position, step) in dial.branches[branch].steps.enumerated() {
            let named = step.destinations { value(of: $0, facts) }
            let dialled = Set(attempts.filter { $0.step == position }.flatMap(\.destinations))
            let leftOut = named.filter { !dialled.contains($0) }
            if named.isEmpty {
                notes.append("step \(position + 1) has no destination for this call and is skipped")
            } else if !leftOut.isEmpty {
                let names = leftOut.map { "`\($0.name)`" }.joined(separator: ", ")
                notes.append("step \(position + 1) leaves out \(names), dialled by an earlier step\(dialled.isEmpty ? ", and is skipped" : "")")
            }
        }
        return (attempts, notes)
    }

    /// The destination a table gives the call, nil when its key is not in it; the caller's
    /// sticky agent, nil when there is none or it is no agent of the rule set.
    private func value(of lookup: Lookup, _ facts: CallFacts) -> Destination? {
        switch lookup {
        case .table(let index):
            let table = ruleSet.tables[index]
            return table.row(for: facts).map { table.values[Int(table.valueIndexes[$0])] }
        case .sticky:
            guard let contact = facts.agents.sticky(caller: facts.caller) else { return nil }
            return ruleSet.agents.first { $0.contact.dialed == contact }
        }
    }

    // MARK: Conditions, with reasons

    /// The first failing condition and why, or nil when all hold.
    func failure(of conditions: Conditions, _ facts: CallFacts) -> (condition: String, reason: String)? {
        let verdicts = self.verdicts(of: conditions, facts)
        return verdicts.first { !$0.holds }.map { ($0.condition, $0.reason) }
    }

    /// Each condition of a rule in order, whether it holds and why; stops at the first that fails.
    func verdicts(of conditions: Conditions, _ facts: CallFacts) -> [(condition: String, holds: Bool, reason: String)] {
        var verdicts: [(condition: String, holds: Bool, reason: String)] = []
        func add(_ condition: String, _ verdict: (Bool, String)?) -> Bool {
            guard let (holds, reason) = verdict else { return true }
            verdicts.append((condition, holds, reason))
            return holds
        }
        _ = add("caller", conditions.caller.map { explain($0) { number($0, facts.caller, "caller") } })
            && add("exophone", conditions.exophone.map { explain($0) { number($0, facts.exophone, "exophone") } })
            && add("time", conditions.time.map { explain($0) { time($0, facts.moment) } })
            && add("skill", conditions.skill.map { explain($0) { skill($0, facts.digits) } })
            && add("direction", conditions.direction.map { explain($0) { direction($0, facts.direction) } })
            && add("custom_field", conditions.customField.map { explain($0) { customField($0, facts.customField) } })
        return verdicts
    }

    /// Whether a condition holds, with the reason of the atom that settled it.
    private func explain<Atom>(_ match: Match<Atom>, _ atom: (Atom) -> (Bool, String)) -> (Bool, String) {
        switch match {
        case .atom(let value):
            return atom(value)
        case .anyOf(let matches):
            var reasons: [String] = []
            for match in matches {
                let (holds, reason) = explain(match, atom)
                if holds { return (true, reason) }
                reasons.append(reason)
            }
            return (false, reasons.joined(separator: "; "))
        case .not(let inner):
            let (holds, reason) = explain(inner, atom)
            return (!holds, reason)
        }
    }

    private func number(_ atom: NumberAtom, _ value: PhoneNumber?, _ what: String) -> (Bool, String) {
        guard let value else { return (false, "the request has no \(what) number we can read") }
        switch atom {
        case .number(let number):
            return value == number ? (true, "\(what) \(value) is \(number)") : (false, "\(what) \(value) is not \(number)")
        case .prefix(let digits):
            return value.digits.hasPrefix(digits)
                ? (true, "\(what) \(value) starts with +\(digits)") : (false, "\(what) \(value) does not start with +\(digits)")
        case .list(let index):
            let list = ruleSet.lists[index]
            let holds = listNumbers[index].contains(value) || list.prefixes.contains { value.digits.hasPrefix($0) }
            return holds ? (true, "\(what) \(value) is in list `\(list.name)`") : (false, "\(what) \(value) is not in list `\(list.name)`")
        case .table(let index):
            let table = ruleSet.tables[index]
            return table.valueIndex(of: value) != nil
                ? (true, "\(what) \(value) is in table `\(table.name)`") : (false, "\(what) \(value) is not in table `\(table.name)`")
        }
    }

    private func time(_ atom: TimeAtom, _ moment: LocalMoment) -> (Bool, String) {
        switch atom {
        case .calendar(let index):
            return ruleSet.explainCalendar(index, at: moment, zones: FoundationZones(home: ruleSet.timeZone))
        case .windows(let windows):
            let holds = windows.contains { $0.covers(weekday: moment.weekday, minute: moment.minute) }
            return (holds, "\(moment) is \(holds ? "inside" : "outside") \(describe(windows))")
        }
    }

    private func describe(_ windows: [WeeklyWindow]) -> String {
        func clock(_ minute: Int) -> String {
            "\(minute / 60 < 10 ? "0" : "")\(minute / 60):\(minute % 60 < 10 ? "0" : "")\(minute % 60)"
        }
        let spans = Set(windows.map { "\(clock($0.start))-\(clock($0.end))" }).sorted()
        let days = Set(windows.map(\.day)).sorted().map(\.shortName)
        return "the window \(days.count == 7 ? "" : days.joined(separator: ",") + " ")\(spans.joined(separator: ", "))"
    }

    private func skill(_ name: String, _ presses: KeyPresses?) -> (Bool, String) {
        guard let presses else { return (false, "no IVR digits were pressed, so there is no skill `\(name)`") }
        guard let digits = presses.text else { return (false, "digits are not keypad presses, so there is no skill `\(name)`") }
        guard let skill = ruleSet.skills[digits] else { return (false, "digits `\(digits)` are no skill, not `\(name)`") }
        return skill == name ? (true, "digits `\(digits)` are skill `\(name)`") : (false, "digits `\(digits)` are skill `\(skill)`, not `\(name)`")
    }

    private func direction(_ wanted: CallDirection, _ value: CallDirection?) -> (Bool, String) {
        guard let value else { return (false, "the request has no known direction, not `\(wanted.rawValue)`") }
        return value == wanted ? (true, "direction is `\(value.rawValue)`") : (false, "direction is `\(value.rawValue)`, not `\(wanted.rawValue)`")
    }

    /// Exact text: byte for byte, not Swift's canonical equivalence.
    private func customField(_ atom: CustomFieldAtom, _ value: String?) -> (Bool, String) {
        guard let value else { return (false, "the request has no `CustomField`") }
        switch atom {
        case .text(let text):
            let holds = value.utf8.elementsEqual(text.utf8)
            return (holds, "custom field `\(value)` is\(holds ? "" : " not") `\(text)`")
        case .table(let index):
            let table = ruleSet.tables[index]
            let holds = table.row(ofText: value) != nil
            return (holds, "custom field `\(value)` is\(holds ? "" : " not") in table `\(table.name)`")
        }
    }

    // MARK: Explanations

    /// `DialWhomNumber` in words: the number, or the agent whose SIP user it names.
    private func describe(_ dialed: DialedContact) -> String {
        switch dialed {
        case .number(let number): return number.description
        case .sipUser:
            let agents = ruleSet.rules.lazy.flatMap(\.dial.namedDestinations) + ruleSet.tables.lazy.flatMap(\.values)
            return agents.first { $0.contact.dialed == dialed }.map { "\($0.contact) (agent `\($0.agent ?? "?")`)" } ?? "a SIP user no rule dials"
        }
    }

    public func explain(_ facts: CallFacts) -> Explanation {
        var steps: [Explanation.Step] = []
        var decided: Int?
        for (index, rule) in ruleSet.rules.enumerated() {
            let verdicts = self.verdicts(of: rule.conditions, facts)
            if let failure = verdicts.first(where: { !$0.holds }) {
                steps.append(.init(rule: rule.name, matched: false, condition: failure.condition, reason: failure.reason))
            } else {
                let reason = verdicts.isEmpty ? "it has no conditions" : verdicts.map(\.reason).joined(separator: "; ")
                steps.append(.init(rule: rule.name, matched: true, condition: nil, reason: reason))
                decided = index
                break
            }
        }
        let factsText = Explanation.Facts(
            caller: facts.caller?.description, exophone: facts.exophone?.description, time: facts.moment.description,
            timeSource: facts.timeSource.rawValue, digits: facts.digits?.description, skill: facts.digits?.text.flatMap { ruleSet.skills[$0] },
            direction: facts.direction?.rawValue, dialWhom: facts.dialWhom.map(describe), customField: facts.customField)
        let planned = decided.map { plan(of: ruleSet.rules[$0], facts) }
        let attempt = planned.map { planned in
            let start = planned.attempts.attempt(after: facts.dialWhom)
            return planned.attempts.firstFree(from: start, facts.agents) ?? start
        }
        var planNotes = planned?.notes ?? []
        if let planned, let attempt, attempt < planned.attempts.count, planned.attempts.map(\.step).max() ?? 0 > 0 {
            let used = planned.attempts[attempt]
            planNotes.append("attempt \(attempt + 1) of \(planned.attempts.count) is step \(used.step + 1): \(used.free(facts.agents).map { "`\($0.name)`" }.joined(separator: ", "))")
        }
        // The outcome's kind and reason; the version does not change them.
        let outcome = self.outcome(for: facts, version: .v1_0)
        var reason = outcome.reason { ruleSet.rules[$0].name }
        // Unmatched calls and exhausted hunts get what `unmatched` says.
        if let said = reason, !outcome.isNobodyByRule, !outcome.isAllBusy { reason = said + " (`unmatched: \(ruleSet.unmatched.rawValue)`)" }
        return Explanation(ruleSet: ruleSet.name, facts: factsText, rule: decided.map { ruleSet.rules[$0].name },
                           attempt: attempt, steps: steps, plan: planNotes, outcome: outcome.kind, reason: reason)
    }
}

/// Other zones read with Foundation's calendar: the reference's own reading, apart from
/// the `ZoneRules` tables the decision table uses.
struct FoundationZones: ZoneReading {
    let home: String

    func moment(_ moment: LocalMoment, inZone zone: String) -> LocalMoment {
        var calendar = Calendar(identifier: .gregorian)
        guard let home = TimeZone(identifier: home), let other = TimeZone(identifier: zone) else { return moment }
        calendar.timeZone = home
        let date = moment.date
        let components = DateComponents(year: date.year, month: date.month, day: date.day, hour: moment.minute / 60, minute: moment.minute % 60)
        guard let instant = calendar.date(from: components) else { return moment }
        calendar.timeZone = other
        let local = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: instant)
        return LocalMoment(date: LocalDate(year: local.year!, month: local.month!, day: local.day!), minute: local.hour! * 60 + local.minute!)
    }
}
