import ConnectProtocol
import CPrefetch

/// Every answer a rule set can give, encoded at compile time for every Connect version:
/// answering a request copies bytes, it builds no JSON. A rule's first answer is found by
/// one load indexed by the version and the rule (a record first, then its ranges, were two
/// trips to memory one after the other in a large rule set); a hunt's later attempts go
/// through the rule's 16-byte record. First answers are grouped by version, since traffic
/// mostly speaks one: the ranges it reads are half as many cache lines. A range says
/// itself whether its answer dials nobody, so that the outcome costs no other load.
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
        /// Answers are at most a few KB (three URLs of 2048 bytes, a text of 1000).
        var count: UInt16
        var dialsNobody: Bool
    }

    /// An answer's bytes, and whether they dial nobody.
    struct Body {
        let bytes: ArraySlice<UInt8>
        let dialsNobody: Bool
    }

    /// Outcomes hand out slices of these bytes, so they stay a Swift array.
    private let bytes: [UInt8]
    /// First the first attempt of every rule, at `version * ruleCount + rule`; then the
    /// later attempts of hunts.
    private let ranges: Frozen<Range>
    private let ruleCount: Int
    private let rules: Frozen<RuleAnswers>
    /// What `DialWhomNumber` says for each hunt destination, rule by rule.
    private let huntContacts: Frozen<DialedContact>
    /// The empty answer of each version, for calls no rule answers (`unmatched: nobody`).
    private let nobody: Frozen<Range>

    init(rules: [Rule], applet: Applet, memory: TableMemory) throws(AnswerError) {
        var bytes: [UInt8] = []
        func append(_ answer: ConnectAnswer, _ version: ConnectVersion) -> Range {
            let body = answer.encoded(for: version)
            precondition(body.count <= UInt16.max, "an answer is a few KB at most")
            defer { bytes += body }
            return Range(start: Int32(bytes.count), count: UInt16(body.count), dialsNobody: answer.dialsNobody)
        }
        var ranges = [Range](repeating: Range(start: 0, count: 0, dialsNobody: false), count: rules.count * ConnectVersion.count)
        var later: [Range] = []
        var records: [RuleAnswers] = []
        var huntContacts: [DialedContact] = []
        for (index, rule) in rules.enumerated() {
            var record = RuleAnswers(laterRanges: Int32(rules.count * ConnectVersion.count + later.count),
                                     answers: Int32(rule.answerCount), huntStart: Int32(huntContacts.count), huntCount: 0)
            if case .hunt = rule.dial.strategy {
                huntContacts += rule.dial.destinations.map(\.contact.dialed)
                record.huntCount = Int32(rule.dial.destinations.count)
            }
            for attempt in 0..<rule.answerCount {
                let answer = try rule.answer(attempt: attempt, applet: applet)
                for version in ConnectVersion.allCases {
                    let range = append(answer, version)
                    if attempt == 0 { ranges[version.index * rules.count + index] = range } else { later.append(range) }
                }
            }
            records.append(record)
        }
        let nobody = ConnectVersion.allCases.map { append(.nobody(applet: applet), $0) }
        self.bytes = bytes
        self.ranges = memory.freeze(ranges + later)
        ruleCount = rules.count
        self.rules = memory.freeze(records)
        self.huntContacts = memory.freeze(huntContacts)
        self.nobody = memory.freeze(nobody)
    }

    func answerCount(rule: Int) -> Int { Int(rules[rule].answers) }

    /// The attempt after the one that dialled `dialWhom` (see `Rule.attempt(after:)`).
    func attempt(rule: Int, after dialWhom: DialedContact?) -> Int {
        guard let dialWhom else { return 0 }
        let record = rules[rule]
        for offset in 0..<Int(record.huntCount) where huntContacts[Int(record.huntStart) + offset] == dialWhom {
            return offset + 1
        }
        return 0
    }

    /// Starts loading where a rule's first answer is.
    @inline(__always)
    func prefetch(rule: Int, version: ConnectVersion) { ringplan_prefetch(ranges.base + version.index * ruleCount + rule) }

    /// The body of an attempt, or nil past the last one.
    @inline(__always)
    func body(rule: Int, attempt: Int, version: ConnectVersion) -> Body? {
        let range: Range
        if attempt == 0 {
            // Every rule has a first answer.
            range = ranges[version.index * ruleCount + rule]
        } else {
            let record = rules[rule]
            guard attempt < record.answers else { return nil }
            range = ranges[Int(record.laterRanges) + (attempt - 1) * ConnectVersion.count + version.index]
        }
        return body(range)
    }

    /// The empty answer (`unmatched: nobody`).
    func nobodyBody(version: ConnectVersion) -> ArraySlice<UInt8> { body(nobody[version.index]).bytes }

    @inline(__always)
    private func body(_ range: Range) -> Body {
        Body(bytes: bytes[Int(range.start)..<Int(range.start) + Int(range.count)], dialsNobody: range.dialsNobody)
    }

    /// The encoded bodies (the rest of the store is in the table's memory).
    var bodyBytes: Int { bytes.capacity }
}
