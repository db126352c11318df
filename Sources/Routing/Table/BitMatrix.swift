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
    struct RowInfo: BitwiseCopyable {
        /// A row's only pair, kept here rather than in `storage`: most rows of a large rule
        /// set (an ExoPhone, a caller prefix) add one word to the template, and the walk
        /// then reads it from the line it read this record from.
        var inlinePair: (index: UInt64, word: UInt64)
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
    /// Where a record's inline pair sits in it: the pair is read as the two words of a stored one.
    private let inlinePairOffset = MemoryLayout<RowInfo>.offset(of: \.inlinePair)!

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
            var info = RowInfo(inlinePair: (0, 0), offset: Int32(store.count), pairs: Int32(extra.count), nonZero: Int32(extra.count))
            if extra.count > Self.densePairs {
                info.pairs = -1
                store += zip(row, template).map { $0 & ~$1 }
            } else if extra.count == 1 {
                info.inlinePair = (UInt64(extra[0].index), extra[0].word)
            } else {
                for (position, word) in extra { store += [UInt64(position), word] }
            }
            meta.append(info)
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
        let view = view(row: row)
        let (base, pairs) = (view.extra, view.pairs)
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
            for pair in 0..<pairs { bits(base[2 * pair + 1], Int(base[2 * pair])) }
        }
    }

    /// Starts loading a row's record.
    @inline(__always)
    func prefetch(row: Int) { ringplan_prefetch(meta.base + row) }

    /// One row, resolved for a lookup: plain pointers and counts, so that the walk copies no
    /// matrix (passing four matrices by value cost four `memcpy`s a decision).
    @inline(__always)
    func view(row: Int) -> RowView {
        let record = meta.base + row
        let info = record.pointee
        let extra = info.pairs == 1
            ? (UnsafeRawPointer(record) + inlinePairOffset).assumingMemoryBound(to: UInt64.self)
            : storage.base + Int(info.offset)
        return RowView(template: template.base, templateNonZero: templateNonZero.base, templateNonZeroCount: templateNonZero.count,
                       extra: extra, pairs: Int(info.pairs), words: words, weight: templateNonZero.count + Int(info.nonZero))
    }


    /// The first rule set in all four rows (a row of each dimension), or -1: walk the
    /// lightest row, and AND each of its non-zero words with the same word of the other
    /// three. Those three are read unconditionally, so that their loads (often cache
    /// misses, in a large rule set) are in flight together rather than one after another.
    /// `candidate` is called with the first rule of the walked row before the other rows
    /// are read: usually the answer, so the caller can start loading what it will need.
    @inline(__always)
    static func firstCommon(_ a: RowView, _ b: RowView, _ c: RowView, _ d: RowView, candidate: (Int) -> Void) -> Int {
        if a.weight <= b.weight && a.weight <= c.weight && a.weight <= d.weight { return walk(a, b, c, d, candidate) }
        if b.weight <= c.weight && b.weight <= d.weight { return walk(b, a, c, d, candidate) }
        if c.weight <= d.weight { return walk(c, a, b, d, candidate) }
        return walk(d, a, b, c, candidate)
    }

    @inline(__always)
    private static func walk(_ walked: RowView, _ x: RowView, _ y: RowView, _ z: RowView, _ candidate: (Int) -> Void) -> Int {
        var first = true
        return walked.firstResult { index, word in
            if first {
                candidate(index << 6 | word.trailingZeroBitCount)
                first = false
            }
            let common = word & x.word(index) & y.word(index) & z.word(index)
            return common == 0 ? nil : index << 6 | common.trailingZeroBitCount
        } ?? -1
    }
}

/// A row of a `BitMatrix` as a lookup reads it.
struct RowView {
    let template: UnsafePointer<UInt64>
    let templateNonZero: UnsafePointer<UInt32>
    let templateNonZeroCount: Int
    /// Sparse rows: index, word, index, word... Dense rows: the row's own bits, every word.
    let extra: UnsafePointer<UInt64>
    /// Pairs in `extra`, or -1 when the row is dense.
    let pairs: Int
    let words: Int
    /// An upper bound of the non-zero words, to pick the row to walk.
    let weight: Int

    /// Word `index`.
    @inline(__always)
    func word(_ index: Int) -> UInt64 {
        if pairs < 0 { return template[index] | extra[index] }
        var found: UInt64 = 0
        if pairs <= 8 {
            for pair in 0..<pairs where extra[2 * pair] == UInt64(index) { found = extra[2 * pair + 1] }
        } else {
            var low = 0, high = pairs - 1
            while low <= high {
                let middle = (low + high) >> 1
                let key = extra[2 * middle]
                if key == UInt64(index) { found = extra[2 * middle + 1]; break }
                if key < UInt64(index) { low = middle + 1 } else { high = middle - 1 }
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
                let value = template[index] | extra[index]
                if value != 0, let result = visit(index, value) { return result }
            }
            return nil
        }
        // Merge the template's non-zero words with the row's pairs.
        var nextTemplate = 0, nextPair = 0
        while nextTemplate < templateNonZeroCount || nextPair < pairs {
            let fromTemplate = nextTemplate < templateNonZeroCount ? Int(templateNonZero[nextTemplate]) : Int.max
            let fromPair = nextPair < pairs ? Int(extra[2 * nextPair]) : Int.max
            let index = min(fromTemplate, fromPair)
            var value = template[index]
            if fromTemplate == index { nextTemplate += 1 }
            if fromPair == index {
                value |= extra[2 * nextPair + 1]
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
