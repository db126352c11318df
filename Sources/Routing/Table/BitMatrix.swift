/// Rows of rule bitsets: row `r`, bit `i` set when rule `i` can match for values of class
/// `r` in one dimension. Each row also lists its non-zero words, so that a lookup visits
/// only the words of its sparsest row instead of every word of every row.
final class BitMatrix: @unchecked Sendable {
    let rows: Int
    let words: Int
    private let bits: UnsafeMutablePointer<UInt64>
    /// Word indexes of the non-zero words of each row, row after row.
    private let nonZero: UnsafeMutablePointer<UInt32>
    private let nonZeroStart: UnsafeMutablePointer<Int>
    private let nonZeroCount: UnsafeMutablePointer<Int>

    init(rows: [[UInt64]], words: Int) {
        self.rows = rows.count
        self.words = words
        bits = .allocate(capacity: max(1, rows.count * words))
        nonZeroStart = .allocate(capacity: max(1, rows.count))
        nonZeroCount = .allocate(capacity: max(1, rows.count))
        var lists: [UInt32] = []
        for (index, row) in rows.enumerated() {
            precondition(row.count == words)
            (bits + index * words).initialize(from: row, count: words)
            nonZeroStart[index] = lists.count
            for (word, value) in row.enumerated() where value != 0 { lists.append(UInt32(word)) }
            nonZeroCount[index] = lists.count - nonZeroStart[index]
        }
        nonZero = .allocate(capacity: max(1, lists.count))
        nonZero.initialize(from: lists, count: lists.count)
        nonZeroTotal = lists.count
    }

    private let nonZeroTotal: Int

    deinit {
        bits.deallocate()
        nonZero.deallocate()
        nonZeroStart.deallocate()
        nonZeroCount.deallocate()
    }

    @inline(__always) func row(_ index: Int) -> UnsafePointer<UInt64> { UnsafePointer(bits + index * words) }
    @inline(__always) func nonZeroWords(_ index: Int) -> UnsafeBufferPointer<UInt32> {
        UnsafeBufferPointer(start: nonZero + nonZeroStart[index], count: nonZeroCount[index])
    }

    func isSet(row: Int, bit: Int) -> Bool { bits[row * words + bit >> 6] & (1 << UInt64(bit & 63)) != 0 }

    var memoryBytes: Int { rows * words * 8 + nonZeroTotal * 4 + rows * 16 }

    /// The first rule set in all four rows, or -1: the AND of the rows, visited only at
    /// the non-zero words of the sparsest one.
    @inline(__always)
    static func firstCommon(_ a: (BitMatrix, Int), _ b: (BitMatrix, Int), _ c: (BitMatrix, Int), _ d: (BitMatrix, Int)) -> Int {
        var sparsest = a
        if b.0.nonZeroCount[b.1] < sparsest.0.nonZeroCount[sparsest.1] { sparsest = b }
        if c.0.nonZeroCount[c.1] < sparsest.0.nonZeroCount[sparsest.1] { sparsest = c }
        if d.0.nonZeroCount[d.1] < sparsest.0.nonZeroCount[sparsest.1] { sparsest = d }
        let rowA = a.0.row(a.1), rowB = b.0.row(b.1), rowC = c.0.row(c.1), rowD = d.0.row(d.1)
        for word in sparsest.0.nonZeroWords(sparsest.1) {
            let index = Int(word)
            let common = rowA[index] & rowB[index] & rowC[index] & rowD[index]
            if common != 0 { return index << 6 | common.trailingZeroBitCount }
        }
        return -1
    }
}

/// A bitset over rules, for building rows.
struct RuleBits {
    var words: [UInt64]

    init(rules: Int) { words = [UInt64](repeating: 0, count: (rules + 63) / 64) }

    mutating func set(_ rule: Int) { words[rule >> 6] |= 1 << UInt64(rule & 63) }
}
