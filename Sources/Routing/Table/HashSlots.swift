/// The slot arithmetic both open-addressing maps use: a power-of-two table at most half
/// full, indexed by the high bits of a Fibonacci multiply of the key, probed linearly.
struct HashSlots: Sendable {
    let count: Int
    let mask: Int
    private let shift: UInt64

    init(capacity: Int) {
        var size = 8
        while size < capacity * 2 { size <<= 1 }
        count = size
        mask = size - 1
        shift = UInt64(64 - size.trailingZeroBitCount)
    }

    @inline(__always)
    func first(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift) }

    @inline(__always)
    func next(_ index: Int) -> Int { (index + 1) & mask }
}
