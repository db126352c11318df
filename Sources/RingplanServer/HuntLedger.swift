import ConnectProtocol
import Foundation
import Synchronization

/// Where each hunting call is: the rule its first fetch pinned and the next attempt.
///
/// Exotel re-fetches a hunting call after each failed attempt, without `digits` and with
/// the clock moved on, so the first decision is kept here by `CallSid`. Re-fetches can
/// arrive concurrently: the read-and-advance is one step under the shard's lock, so each
/// gets a different attempt. Bounded in entries (the oldest go first when full) and in
/// time (an entry outlives the longest possible call, then expires).
public final class HuntLedger: Sendable {
    public struct Entry: Sendable, Equatable {
        public let ruleSet: String
        public let version: String
        public let rule: Int
        public let ruleName: String
        /// The attempt the next fetch gets.
        public var nextAttempt: Int
        var expires: UInt64
    }

    /// Keyed by a 64-bit hash of the CallSid, which also picks the shard: integer keys
    /// hash and compare cheaply and the eviction queue holds no strings. The CallSid is
    /// kept to tell the (astronomically rare) colliding call apart: it replaces the entry,
    /// and the call it displaced falls back to `DialWhomNumber`.
    private struct Slot {
        var callSid: String
        var entry: Entry
    }

    private struct Shard {
        var entries: [UInt64: Slot] = [:]
        /// Insertion order, for evicting the oldest; may hold keys already removed.
        var order: [UInt64] = []
        var orderStart = 0
    }

    private final class ShardBox: Sendable {
        let mutex = Mutex(Shard())
    }

    private let shards: [ShardBox]
    private let capacityPerShard: Int
    /// Seconds an entry lives: 60 s of ringing per attempt and 75 minutes of talk, twice over.
    public let lifetime: UInt64
    static let shardCount = 16
    /// Longer CallSids are not tracked (Exotel's are 32 characters).
    static let maxCallSidLength = 128

    public init(capacity: Int = 100_000, lifetime: UInt64 = 2 * 3600) {
        shards = (0..<Self.shardCount).map { _ in ShardBox() }
        capacityPerShard = max(1, capacity / Self.shardCount)
        self.lifetime = lifetime
    }

    static func key(_ callSid: String) -> UInt64 { FNV1a.hash(callSid.utf8) }

    static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec)
    }

    /// The call's entry with its attempt advanced, or, for a call not seen yet, the
    /// decision `decide` makes, recorded. Both happen under the lock, so two fetches of one
    /// call never get the same attempt. `decide` returns the entry for the first fetch.
    /// `decide` returns the entry and whether to keep it (only hunts are fetched again).
    public func advance(callSid: String, ruleSet: String, decide: (Entry?) -> (entry: Entry, keep: Bool)?) -> (entry: Entry, pinned: Bool)? {
        guard callSid.utf8.count <= Self.maxCallSidLength else {
            return decide(nil).map { ($0.entry, false) }
        }
        let now = Self.now()
        let key = Self.key(callSid)
        return shards[Int(key >> 32) % Self.shardCount].mutex.withLock { shard in
            if let slot = shard.entries[key], slot.callSid == callSid, slot.entry.expires > now, slot.entry.ruleSet == ruleSet {
                var entry = slot.entry
                // `decide` may move the entry to the current version of its rule.
                guard var moved = decide(entry)?.entry else { return nil }
                moved.expires = entry.expires
                entry = moved
                let current = entry
                entry.nextAttempt += 1
                shard.entries[key] = Slot(callSid: callSid, entry: entry)
                return (current, true)
            }
            guard let (decided, keep) = decide(nil) else { return nil }
            var entry = decided
            entry.nextAttempt += 1
            entry.expires = now + lifetime
            if keep { insert(key, Slot(callSid: callSid, entry: entry), into: &shard, now: now) }
            return (decided, false)
        }
    }

    private func insert(_ key: UInt64, _ slot: Slot, into shard: inout Shard, now: UInt64) {
        if shard.entries.updateValue(slot, forKey: key) == nil { shard.order.append(key) }
        // Evict from the oldest: expired entries, and any while over capacity.
        while shard.orderStart < shard.order.count {
            let oldest = shard.order[shard.orderStart]
            guard let existing = shard.entries[oldest] else {
                shard.orderStart += 1
                continue
            }
            if existing.entry.expires <= now || shard.entries.count > capacityPerShard {
                shard.entries[oldest] = nil
                shard.orderStart += 1
            } else {
                break
            }
        }
        if shard.orderStart > 1024 && shard.orderStart * 2 > shard.order.count {
            shard.order.removeFirst(shard.orderStart)
            shard.orderStart = 0
        }
    }

    public var count: Int { shards.reduce(0) { total, shard in total + shard.mutex.withLock { $0.entries.count } } }

    public static func entry(ruleSet: String, version: String, rule: Int, ruleName: String, attempt: Int) -> Entry {
        Entry(ruleSet: ruleSet, version: version, rule: rule, ruleName: ruleName, nextAttempt: attempt, expires: 0)
    }
}
