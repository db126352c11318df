import ConnectProtocol

/// Where the time of a decision came from, for explanations and the decision log.
public enum TimeSource: String, Sendable, Hashable {
    /// Exotel's `CurrentTime` parameter.
    case currentTime
    /// The server's clock: `CurrentTime` was absent or unreadable.
    case serverClock
}

/// What the rules look at in one request, normalised for one rule set: numbers in E.164
/// with its home country, the time in its zone.
public struct CallFacts: Sendable, Hashable {
    public var caller: PhoneNumber?
    public var exophone: PhoneNumber?
    public var moment: LocalMoment
    public var timeSource: TimeSource
    public var digits: KeyPresses?
    public var direction: CallDirection?
    /// `DialWhomNumber`: whom the last attempt dialled.
    public var dialWhom: DialedContact?
    /// FNV-1a of the `CallSid`, read only for rule sets that split calls (see `SplitHash`).
    public var callSid: UInt64?
    /// `CustomField`, read only for rule sets whose rules look at it.
    public var customField: String?
    /// Sticky and busy agents, from the server's agent state (none outside the server unless given).
    public var agents: AgentKnowledge = .none

    public init(caller: PhoneNumber?, exophone: PhoneNumber?, moment: LocalMoment, timeSource: TimeSource,
                digits: KeyPresses?, direction: CallDirection?, dialWhom: DialedContact?, callSid: UInt64? = nil,
                customField: String? = nil) {
        self.caller = caller
        self.exophone = exophone
        self.moment = moment
        self.timeSource = timeSource
        self.digits = digits
        self.direction = direction
        self.dialWhom = dialWhom
        self.callSid = callSid
        self.customField = customField
    }

    /// The key a split by `by` hashes.
    @inline(__always)
    public func splitKey(_ by: SplitKey) -> UInt64 { SplitHash.key(by, caller: caller, callSid: callSid) }
}

/// Turns requests into facts for one rule set, with its zones read once.
public final class FactReader: Sendable {
    public let country: Country
    public let zone: ZoneRules
    public let clockZone: ZoneRules
    /// A decision table's number maps: the reader starts the probe of each number as soon as
    /// it has the number, so that the cache miss (a random slot of a 16 MB hash, for a
    /// million listed numbers) overlaps reading the rest of the request.
    let probes: NumberProbes?
    /// Keeps the maps' memory alive as long as the reader (apart from `probes`, which a
    /// request copies: a class reference in it would be retained and released each time).
    private let memory: TableMemory?
    /// When the `CallSid` is hashed (decoded, so a String): for a split by call always, for a
    /// split by caller only when the request has no readable caller. Most rule sets never.
    let readsCallSid: (always: Bool, withoutCaller: Bool)
    let readsCustomField: Bool

    struct NumberProbes: Sendable {
        let caller: PackedNumberMap
        let exophone: PackedNumberMap
        // A lookup table's slot is not prefetched: most calls decide a rule that looks
        // nothing up, and an extra random line of 16 MB on every call cost more than the one
        // miss of the calls that do (10,000 rules, a million rows, eight alternating runs
        // each against the previous build: median 1.41x with the prefetch, 1.15x without).
    }

    public convenience init(ruleSet: RuleSet) {
        self.init(ruleSet: ruleSet, probes: nil, memory: nil)
    }

    init(ruleSet: RuleSet, probes: NumberProbes?, memory: TableMemory?) {
        country = ruleSet.country
        // The checker accepts only zones the system knows.
        zone = ZoneRules(identifier: ruleSet.timeZone) ?? ZoneRules(identifier: "UTC")!
        clockZone = ZoneRules(identifier: ruleSet.clockTimeZone) ?? zone
        self.probes = probes
        self.memory = memory
        readsCallSid = (ruleSet.rules.contains { $0.dial.isSplit && $0.dial.splitBy == .call },
                        ruleSet.rules.contains { $0.dial.isSplit })
        readsCustomField = ruleSet.readsCustomField
    }

    /// `now`: the server clock, seconds since the epoch, used when `CurrentTime` is absent
    /// or unreadable.
    public func facts(for request: borrowing ConnectRequest, now: Int64) -> CallFacts {
        var facts = facts(for: request.lexed, now: now)
        if readsCallSid.always || (readsCallSid.withoutCaller && facts.caller == nil) { facts.callSid = request.callSidKey }
        if readsCustomField { facts.customField = request.customField }
        return facts
    }

    /// From the lexed values only: plain values, no strings.
    public func facts(for lexed: borrowing ConnectRequest.Lexed, now: Int64) -> CallFacts {
        let caller = lexed.caller?.e164(home: country)
        if let probes, let caller { probes.caller.prefetch(caller.value) }
        let exophone = lexed.exophone?.e164(home: country)
        if let probes, let exophone { probes.exophone.prefetch(exophone.value) }
        var utc = now
        var source = TimeSource.serverClock
        if let wall = lexed.wallSeconds {
            utc = clockZone.utc(fromLocal: wall)
            source = .currentTime
        }
        return CallFacts(
            caller: caller,
            exophone: exophone,
            moment: LocalMoment(localSeconds: utc + zone.offset(atUTC: utc)),
            timeSource: source,
            digits: lexed.digits,
            direction: lexed.direction,
            dialWhom: dialed(lexed.dialWhom)
        )
    }

    @inline(__always)
    private func dialed(_ dialWhom: ConnectRequest.Lexed.DialWhom?) -> DialedContact? {
        switch dialWhom {
        case .number(let raw): return raw.e164(home: country).map(DialedContact.number)
        case .sipUser(let user): return .sipUser(user)
        case nil: return nil
        }
    }
}
