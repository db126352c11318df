import ConnectProtocol

/// Every answer a rule set can give, encoded at compile time for every Connect version:
/// answering a request copies bytes, it builds no JSON.
final class AnswerStore: Sendable {
    private let bytes: [UInt8]
    /// Per (slot, version): start and end in `bytes`.
    private let ranges: [Range<Int>]
    /// Per rule: its first slot; a rule has one slot per answer (per hunt attempt).
    private let firstSlot: [Int]
    let answerCount: [Int]
    /// Per hunting rule, its destinations' numbers, to find where a re-fetch is from
    /// `DialWhomNumber` without touching the rule set.
    private let huntStart: [Int]
    private let huntNumbers: [UInt64]
    private static let versions = ConnectVersion.allCases

    init(rules: [Rule]) throws(AnswerError) {
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        var firstSlot: [Int] = []
        var answerCount: [Int] = []
        var huntStart: [Int] = []
        var huntNumbers: [UInt64] = []
        for rule in rules {
            huntStart.append(huntNumbers.count)
            if case .hunt = rule.dial.strategy { huntNumbers += rule.dial.destinations.map(\.number.value) }
            firstSlot.append(ranges.count / Self.versions.count)
            answerCount.append(rule.answerCount)
            for attempt in 0..<rule.answerCount {
                let answer = try rule.answer(attempt: attempt)
                for version in Self.versions {
                    let body = answer.encoded(for: version)
                    ranges.append(bytes.count..<bytes.count + body.count)
                    bytes += body
                }
            }
        }
        self.bytes = bytes
        self.ranges = ranges
        huntStart.append(huntNumbers.count)
        self.firstSlot = firstSlot
        self.answerCount = answerCount
        self.huntStart = huntStart
        self.huntNumbers = huntNumbers
    }

    /// The attempt after the one that dialled `dialWhom` (see `Rule.attempt(after:)`).
    func attempt(rule: Int, after dialWhom: PhoneNumber?) -> Int {
        guard let dialWhom else { return 0 }
        for index in huntStart[rule]..<huntStart[rule + 1] where huntNumbers[index] == dialWhom.value {
            return index - huntStart[rule] + 1
        }
        return 0
    }

    func body(rule: Int, attempt: Int, version: ConnectVersion) -> ArraySlice<UInt8> {
        let versionIndex = Self.versions.firstIndex(of: version)!
        return bytes[ranges[(firstSlot[rule] + attempt) * Self.versions.count + versionIndex]]
    }

    var memoryBytes: Int {
        bytes.capacity + ranges.capacity * 16 + firstSlot.capacity * 8 + answerCount.capacity * 8 + huntStart.capacity * 8 + huntNumbers.capacity * 8
    }
}
