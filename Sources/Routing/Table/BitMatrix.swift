/// The rows of one dimension: for each class of values, the bitset of rules whose
/// condition in this dimension holds for that class.
///
/// Every row contains the rules that have no condition in the dimension, so rows are
/// stored as one shared template (those rules) plus each class's own extra bits. The
/// template is read by every lookup and stays in cache; the extra bits are few for most
/// classes (an ExoPhone named by a handful of rules), so they are kept as sorted
/// (word index, word) pairs in one cache line or two, and as a dense row only when they
/// are many. A lookup then costs about one cache miss per dimension, whatever the number
/// of rules.
struct BitMatrix: Sendable {
    struct RowInfo: BitwiseCopyable {
        /// Offset in `storage`.
        var offset: Int32
        /// Pairs, or -1 when the row is dense.
        var pairs: Int32
        /// Non-zero extra words.
        var nonZero: Int32
    }

    let words: Int
    let rows: Int
    private let template: Frozen<UInt64>
    private let templateNonZero: Frozen<UInt32>
    /// Sparse rows: index, word, index, word... Dense rows: `words` words.
    private let storage: Frozen<UInt64>
    private let meta: Frozen<RowInfo>

    /// Extra bits beyond this many words are stored densely.
    static let densePairs = 16

    /// `rows`: full dense rows; each must contain `template`.
    init(template: [UInt64], rows: [[UInt64]], memory: TableMemory) {
        words = template.count
        self.rows = rows.count
        var store: [UInt64] = []
        var meta: [RowInfo] = []
        meta.reserveCapacity(rows.count)
        for row in rows {
            precondition(row.count == words)
            let extra = zip(row, template).enumerated().compactMap { position, pair in
                pair.0 & ~pair.1 == 0 ? nil : (index: position, word: pair.0 & ~pair.1)
            }
            if extra.count > Self.densePairs {
                meta.append(RowInfo(offset: Int32(store.count), pairs: -1, nonZero: Int32(extra.count)))
                store += zip(row, template).map { $0 & ~$1 }
            } else {
                meta.append(RowInfo(offset: Int32(store.count), pairs: Int32(extra.count), nonZero: Int32(extra.count)))
                for (position, word) in extra { store += [UInt64(position), word] }
            }
        }
        self.template = memory.freeze(template)
        templateNonZero = memory.freeze(template.indices.filter { template[$0] != 0 }.map(UInt32.init))
        storage = memory.freeze(store)
        self.meta = memory.freeze(meta)
    }

    /// Whether rule `bit` is set in every row (it has no condition in this dimension).
    func inTemplate(_ bit: Int) -> Bool { template[bit >> 6] & (1 << UInt64(bit & 63)) != 0 }

    /// Calls `body` with each rule row `row` sets beyond the template.
    func forEachExtraRule(row: Int, _ body: (Int) -> Void) {
        let (offset, pairs) = (meta[row].offset, meta[row].pairs)
        let base = storage.base + Int(offset)
        func bits(_ word: UInt64, _ index: Int) {
            var word = word
            while word != 0 {
                body(index << 6 | word.trailingZeroBitCount)
                word &= word - 1
            }
        }
        if pairs < 0 {
            for index in 0..<words where base[index] != 0 { bits(base[index], index) }
        } else {
            for pair in 0..<Int(pairs) { bits(base[2 * pair + 1], Int(base[2 * pair])) }
        }
    }

    /// Word `index` of row `row`.
    @inline(__always)
    func word(_ index: Int, row: Int) -> UInt64 {
        let (offset, pairs) = (meta[row].offset, meta[row].pairs)
        let base = storage.base + Int(offset)
        if pairs < 0 { return template[index] | base[index] }
        var extra: UInt64 = 0
        if pairs <= 8 {
            for pair in 0..<Int(pairs) where base[2 * pair] == UInt64(index) {
                extra = base[2 * pair + 1]
                break
            }
        } else {
            var low = 0, high = Int(pairs) - 1
            while low <= high {
                let middle = (low + high) >> 1
                let found = base[2 * middle]
                if found == UInt64(index) { extra = base[2 * middle + 1]; break }
                if found < UInt64(index) { low = middle + 1 } else { high = middle - 1 }
            }
        }
        return template[index] | extra
    }

