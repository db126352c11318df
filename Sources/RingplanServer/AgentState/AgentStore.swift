import ConnectProtocol
import Foundation
import Routing
import Synchronization

/// What the server has learnt of agents from Exotel's pass-through events: who is on a
/// call, and which agent last spoke to each caller of each rule set.
///
/// Decisions read it and never wait on anything else: it lives in memory, bounded, and
/// reads take one uncontended lock at most (none at all while nobody is busy, and none for
/// rules that do not dial `sticky`).
public final class AgentStore: Sendable {
    /// A busy mark with no `free` after it lapses after Exotel's longest ringing plus
    /// conversation: 60 s + 4,500 s.
    public static let busyLifetime: Int64 = 4_560
    public static let defaultStickyCapacity = 1_000_000

    /// Who is busy on which calls, and the set decisions read.
    private let busy = Mutex(BusyMarks())
    /// How many contacts have marks: decisions read this first, without the lock.
    private let busyContacts = Atomic<Int>(0)
    private let sticky: StickyMap
    /// Rule-set names by the hash sticky entries are keyed by, for `/admin/agents`.
    private let ruleSetNames = Mutex<[UInt64: String]>([:])
    /// Where what is learnt goes besides memory (storage, other replicas); nil: nowhere.
    private let journal: (@Sendable (AgentChange) -> Void)?

    public init(stickyCapacity: Int = AgentStore.defaultStickyCapacity, journal: (@Sendable (AgentChange) -> Void)? = nil) {
        sticky = StickyMap(capacity: stickyCapacity)
        self.journal = journal
    }

    // MARK: Learning

    public func markBusy(_ contact: DialedContact, call: UInt64, now: Int64) {
        learn(.busy(contact: contact, call: call, until: now + Self.busyLifetime), now: now)
    }

    public func markFree(_ contact: DialedContact, call: UInt64, now: Int64) {
        learn(.free(contact: contact, call: call), now: now)
    }

    public func learnSticky(ruleSet: String, caller: PhoneNumber, agent: DialedContact, at time: Int64) {
        learn(.sticky(ruleSet: ruleSet, caller: caller, agent: agent, learnt: time), now: time)
    }

    /// Applies what an event taught, and passes it on to the journal.
    private func learn(_ change: AgentChange, now: Int64) {
        apply(change, now: now)
        journal?(change)
    }

    /// Applies a change read back from storage or sent by another replica (not journalled again).
    public func apply(_ change: AgentChange, now: Int64) {
        switch change {
        case .busy(let contact, let call, let until):
            busy.withLock { marks in
                marks.mark(contact, call: call, until: until, now: now)
                busyContacts.store(marks.live.count, ordering: .relaxed)
            }
        case .free(let contact, let call):
            busy.withLock { marks in
                marks.clear(contact, call: call, now: now)
                busyContacts.store(marks.live.count, ordering: .relaxed)
            }
        case .sticky(let ruleSet, let caller, let agent, let learnt):
            let key = StickyMap.Key(ruleSet: ruleSet, caller: caller)
            ruleSetNames.withLock { names in if names[key.ruleSet] == nil { names[key.ruleSet] = ruleSet } }
            sticky.set(key, agent: agent, at: learnt)
        }
    }

    /// Drops every lapsed mark (run now and then: a mark lapses without an event).
    public func sweep(now: Int64) {
        busy.withLock { marks in
            marks.sweep(now: now)
            busyContacts.store(marks.live.count, ordering: .relaxed)
        }
    }

    // MARK: Reading

    public var anyoneBusy: Bool { busyContacts.load(ordering: .relaxed) > 0 }

    /// Who is busy at `now`, once per decision: the set published at the last change.
    public func busy(now: Int64) -> BusySet? {
        guard anyoneBusy else { return nil }
        return busy.withLock { marks in
            if now >= marks.nextLapse {
                marks.sweep(now: now)
                busyContacts.store(marks.live.count, ordering: .relaxed)
            }
            return marks.published
        }
    }

    public func isBusy(_ contact: DialedContact, now: Int64) -> Bool { busy(now: now)?.contains(contact) ?? false }

    /// The agent who last spoke to `caller` in `ruleSet`, learnt at `notBefore` or later.
    public func sticky(ruleSet: UInt64, caller: PhoneNumber, notBefore: Int64) -> DialedContact? {
        sticky.get(StickyMap.Key(ruleSet: ruleSet, caller: caller.value), notBefore: notBefore)
    }

    /// The view one rule set's decisions read.
    public func view(ruleSet: String, stickyDays: Int) -> RuleSetAgents {
        RuleSetAgents(store: self, ruleSet: StickyMap.Key.hash(ruleSet), stickyDays: stickyDays)
    }

    /// Busy contacts with their calls, and sticky entries: for `/admin/agents`.
    public func busyNow(now: Int64) -> [(contact: DialedContact, calls: Int)] {
        busy.withLock { marks in
            marks.calls.compactMap { contact, calls in
                let live = calls.values.filter { $0 > now }.count
                return live > 0 ? (contact, live) : nil
            }
        }
    }

    public var stickyCount: Int { sticky.count }

    /// Up to `limit` sticky entries, most recently learnt first.
    public func stickyEntries(limit: Int) -> [(ruleSet: String, caller: PhoneNumber, agent: DialedContact, learnt: Int64)] {
        let names = ruleSetNames.withLock { $0 }
        return sticky.newest(limit).map { key, entry in
            (names[key.ruleSet] ?? "?", PhoneNumber(value: key.caller), entry.agent, entry.learnt)
        }
    }
}

/// One rule set's reading of the agent state, handed to its decisions (`AgentStateView`).
public final class RuleSetAgents: AgentStateView {
    let store: AgentStore
    let ruleSet: UInt64
    let stickyDays: Int

