import CPrefetch

/// The hash map behind a number index: E.164 numbers (below 2^50) to class ids, packed
/// into one UInt64 per slot so that a probe touches one cache line. A million listed
/// numbers take 16 MB. Class ids that do not fit the 14 spare bits are looked up in a
/// sorted overflow table.
struct PackedNumberMap: Sendable {
    private let slots: Frozen<UInt64>
    private let hash: HashSlots
    private let overflowKeys: Frozen<UInt64>
    private let overflowValues: Frozen<UInt32>

    private static let keyBits: UInt64 = 50
    private static let valueMask: UInt64 = (1 << (64 - keyBits)) - 1
    private static let escape = valueMask

    /// `entries`: distinct E.164 numbers' values (non-zero, below 10^15 < 2^50) and their classes.
    init(entries: [(key: UInt64, value: UInt32)], memory: TableMemory) {
        hash = HashSlots(capacity: entries.count)
        var slots = [UInt64](repeating: 0, count: hash.count)
        var overflow: [(key: UInt64, value: UInt32)] = []
        for (key, value) in entries {
            precondition(key != 0 && key >> Self.keyBits == 0)
            var packedValue = UInt64(value)
            if packedValue >= Self.escape {
                packedValue = Self.escape
                overflow.append((key, value))
            }
            var index = hash.first(key)
            while slots[index] != 0 && slots[index] >> (64 - Self.keyBits) != key { index = hash.next(index) }
            slots[index] = key << (64 - Self.keyBits) | packedValue
        }
        overflow.sort { $0.key < $1.key }
        self.slots = memory.freeze(slots)
        overflowKeys = memory.freeze(overflow.map(\.key))
        overflowValues = memory.freeze(overflow.map(\.value))
    }

    /// Starts loading the slot where a probe for `key` begins (see `FactReader`).
    @inline(__always)
    func prefetch(_ key: UInt64) { ringplan_prefetch(slots.base + hash.first(key)) }

    @inline(__always)
    func value(_ key: UInt64) -> UInt32? {
        var index = hash.first(key)
        while true {
            let entry = slots[index]
            if entry == 0 { return nil }
            if entry >> (64 - Self.keyBits) == key {
                let value = entry & Self.valueMask
                return value == Self.escape ? overflowValue(key) : UInt32(value)
            }
            index = hash.next(index)
        }
    }

    private func overflowValue(_ key: UInt64) -> UInt32 {
        var low = 0, high = overflowKeys.count - 1
        while low < high {
            let middle = (low + high) / 2
            if overflowKeys[middle] < key { low = middle + 1 } else { high = middle }
        }
        return overflowValues[low]
    }

    /// Every entry, in slot order.
    func forEach(_ body: (UInt64, UInt32) -> Void) {
        for index in slots.indices where slots[index] != 0 {
            let key = slots[index] >> (64 - Self.keyBits)
            let value = slots[index] & Self.valueMask
            body(key, value == Self.escape ? overflowValue(key) : UInt32(value))
        }
    }
}