    /// An upper bound of the non-zero words of a row, to pick the one to walk.
    @inline(__always) func weight(row: Int) -> Int { templateNonZero.count + Int(meta[row].nonZero) }

    /// Calls `visit` with each non-zero word of row `row` in increasing index order until it
    /// returns a result.
    @inline(__always)
    func firstResult(row: Int, _ visit: (Int, UInt64) -> Int?) -> Int? {
        let (offset, pairs) = (meta[row].offset, meta[row].pairs)
        let base = storage.base + Int(offset)
        if pairs < 0 {
            for index in 0..<words {
                let value = template[index] | base[index]
                if value != 0, let result = visit(index, value) { return result }
            }
            return nil
        }
        // Merge the template's non-zero words with the row's pairs.
        let templateIndexes = templateNonZero
        var nextTemplate = 0, nextPair = 0
        let pairCount = Int(pairs)
        while nextTemplate < templateIndexes.count || nextPair < pairCount {
            let fromTemplate = nextTemplate < templateIndexes.count ? Int(templateIndexes[nextTemplate]) : Int.max
            let fromPair = nextPair < pairCount ? Int(base[2 * nextPair]) : Int.max
            let index = min(fromTemplate, fromPair)
            var value = template[index]
            if fromTemplate == index { nextTemplate += 1 }
            if fromPair == index {
                value |= base[2 * nextPair + 1]
                nextPair += 1
            }
            if value != 0, let result = visit(index, value) { return result }
        }
        return nil
    }

    /// The first rule set in all four rows (a row of each dimension), or -1: walk the
    /// lightest row, and AND each of its words with the same word of the other three.
    /// (Four branches rather than a tuple of matrices: copying the views into tuples cost
    /// more than the walk.)
    @inline(__always)
    static func firstCommon(_ a: BitMatrix, _ rowA: Int, _ b: BitMatrix, _ rowB: Int,
                            _ c: BitMatrix, _ rowC: Int, _ d: BitMatrix, _ rowD: Int) -> Int {
        let weightA = a.weight(row: rowA), weightB = b.weight(row: rowB)
        let weightC = c.weight(row: rowC), weightD = d.weight(row: rowD)
        if weightA <= weightB && weightA <= weightC && weightA <= weightD { return walk(a, rowA, b, rowB, c, rowC, d, rowD) }
        if weightB <= weightC && weightB <= weightD { return walk(b, rowB, a, rowA, c, rowC, d, rowD) }
        if weightC <= weightD { return walk(c, rowC, a, rowA, b, rowB, d, rowD) }
        return walk(d, rowD, a, rowA, b, rowB, c, rowC)
    }

    @inline(__always)
    private static func walk(_ walked: BitMatrix, _ walkedRow: Int, _ x: BitMatrix, _ rowX: Int,
                             _ y: BitMatrix, _ rowY: Int, _ z: BitMatrix, _ rowZ: Int) -> Int {
        let result = walked.firstResult(row: walkedRow) { index, word in
            var common = word & x.word(index, row: rowX)
            if common == 0 { return nil }
            common &= y.word(index, row: rowY)
            if common == 0 { return nil }
            common &= z.word(index, row: rowZ)
            return common == 0 ? nil : index << 6 | common.trailingZeroBitCount
        }
        return result ?? -1
    }
}

/// A bitset over rules, for building rows.
struct RuleBits {
    var words: [UInt64]

    init(rules: Int) { words = [UInt64](repeating: 0, count: (rules + 63) / 64) }

    mutating func set(_ rule: Int) { words[rule >> 6] |= 1 << UInt64(rule & 63) }

    /// The rules with no condition in a dimension: set in every row of it.
    static func unconstrained<Condition>(_ conditions: [Condition?]) -> RuleBits {
        var bits = RuleBits(rules: conditions.count)
        for (rule, condition) in conditions.enumerated() where condition == nil { bits.set(rule) }
        return bits
    }
}
