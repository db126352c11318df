import CPrefetch

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
    /// One extra word of a sparse row, and also a row's record: a record is the row's only
    /// pair when it has one (most rows of a large rule set, an ExoPhone or a caller prefix,
    /// add one word to the template), so that the walk reads it from the line it read the
    /// record from; otherwise `index` is where the row's pairs or dense words start. Sixteen
    /// bytes, so that the records of ten thousand ExoPhones stay in cache between requests.
    struct Pair: BitwiseCopyable {
        var word: UInt64
        var index: Int32
        /// In a record: the row's pairs, or for a dense row -1 minus its non-zero words.
        var shape: Int32
    }

    let words: Int
    let rows: Int
    private let template: Frozen<UInt64>
    private let templateNonZero: Frozen<UInt32>
    private let pairs: Frozen<Pair>
    /// Dense rows' extra bits, `words` words each.
    private let dense: Frozen<UInt64>
    private let records: Frozen<Pair>

    /// Extra bits beyond this many words are stored densely.
    static let densePairs = 16

    /// `rows`: full dense rows; each must contain `template`.
    init(template: [UInt64], rows: [[UInt64]], memory: TableMemory) {
        words = template.count
        self.rows = rows.count
        var pairs: [Pair] = []
        var dense: [UInt64] = []
        var records: [Pair] = []
        records.reserveCapacity(rows.count)
        for row in rows {
            precondition(row.count == words)
            let extra = zip(row, template).enumerated().compactMap { position, pair in
                pair.0 & ~pair.1 == 0 ? nil : Pair(word: pair.0 & ~pair.1, index: Int32(position), shape: 0)
            }
            if extra.count > Self.densePairs {
                records.append(Pair(word: 0, index: Int32(dense.count), shape: -1 - Int32(extra.count)))
                dense += zip(row, template).map { $0 & ~$1 }
            } else if extra.count == 1 {
                records.append(Pair(word: extra[0].word, index: extra[0].index, shape: 1))
            } else {
                records.append(Pair(word: 0, index: Int32(pairs.count), shape: Int32(extra.count)))
                pairs += extra
            }
        }
        self.template = memory.freeze(template)
        templateNonZero = memory.freeze(template.indices.filter { template[$0] != 0 }.map(UInt32.init))
        self.pairs = memory.freeze(pairs)
        self.dense = memory.freeze(dense)
        self.records = memory.freeze(records)
    }

    /// Whether rule `bit` is set in every row (it has no condition in this dimension).
    func inTemplate(_ bit: Int) -> Bool { template[bit >> 6] & (1 << UInt64(bit & 63)) != 0 }

    /// Calls `body` with each rule row `row` sets beyond the template.
    func forEachExtraRule(row: Int, _ body: (Int) -> Void) {
        let view = view(row: row)
        func bits(_ word: UInt64, _ index: Int) {
            var word = word
            while word != 0 {
                body(index << 6 | word.trailingZeroBitCount)
                word &= word - 1
            }
        }
        if view.pairs < 0 {
            for index in 0..<words { bits(view.denseWord(index), index) }
        } else {
            for pair in 0..<view.pairs { bits(view.pairWord(pair), view.pairIndex(pair)) }
        }
    }

    /// Starts loading a row's record.
    @inline(__always)
    func prefetch(row: Int) { ringplan_prefetch(records.base + row) }

    /// One row, resolved for a lookup: plain pointers and counts, so that the walk copies no
    /// matrix (passing four matrices by value cost four `memcpy`s a decision).
    @inline(__always)
    func view(row: Int) -> RowView {
        let record = records.base + row
        let shape = Int(record.pointee.shape)
        let extra = shape == 1 ? UnsafeRawPointer(record)
            : shape >= 0 ? UnsafeRawPointer(pairs.base + Int(record.pointee.index)) : UnsafeRawPointer(dense.base + Int(record.pointee.index))
        return RowView(template: template.base, templateNonZero: templateNonZero.base, templateNonZeroCount: templateNonZero.count,
                       extra: extra, pairs: max(shape, -1), words: words, weight: templateNonZero.count + (shape >= 0 ? shape : -1 - shape))
    }

    /// The first rule set in all four rows (a row of each dimension), or -1: walk the
    /// lightest row, and AND each of its non-zero words with the same word of the other
    /// three. Those three are read unconditionally, so that their loads (often cache
    /// misses, in a large rule set) are in flight together rather than one after another.
    @inline(__always)
    static func firstCommon(_ a: RowView, _ b: RowView, _ c: RowView, _ d: RowView) -> Int {
        if a.weight <= b.weight && a.weight <= c.weight && a.weight <= d.weight { return walk(a, b, c, d) }
        if b.weight <= c.weight && b.weight <= d.weight { return walk(b, a, c, d) }
        if c.weight <= d.weight { return walk(c, a, b, d) }
        return walk(d, a, b, c)
    }

    @inline(__always)
    private static func walk(_ walked: RowView, _ x: RowView, _ y: RowView, _ z: RowView) -> Int {
        walked.firstResult { index, word in
            let common = word & x.word(index) & y.word(index) & z.word(index)
            return common == 0 ? nil : index << 6 | common.trailingZeroBitCount
        } ?? -1
    }

    /// Where three rows first meet, looking at no more than `limit` non-zero words of the
    /// lightest: the word's index and common bits; index -1 when the rows meet nowhere, so
    /// no rule holds whatever the fourth row; -2 when the limit was reached first.
    @inline(__always)
    static func firstCommonWord(_ a: RowView, _ b: RowView, _ c: RowView, limit: Int) -> (index: Int, bits: UInt64) {
        if a.weight <= b.weight && a.weight <= c.weight { return walk(a, b, c, limit: limit) }
        if b.weight <= c.weight { return walk(b, a, c, limit: limit) }
        return walk(c, a, b, limit: limit)
    }

    @inline(__always)
    private static func walk(_ walked: RowView, _ x: RowView, _ y: RowView, limit: Int) -> (index: Int, bits: UInt64) {
        var visited = 0
        var bits: UInt64 = 0
        let index = walked.firstResult { index, word in
            bits = word & x.word(index) & y.word(index)
            if bits != 0 { return index }
            visited += 1
            return visited == limit ? -2 : nil
        } ?? -1
        return (index, bits)
    }
}

