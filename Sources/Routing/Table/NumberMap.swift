/// An open-addressing hash map from non-zero UInt64 keys to UInt32 values, for the small
/// maps of the request path (listed dates, IVR digits): one multiply and a probe or two,
/// where Swift's Dictionary hashes with SipHash on every call. Numbers, which can run to
/// millions, use `PackedNumberMap`.
struct NumberMap: Sendable {
    private var keys: [UInt64]
    private var values: [UInt32]
    private let hash: HashSlots

    init(capacity: Int) {
        hash = HashSlots(capacity: capacity)
        keys = [UInt64](repeating: 0, count: hash.count)
        values = [UInt32](repeating: 0, count: hash.count)
    }

    /// `key` must not be 0 (the empty mark); E.164 numbers never are.
    mutating func insert(_ key: UInt64, _ value: UInt32) {
        precondition(key != 0)
        var index = hash.first(key)
        while keys[index] != 0 && keys[index] != key { index = hash.next(index) }
        keys[index] = key
        values[index] = value
    }

    @inline(__always)
    func value(_ key: UInt64) -> UInt32? {
        keys.withUnsafeBufferPointer { keys in
            var index = hash.first(key)
            while true {
                let found = keys[index]
                if found == key { return values[index] }
                if found == 0 { return nil }
                index = hash.next(index)
            }
        }
    }

    var memoryBytes: Int { keys.capacity * 8 + values.capacity * 4 }

    func forEach(_ body: (UInt64, UInt32) -> Void) {
        for index in keys.indices where keys[index] != 0 { body(keys[index], values[index]) }
    }
}
