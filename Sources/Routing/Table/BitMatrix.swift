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
        /// In a record: how the row keeps its extra bits.
        var shape: RowShape
    }

    /// How a row keeps its extra bits, in 32 bits of its record (so that records stay 16
    /// bytes): as pairs (a row of one pair keeps it in the record itself), or densely.
    struct RowShape: BitwiseCopyable {
        /// The pairs, or for a dense row -1 minus its non-zero words.
        private let raw: Int32

        static func sparse(pairs: Int) -> RowShape { RowShape(raw: Int32(pairs)) }
        static func dense(nonZeroWords: Int) -> RowShape { RowShape(raw: -1 - Int32(nonZeroWords)) }
        /// In a pair that is no record.
        static let none = RowShape(raw: 0)

        private init(raw: Int32) { self.raw = raw }

        var isDense: Bool { @inline(__always) get { raw < 0 } }
        /// A sparse row's pairs.
        var pairs: Int { @inline(__always) get { Int(raw) } }
        /// Whether the row's only pair is its record.
        var pairIsRecord: Bool { @inline(__always) get { raw == 1 } }
        /// The row's own non-zero words (pairs, or a dense row's), to pick the row to walk.
        var weight: Int { @inline(__always) get { raw >= 0 ? Int(raw) : Int(-1 - raw) } }
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
                pair.0 & ~pair.1 == 0 ? nil : Pair(word: pair.0 & ~pair.1, index: Int32(position), shape: .none)
            }
            if extra.count > Self.densePairs {
                records.append(Pair(word: 0, index: Int32(dense.count), shape: .dense(nonZeroWords: extra.count)))
                dense += zip(row, template).map { $0 & ~$1 }
            } else if extra.count == 1 {
                records.append(Pair(word: extra[0].word, index: extra[0].index, shape: .sparse(pairs: 1)))
            } else {
                records.append(Pair(word: 0, index: Int32(pairs.count), shape: .sparse(pairs: extra.count)))
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
        if view.shape.isDense {
            for index in 0..<words { bits(view.denseWord(index), index) }
        } else {
            for pair in 0..<view.shape.pairs { bits(view.pairWord(pair), view.pairIndex(pair)) }
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
        let shape = record.pointee.shape
        let extra = shape.pairIsRecord ? UnsafeRawPointer(record)
            : shape.isDense ? UnsafeRawPointer(dense.base + Int(record.pointee.index)) : UnsafeRawPointer(pairs.base + Int(record.pointee.index))
        return RowView(template: template.base, templateNonZero: templateNonZero.base, templateNonZeroCount: templateNonZero.count,
                       extra: extra, shape: shape, words: words, weight: templateNonZero.count + shape.weight)
    }

    /// The first rule set in a row of each dimension, or nil: walk the
    /// lightest row, and AND each of its non-zero words with the same word of the other
    /// three. Those three are read unconditionally, so that their loads (often cache
    /// misses, in a large rule set) are in flight together rather than one after another.
    @inline(__always)
    static func firstCommon(_ rows: PerDimension<RowView>) -> Int? {
        let (a, b, c, d) = (rows.caller, rows.exophone, rows.time, rows.skill)
        if a.weight <= b.weight && a.weight <= c.weight && a.weight <= d.weight { return walk(a, b, c, d) }
        if b.weight <= c.weight && b.weight <= d.weight { return walk(b, a, c, d) }
        if c.weight <= d.weight { return walk(c, a, b, d) }
        return walk(d, a, b, c)
    }

    @inline(__always)
    private static func walk(_ walked: RowView, _ x: RowView, _ y: RowView, _ z: RowView) -> Int? {
        walked.firstResult { index, word in
            let common = word & x.word(index) & y.word(index) & z.word(index)
            return common == 0 ? nil : index << 6 | common.trailingZeroBitCount
        }
    }

    /// Where three rows first meet, within a walk of a few words of the lightest.
    enum Meeting {
        /// At word `word`, whose common bits are `bits`.
        case at(word: Int, bits: UInt64)
        /// Nowhere: no rule holds, whatever the fourth row.
        case nowhere
        /// Not within the words walked: the walk gave up.
        case notWithin
    }

    /// Where three rows first meet, looking at no more than `limit` non-zero words of the
    /// lightest.
    @inline(__always)
    static func firstCommonWord(_ a: RowView, _ b: RowView, _ c: RowView, limit: Int) -> Meeting {
        if a.weight <= b.weight && a.weight <= c.weight { return walk(a, b, c, limit: limit) }
        if b.weight <= c.weight { return walk(b, a, c, limit: limit) }
        return walk(c, a, b, limit: limit)
    }

    @inline(__always)
    private static func walk(_ walked: RowView, _ x: RowView, _ y: RowView, limit: Int) -> Meeting {
        var visited = 0
        return walked.firstResult { index, word -> Meeting? in
            let bits = word & x.word(index) & y.word(index)
            if bits != 0 { return .at(word: index, bits: bits) }
            visited += 1
            return visited == limit ? .notWithin : nil
        } ?? .nowhere
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
    let shape: BitMatrix.RowShape
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
        if shape.isDense { return template[index] | denseWord(index) }
        let pairs = shape.pairs
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
    func firstResult<Result>(_ visit: (Int, UInt64) -> Result?) -> Result? {
        if shape.isDense {
            for index in 0..<words {
                let value = template[index] | denseWord(index)
                if value != 0, let result = visit(index, value) { return result }
            }
            return nil
        }
        // Merge the template's non-zero words with the row's pairs.
        let pairs = shape.pairs
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
