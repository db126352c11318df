/// The slot arithmetic both open-addressing maps use: a power-of-two table at most two
/// thirds full, indexed by the high bits of a Fibonacci multiply of the key, probed
/// linearly. (Half full made a probe for an absent key a little shorter, but the maps of a
/// large rule set, read at random by every request, then held more memory than the cache
/// keeps for them between two requests that read the same line.)
struct HashSlots: Sendable {
    let count: Int
    let mask: Int
    private let shift: UInt64

    init(capacity: Int) {
        var size = 8
        while size * 2 < capacity * 3 { size <<= 1 }
        count = size
        mask = size - 1
        shift = UInt64(64 - size.trailingZeroBitCount)
    }

    @inline(__always)
    func first(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift) }

    @inline(__always)
    func next(_ index: Int) -> Int { (index + 1) & mask }
}
