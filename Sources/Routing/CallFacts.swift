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
    public var digits: String?
    /// `digits` packed for the skill lookup (`SkillDigits.key`).
    public var digitsKey: UInt64?
    public var direction: CallDirection?
    public var dialWhom: PhoneNumber?

    public init(caller: PhoneNumber?, exophone: PhoneNumber?, moment: LocalMoment, timeSource: TimeSource,
                digits: String?, direction: CallDirection?, dialWhom: PhoneNumber?) {
        self.init(caller: caller, exophone: exophone, moment: moment, timeSource: timeSource,
                  digits: digits, digitsKey: digits.flatMap { SkillDigits.key($0) }, direction: direction, dialWhom: dialWhom)
    }

    init(caller: PhoneNumber?, exophone: PhoneNumber?, moment: LocalMoment, timeSource: TimeSource,
         digits: String?, digitsKey: UInt64?, direction: CallDirection?, dialWhom: PhoneNumber?) {
        self.caller = caller
        self.exophone = exophone
        self.moment = moment
        self.timeSource = timeSource
        self.digits = digits
        self.digitsKey = digitsKey
        self.direction = direction
        self.dialWhom = dialWhom
    }
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

    struct NumberProbes: Sendable {
        let caller: PackedNumberMap
        let exophone: PackedNumberMap
        /// Keeps the maps' memory alive as long as the reader.
        let memory: TableMemory
    }

    public convenience init(ruleSet: RuleSet) {
        self.init(ruleSet: ruleSet, probes: nil)
    }

    init(ruleSet: RuleSet, probes: NumberProbes?) {
        country = ruleSet.country
        // The checker accepts only zones the system knows.
        zone = ZoneRules(identifier: ruleSet.timeZone) ?? ZoneRules(identifier: "UTC")!
        clockZone = ZoneRules(identifier: ruleSet.clockTimeZone) ?? zone
        self.probes = probes
    }

    /// `now`: the server clock, seconds since the epoch, used when `CurrentTime` is absent
    /// or unreadable.
    public func facts(for request: borrowing ConnectRequest, now: Int64) -> CallFacts {
        facts(for: request.lexed, digits: request.digits, now: now)
    }

    /// From the lexed values only: plain values, no strings but `digits` (kept for
    /// explanations and the reference evaluator).
    public func facts(for lexed: ConnectRequest.Lexed, digits: String?, now: Int64) -> CallFacts {
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
            digits: digits,
            digitsKey: lexed.digitsKey,
            direction: lexed.direction,
            dialWhom: lexed.dialWhom?.e164(home: country)
        )
    }
}
