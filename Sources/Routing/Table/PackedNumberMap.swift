/// The hash map behind a number index: E.164 numbers (below 2^50) to class ids, packed
/// into one UInt64 per slot so that a probe touches one cache line. A million listed
/// numbers take 16 MB. Class ids that do not fit the 14 spare bits live in an overflow map.
struct PackedNumberMap: Sendable {
    private var slots: [UInt64]
    private let hash: HashSlots
    private var overflow: [UInt64: UInt32] = [:]

    private static let keyBits: UInt64 = 50
    private static let valueMask: UInt64 = (1 << (64 - keyBits)) - 1
    private static let escape = valueMask

    init(capacity: Int) {
        hash = HashSlots(capacity: capacity)
        slots = [UInt64](repeating: 0, count: hash.count)
    }

    /// `key`: an E.164 number's value (non-zero, below 10^15 < 2^50).
    mutating func insert(_ key: UInt64, _ value: UInt32) {
        precondition(key != 0 && key >> Self.keyBits == 0)
        let packedValue: UInt64
        if UInt64(value) < Self.escape {
            packedValue = UInt64(value)
        } else {
            packedValue = Self.escape
            overflow[key] = value
        }
        let entry = key << (64 - Self.keyBits) | packedValue
        var index = hash.first(key)
        while slots[index] != 0 && slots[index] >> (64 - Self.keyBits) != key { index = hash.next(index) }
        slots[index] = entry
    }

    @inline(__always)
    func value(_ key: UInt64) -> UInt32? {
        slots.withUnsafeBufferPointer { slots in
            var index = hash.first(key)
            while true {
                let entry = slots[index]
                if entry == 0 { return nil }
                if entry >> (64 - Self.keyBits) == key {
                    let value = entry & Self.valueMask
                    return value == Self.escape ? overflow[key] : UInt32(value)
                }
                index = hash.next(index)
            }
        }
    }

    var memoryBytes: Int { slots.capacity * 8 + overflow.count * 16 }

    /// Every entry, in slot order.
    func forEach(_ body: (UInt64, UInt32) -> Void) {
        for entry in slots where entry != 0 {
            let key = entry >> (64 - Self.keyBits)
            let value = entry & Self.valueMask
            body(key, value == Self.escape ? overflow[key]! : UInt32(value))
        }
    }
}
