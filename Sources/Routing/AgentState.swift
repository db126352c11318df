import ConnectProtocol

/// What is known of agents when a call is decided: who last spoke to the caller, and who is
/// on another call. The server learns it from Exotel's agent pass-through events; `eval` and
/// `test` are given it (`AgentSnapshot`). Read only when the decision needs it: the caller's
/// sticky agent only for a rule that dials `sticky`, busy agents only when anyone is busy.
public protocol AgentStateView: AnyObject, Sendable {
    /// The contact of the agent who last spoke to `caller`, when that is recent enough at
    /// `now` (seconds since 1970) for the rule set (`sticky_days`).
    func sticky(caller: PhoneNumber, now: Int64) -> DialedContact?
    /// Who is busy at `now` (seconds since 1970), read once per decision: nil when nobody
    /// is, the usual case, which costs no lock.
    func busy(now: Int64) -> BusySet?
}

/// Contacts busy at one moment, immutable: a decision checks each contact of its plan
/// with one multiply and a probe or two (hashing a `DialedContact` through `Hasher` cost
/// more than the rest of a busy check). It also answers by 16-bit fingerprint, which is
/// what a table keeps beside each first answer (`AnswerStore.FirstAnswer`): a fingerprint
/// not here is a contact not busy; one that is here sends the decision to the exact check.
public final class BusySet: Sendable {
    /// Open addressing, at most half full; 0 is an empty slot (no key is 0).
    private let slots: [UInt64]
    private let shift: UInt64
    /// The keys' fingerprints, each once, the same way (no fingerprint is 0; there are
    /// fewer distinct ones than slots, so a probe always ends).
    private let fingerprints: [UInt16]
    public let count: Int

    public init(_ contacts: some Sequence<DialedContact>) {
        let keys = Set(contacts.map(Self.key))
        var bits: UInt64 = 4
        while (1 << bits) < keys.count * 2 { bits += 1 }
        var slots = [UInt64](repeating: 0, count: 1 << bits)
        var fingerprints = [UInt16](repeating: 0, count: 1 << bits)
        let mask = slots.count - 1
        for key in keys {
            var index = Self.slot(key, shift: 64 - bits)
            while slots[index] != 0 { index = (index + 1) & mask }
            slots[index] = key
            let fingerprint = Self.fingerprint(key)
            index = Int(fingerprint) & mask
            while fingerprints[index] != 0 && fingerprints[index] != fingerprint { index = (index + 1) & mask }
            fingerprints[index] = fingerprint
        }
        self.slots = slots
        self.fingerprints = fingerprints
        shift = 64 - bits
        count = keys.count
    }

    /// A number is its E.164 value (under 2^50); a softphone its user hash with the top bit set.
    @inline(__always)
    static func key(_ contact: DialedContact) -> UInt64 {
        switch contact {
        case .number(let number): return number.value
        case .sipUser(let user): return user | (1 << 63)
        }
    }

    /// 16 well-mixed bits of a key, never 0.
    @inline(__always)
    static func fingerprint(_ key: UInt64) -> UInt16 {
        let mixed = UInt16(truncatingIfNeeded: (key &* 0xff51_afd7_ed55_8ccd) >> 48)
        return mixed == 0 ? 1 : mixed
    }

    @inline(__always)
    private static func slot(_ key: UInt64, shift: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9e37_79b9_7f4a_7c15) >> shift) }

    @inline(__always)
    public func contains(_ contact: DialedContact) -> Bool {
        let key = Self.key(contact)
        let mask = slots.count - 1
        var index = Self.slot(key, shift: shift)
        while true {
            let found = slots[index]
            if found == key { return true }
            if found == 0 { return false }
            index = (index + 1) & mask
        }
    }

    /// Whether a contact with this fingerprint may be busy: false is certain. False for 0.
    @inline(__always)
    func mayContain(fingerprint: UInt16) -> Bool {
        guard fingerprint != 0 else { return false }
        let mask = fingerprints.count - 1
        var index = Int(fingerprint) & mask
        while true {
            let found = fingerprints[index]
            if found == fingerprint { return true }
            if found == 0 { return false }
            index = (index + 1) & mask
        }
    }
}

/// The agent state one decision reads, part of its `CallFacts`: the view (asked for the
/// caller's sticky agent only by a rule that dials `sticky`) and who was busy when the
/// decision began (so that every contact of a plan is checked without a lock, against one
/// moment's state).
public struct AgentKnowledge: Sendable, Hashable {
    public let view: (any AgentStateView)?
    public let busy: BusySet?
    /// When the decision began: sticky agents are read as of then, like busy ones.
    public let now: Int64

    public init(_ view: (any AgentStateView)?, now: Int64) {
        self.view = view
        self.now = now
        busy = view?.busy(now: now)
    }

    /// No state: no sticky agents, nobody busy.
    public static let none = AgentKnowledge(nil, now: 0)

    @inline(__always)
    public func sticky(caller: PhoneNumber?) -> DialedContact? {
        guard let view, let caller else { return nil }
        return view.sticky(caller: caller, now: now)
    }

    @inline(__always)
    public var anyoneBusy: Bool { busy != nil }

    @inline(__always)
    public func isBusy(_ contact: DialedContact) -> Bool { busy?.contains(contact) ?? false }

    public static func == (lhs: AgentKnowledge, rhs: AgentKnowledge) -> Bool { lhs.view === rhs.view && lhs.busy === rhs.busy }

    public func hash(into hasher: inout Hasher) { hasher.combine(view.map(ObjectIdentifier.init)) }
}

/// A fixed agent state, for `eval --state-file`, test cases and tests.
public final class AgentSnapshot: AgentStateView {
    public let stickyAgents: [PhoneNumber: DialedContact]
    public let busy: Set<DialedContact>
    private let busySet: BusySet?

    public init(sticky: [PhoneNumber: DialedContact] = [:], busy: Set<DialedContact> = []) {
        stickyAgents = sticky
        self.busy = busy
        busySet = busy.isEmpty ? nil : BusySet(busy)
    }

    public func sticky(caller: PhoneNumber, now: Int64) -> DialedContact? { stickyAgents[caller] }
    public func busy(now: Int64) -> BusySet? { busySet }
}

/// Whether a step rings agents known to be busy (`busy:`).
public enum BusyPolicy: String, Sendable, Hashable, CaseIterable {
    /// Left out of the step's attempt: a hunt moves past them, parallel ringing rings the rest.
    case skip
    /// Dialled anyway (Exotel then takes "We didn't dial anyone" for a busy user).
    case ring
}

/// What a step's lookup reads: a table, or the caller's sticky agent.
public enum Lookup: Sendable, Hashable, Comparable {
    case table(Int)
    /// `sticky`: the agent who last spoke to the caller, among the rule set's `agents`.
    case sticky
}

extension RuleSet {
    /// Sticky agents last at most this long; `sticky_days` is 1 to this.
    public static let maxStickyDays = 365
    public static let defaultStickyDays = 30
}

extension RuleSet {
    /// The contact an agent state names: an agent of the rule set by name, a `sip:` user, or
    /// a number (national ones in the rule set's country); nil when it is none of these.
    public func contact(named name: String) -> DialedContact? {
        if let agent = agents.first(where: { $0.agent == name }) { return agent.contact.dialed }
        if name.count > 4, name.prefix(4).lowercased() == "sip:" {
            let user = name.dropFirst(4).prefix { $0 != "@" && $0 != ";" }
            return SIPAddress.isUser(user) ? .sipUser(SIPAddress.userKey(of: String(user))) : nil
        }
        return E164.normalize(name[...], home: country).map(DialedContact.number)
    }
}