/// A row of a `BitMatrix` as a lookup reads it.
struct RowView {
    let template: UnsafePointer<UInt64>
    let templateNonZero: UnsafePointer<UInt32>
    let templateNonZeroCount: Int
    /// Sparse rows: `pairs` `BitMatrix.Pair`s sorted by index (a one-pair row's pair is its
    /// record). Dense rows: the row's own bits, every word.
    let extra: UnsafeRawPointer
    /// Pairs in `extra`, or -1 when the row is dense.
    let pairs: Int
    let words: Int
    /// An upper bound of the non-zero words, to pick the row to walk.
    let weight: Int

    @inline(__always)
    func pairWord(_ pair: Int) -> UInt64 { extra.assumingMemoryBound(to: BitMatrix.Pair.self)[pair].word }

    @inline(__always)
    func pairIndex(_ pair: Int) -> Int { Int(extra.assumingMemoryBound(to: BitMatrix.Pair.self)[pair].index) }

    @inline(__always)
    func denseWord(_ index: Int) -> UInt64 { extra.assumingMemoryBound(to: UInt64.self)[index] }

    /// Word `index`.
    @inline(__always)
    func word(_ index: Int) -> UInt64 {
        if pairs < 0 { return template[index] | denseWord(index) }
        var found: UInt64 = 0
        if pairs <= 8 {
            for pair in 0..<pairs where pairIndex(pair) == index { found = pairWord(pair) }
        } else {
            var low = 0, high = pairs - 1
            while low <= high {
                let middle = (low + high) >> 1
                let key = pairIndex(middle)
                if key == index { found = pairWord(middle); break }
                if key < index { low = middle + 1 } else { high = middle - 1 }
            }
        }
        return template[index] | found
    }

    /// Calls `visit` with each non-zero word in increasing index order until it returns a
    /// result.
    @inline(__always)
    func firstResult(_ visit: (Int, UInt64) -> Int?) -> Int? {
        if pairs < 0 {
            for index in 0..<words {
                let value = template[index] | denseWord(index)
                if value != 0, let result = visit(index, value) { return result }
            }
            return nil
        }
        // Merge the template's non-zero words with the row's pairs.
        var nextTemplate = 0, nextPair = 0
        while nextTemplate < templateNonZeroCount || nextPair < pairs {
            let fromTemplate = nextTemplate < templateNonZeroCount ? Int(templateNonZero[nextTemplate]) : Int.max
            let fromPair = nextPair < pairs ? pairIndex(nextPair) : Int.max
            let index = min(fromTemplate, fromPair)
            var value = template[index]
            if fromTemplate == index { nextTemplate += 1 }
            if fromPair == index {
                value |= pairWord(nextPair)
                nextPair += 1
            }
            if value != 0, let result = visit(index, value) { return result }
        }
        return nil
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
