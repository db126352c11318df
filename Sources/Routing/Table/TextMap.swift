import ConnectProtocol

/// Exact text (its UTF-8 bytes, not Swift's canonical equivalence) to a value: `CustomField`
/// values are compared as sent. Open addressing over entry indexes, each entry's FNV-1a hash
/// kept beside it and its bytes in one arena: a million lead ids are a few flat arrays, not
/// a million strings, and a probe allocates nothing.
struct TextMap: Sendable {
    private let slots: [Int32]
    private let mask: Int
    private let hashes: [UInt64]
    private let offsets: [Int32]
    private let arena: [UInt8]
    private let values: [UInt32]

    /// `entries`: distinct texts and their values.
    init(_ entries: [(text: String, value: UInt32)]) {
        var capacity = 8
        while capacity < entries.count * 2 { capacity <<= 1 }
        var slots = [Int32](repeating: -1, count: capacity)
        var hashes: [UInt64] = [], offsets: [Int32] = [0], arena: [UInt8] = [], values: [UInt32] = []
        hashes.reserveCapacity(entries.count)
        values.reserveCapacity(entries.count)
        for (index, entry) in entries.enumerated() {
            let hash = FNV1a.hash(entry.text.utf8)
            hashes.append(hash)
            arena += entry.text.utf8
            offsets.append(Int32(arena.count))
            values.append(entry.value)
            var slot = Int(truncatingIfNeeded: hash) & (capacity - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = Int32(index)
        }
        self.slots = slots
        mask = capacity - 1
        self.hashes = hashes
        self.offsets = offsets
        self.arena = arena
        self.values = values
    }

    func value(_ text: String) -> UInt32? {
        var text = text
        return text.withUTF8 { value($0) }
    }

    func value(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32? {
        let hash = FNV1a.hash(bytes)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(slots[slot])
            if entry < 0 { return nil }
            if hashes[entry] == hash {
                let start = Int(offsets[entry]), end = Int(offsets[entry + 1])
                if end - start == bytes.count && arena[start..<end].elementsEqual(bytes) { return values[entry] }
            }
            slot = (slot + 1) & mask
        }
    }

    var count: Int { values.count }
}