    init(store: AgentStore, ruleSet: UInt64, stickyDays: Int) {
        self.store = store
        self.ruleSet = ruleSet
        self.stickyDays = stickyDays
    }

    public func sticky(caller: PhoneNumber, now: Int64) -> DialedContact? {
        store.sticky(ruleSet: ruleSet, caller: caller, notBefore: now - Int64(stickyDays) * 86_400)
    }

    public func busy(now: Int64) -> BusySet? { store.busy(now: now) }
}

/// Per contact, the calls it is busy on (by CallSid hash) and when each mark lapses: an
/// agent on two calls is free when both have ended. `live` is kept as marks change, so
/// that a decision reads it as it is.
struct BusyMarks {
    private(set) var calls: [DialedContact: [UInt64: Int64]] = [:]
    private(set) var live = Set<DialedContact>()
    /// `live` as decisions read it, rebuilt when it changes (events, not decisions, pay for it).
    private(set) var published: BusySet?
    /// No mark lapses before this: until then `live` needs no sweep.
    private(set) var nextLapse = Int64.max

    mutating func mark(_ contact: DialedContact, call: UInt64, until: Int64, now: Int64) {
        guard until > now else { return clear(contact, call: call, now: now) }
        calls[contact, default: [:]][call] = until
        if live.insert(contact).inserted { publish() }
        nextLapse = min(nextLapse, until)
    }

    private mutating func publish() { published = live.isEmpty ? nil : BusySet(live) }

    mutating func clear(_ contact: DialedContact, call: UInt64, now: Int64) {
        guard var marks = calls[contact] else { return }
        marks[call] = nil
        marks = marks.filter { $0.value > now }
        if marks.isEmpty {
            calls[contact] = nil
            if live.remove(contact) != nil { publish() }
        } else {
            calls[contact] = marks
        }
    }

    mutating func sweep(now: Int64) {
        var next = Int64.max
        var changed = false
        defer { if changed { publish() } }
        for (contact, marks) in calls {
            let kept = marks.filter { $0.value > now }
            if kept.isEmpty {
                calls[contact] = nil
                if live.remove(contact) != nil { changed = true }
            } else {
                if kept.count != marks.count { calls[contact] = kept }
                next = min(next, kept.values.min()!)
            }
        }
        nextLapse = next
    }
}

/// Callers' sticky agents, sharded by key, bounded: when full, the entry learnt longest
/// ago goes first.
final class StickyMap: Sendable {
    struct Key: Hashable, Sendable {
        /// A 64-bit hash of the rule set's name.
        let ruleSet: UInt64
        let caller: UInt64

        init(ruleSet: UInt64, caller: UInt64) {
            self.ruleSet = ruleSet
            self.caller = caller
        }

        init(ruleSet: String, caller: PhoneNumber) {
            self.init(ruleSet: Self.hash(ruleSet), caller: caller.value)
        }

        static func hash(_ name: String) -> UInt64 { FNV1a.hash(name.utf8) }

        var shard: Int { Int(truncatingIfNeeded: (caller &* 0x9e37_79b9_7f4a_7c15 ^ ruleSet) >> 58) % StickyMap.shardCount }
    }

    struct Entry: Sendable {
        let agent: DialedContact
        let learnt: Int64
    }

    private struct Shard {
        var entries: [Key: Entry] = [:]
        /// Learning order; an entry learnt again is queued again, and its older place skipped.
        var order: [(key: Key, learnt: Int64)] = []
        var orderStart = 0
    }

    private final class ShardBox: Sendable {
        let mutex = Mutex(Shard())
    }

    static let shardCount = 16
    private let shards: [ShardBox]
    private let capacityPerShard: Int

    init(capacity: Int) {
        shards = (0..<Self.shardCount).map { _ in ShardBox() }
        capacityPerShard = max(1, capacity / Self.shardCount)
    }

    func set(_ key: Key, agent: DialedContact, at time: Int64) {
        shards[key.shard].mutex.withLock { shard in
            if let existing = shard.entries[key], existing.learnt > time { return } // an older event arriving late
            shard.entries[key] = Entry(agent: agent, learnt: time)
            shard.order.append((key, time))
            while shard.entries.count > capacityPerShard, shard.orderStart < shard.order.count {
                let oldest = shard.order[shard.orderStart]
                shard.orderStart += 1
                if shard.entries[oldest.key]?.learnt == oldest.learnt { shard.entries[oldest.key] = nil }
            }
            // Drop the queue's consumed head, and places superseded by later learning.
            if shard.order.count > 2 * shard.entries.count + 1024 {
                shard.order = shard.order[shard.orderStart...].filter { shard.entries[$0.key]?.learnt == $0.learnt }
                shard.orderStart = 0
            }
        }
    }

    func get(_ key: Key, notBefore: Int64) -> DialedContact? {
        shards[key.shard].mutex.withLock { shard in
            guard let entry = shard.entries[key], entry.learnt >= notBefore else { return nil }
            return entry.agent
        }
    }

    var count: Int { shards.reduce(0) { total, shard in total + shard.mutex.withLock { $0.entries.count } } }

    /// The `limit` entries learnt last, newest first.
    func newest(_ limit: Int) -> [(Key, Entry)] {
        var found: [(Key, Entry)] = []
        for shard in shards {
            shard.mutex.withLock { shard in
                var taken = 0
                for place in shard.order[shard.orderStart...].reversed() where taken < limit {
                    guard let entry = shard.entries[place.key], entry.learnt == place.learnt else { continue }
                    found.append((place.key, entry))
                    taken += 1
                }
            }
        }
        return Array(found.sorted { $0.1.learnt > $1.1.learnt }.prefix(limit))
    }
}
