import ConnectProtocol

/// Every answer a rule set can give, encoded at compile time for every Connect version:
/// answering a request copies bytes, it builds no JSON. What a lookup reads about a rule
/// sits in one 16-byte record, so that finding the answer costs one cache line or two.
struct AnswerStore: Sendable {
    private struct RuleAnswers: BitwiseCopyable {
        /// Index of the rule's first range; a rule has one range per attempt and version.
        var firstRange: Int32
        /// Answers: one per hunt attempt, or one for parallel ringing.
        var answers: Int32
        /// The rule's hunt destinations in `huntNumbers`.
        var huntStart: Int32
        var huntCount: Int32
    }

    private struct Range: BitwiseCopyable {
        var start: Int32
        var count: Int32
    }

    /// Outcomes hand out slices of these bytes, so they stay a Swift array.
    private let bytes: [UInt8]
    private let ranges: Frozen<Range>
    private let rules: Frozen<RuleAnswers>
    private let huntNumbers: Frozen<UInt64>

    init(rules: [Rule], memory: TableMemory) throws(AnswerError) {
        var bytes: [UInt8] = []
        var ranges: [Range] = []
        var records: [RuleAnswers] = []
        var huntNumbers: [UInt64] = []
        for rule in rules {
            var record = RuleAnswers(firstRange: Int32(ranges.count), answers: Int32(rule.answerCount),
                                     huntStart: Int32(huntNumbers.count), huntCount: 0)
            if case .hunt = rule.dial.strategy {
                huntNumbers += rule.dial.destinations.map(\.number.value)
                record.huntCount = Int32(rule.dial.destinations.count)
            }
            for attempt in 0..<rule.answerCount {
                let answer = try rule.answer(attempt: attempt)
                for version in ConnectVersion.allCases {
                    let body = answer.encoded(for: version)
                    ranges.append(Range(start: Int32(bytes.count), count: Int32(body.count)))
                    bytes += body
                }
            }
            records.append(record)
        }
        self.bytes = bytes
        self.ranges = memory.freeze(ranges)
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

    /// The body of an attempt, or nil past the last one.
    func body(rule: Int, attempt: Int, version: ConnectVersion) -> ArraySlice<UInt8>? {
        let record = rules[rule]
        guard attempt < record.answers else { return nil }
        let range = ranges[Int(record.firstRange) + attempt * ConnectVersion.count + version.index]
        return bytes[Int(range.start)..<Int(range.start + range.count)]
    }

    /// The encoded bodies (the rest of the store is in the table's memory).
    var bodyBytes: Int { bytes.capacity }
}
