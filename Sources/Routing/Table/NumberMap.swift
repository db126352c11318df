/// An open-addressing hash map from non-zero UInt64 keys to UInt32 values, for the small
/// maps of the request path (listed dates, IVR digits): one multiply and a probe or two,
/// where Swift's Dictionary hashes with SipHash on every call. Numbers, which can run to
/// millions, use `PackedNumberMap`.
struct NumberMap: Sendable {
    private let keys: Frozen<UInt64>
    private let values: Frozen<UInt32>
    private let hash: HashSlots

    /// `entries`: distinct keys, none 0 (the empty mark).
    init(entries: [(key: UInt64, value: UInt32)], memory: TableMemory) {
        hash = HashSlots(capacity: entries.count)
        var keys = [UInt64](repeating: 0, count: hash.count)
        var values = [UInt32](repeating: 0, count: hash.count)
        for (key, value) in entries {
            precondition(key != 0)
            var index = hash.first(key)
            while keys[index] != 0 && keys[index] != key { index = hash.next(index) }
            keys[index] = key
            values[index] = value
        }
        self.keys = memory.freeze(keys)
        self.values = memory.freeze(values)
    }

    @inline(__always)
    func value(_ key: UInt64) -> UInt32? {
        var index = hash.first(key)
        while true {
            let found = keys[index]
            if found == key { return values[index] }
            if found == 0 { return nil }
            index = hash.next(index)
        }
    }

    func forEach(_ body: (UInt64, UInt32) -> Void) {
        for index in keys.indices where keys[index] != 0 { body(keys[index], values[index]) }
    }
}
