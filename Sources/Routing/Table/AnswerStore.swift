import ConnectProtocol
import CPrefetch

/// Every answer a rule set can give, encoded at compile time for every Connect version:
/// answering a request copies bytes, it builds no JSON. A rule's first answer is found by
/// one load indexed by the version and the rule (a record first, then its ranges, were two
/// trips to memory one after the other in a large rule set); a hunt's later attempts go
/// through the rule's 16-byte record. First answers are grouped by version, since traffic
/// mostly speaks one: the ranges it reads are half as many cache lines.
struct AnswerStore: Sendable {
    private struct RuleAnswers: BitwiseCopyable {
        /// Index in `ranges` of the rule's second attempt (hunts only).
        var laterRanges: Int32
        /// Answers: one per hunt attempt, or one for parallel ringing.
        var answers: Int32
        /// The rule's hunt destinations in `huntNumbers`.
        var huntStart: Int32
        var huntCount: Int32
    }

    fileprivate struct Range: BitwiseCopyable {
        var start: Int32
        var count: Int32
    }

    /// Outcomes hand out slices of these bytes, so they stay a Swift array.
    private let bytes: [UInt8]
    /// First the first attempt of every rule, at `version * ruleCount + rule`; then the
    /// later attempts of hunts.
    private let ranges: Frozen<Range>
    private let ruleCount: Int
    private let rules: Frozen<RuleAnswers>
    private let huntNumbers: Frozen<UInt64>

    init(rules: [Rule], memory: TableMemory) throws(AnswerError) {
        var bytes: [UInt8] = []
        var ranges = [Range](repeating: Range(start: 0, count: 0), count: rules.count * ConnectVersion.count)
        var later: [Range] = []
        var records: [RuleAnswers] = []
        var huntNumbers: [UInt64] = []
        for (index, rule) in rules.enumerated() {
            var record = RuleAnswers(laterRanges: Int32(rules.count * ConnectVersion.count + later.count),
                                     answers: Int32(rule.answerCount), huntStart: Int32(huntNumbers.count), huntCount: 0)
            if case .hunt = rule.dial.strategy {
                huntNumbers += rule.dial.destinations.map(\.number.value)
                record.huntCount = Int32(rule.dial.destinations.count)
            }
            for attempt in 0..<rule.answerCount {
                let answer = try rule.answer(attempt: attempt)
                for version in ConnectVersion.allCases {
                    let body = answer.encoded(for: version)
                    let range = Range(start: Int32(bytes.count), count: Int32(body.count))
                    if attempt == 0 { ranges[version.index * rules.count + index] = range } else { later.append(range) }
                    bytes += body
                }
            }
            records.append(record)
        }
        self.bytes = bytes
        self.ranges = memory.freeze(ranges + later)
        ruleCount = rules.count
        self.rules = memory.freeze(records)
        self.huntNumbers = memory.freeze(huntNumbers)
    }

    func answerCount(rule: Int) -> Int { Int(rules[rule].answers) }

    /// The attempt after the one that dialled `dialWhom` (see `Rule.attempt(after:)`).
    func attempt(rule: Int, after dialWhom: PhoneNumber?) -> Int {
        guard let dialWhom else { return 0 }
        let record = rules[rule]
        for offset in 0..<Int(record.huntCount) where huntNumbers[Int(record.huntStart) + offset] == dialWhom.value {
            return offset + 1
        }
        return 0
    }

    /// Starts loading where a rule's first answer is.
    @inline(__always)
    func prefetch(rule: Int, version: ConnectVersion) { ringplan_prefetch(ranges.base + version.index * ruleCount + rule) }

    /// The body of an attempt, or nil past the last one.
    @inline(__always)
    func body(rule: Int, attempt: Int, version: ConnectVersion) -> ArraySlice<UInt8>? {
        let range: Range
        if attempt == 0 {
            // Every rule has a first answer.
            range = ranges[version.index * ruleCount + rule]
        } else {
            let record = rules[rule]
            guard attempt < record.answers else { return nil }
            range = ranges[Int(record.laterRanges) + (attempt - 1) * ConnectVersion.count + version.index]
        }
        return bytes[Int(range.start)..<Int(range.start + range.count)]
    }

    /// The encoded bodies (the rest of the store is in the table's memory).
    var bodyBytes: Int { bytes.capacity }
}
