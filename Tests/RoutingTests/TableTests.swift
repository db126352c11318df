import ConnectProtocol
import Foundation
@testable import Routing
import Testing

/// The row layouts of `BitMatrix` (template only, a pair kept in the record, up to eight
/// pairs scanned, more pairs searched, dense) read back as the rows they were built from,
/// and the walks find what a plain AND over whole rows finds.
@Suite struct BitMatrixTests {
    static let words = 40

    /// Rows over `words` words: the template plus `extraWords` words of extra bits.
    static func rows(template: [UInt64], random: inout SeededRandom) -> [[UInt64]] {
        [0, 1, 1, 3, 8, 9, 12, 16, 17, 30, words].map { extraWords in
            var row = template
            for index in Array(0..<words).shuffledDeterministically(&random).prefix(extraWords) {
                row[index] |= 1 << UInt64(random.int(0...63)) | 1 << UInt64(random.int(0...63))
            }
            return row
        }
    }

    static func template(_ random: inout SeededRandom) -> [UInt64] {
        (0..<words).map { _ in random.chance(0.2) ? UInt64(random.int(0...Int(UInt16.max))) : 0 }
    }

    @Test func rowsReadBackInEveryLayout() {
        var random = SeededRandom(seed: 7)
        let memory = TableMemory()
        for _ in 0..<20 {
            let template = Self.template(&random)
            let rows = Self.rows(template: template, random: &random)
            let matrix = BitMatrix(template: template, rows: rows, memory: memory)
            for (index, row) in rows.enumerated() {
                let view = matrix.view(row: index)
                #expect((0..<Self.words).map { view.word($0) } == row, "row \(index)")
                var visited: [Int] = []
                _ = view.firstResult { word, bits -> Int? in
                    #expect(bits == row[word])
                    visited.append(word)
                    return nil
                }
                #expect(visited == row.indices.filter { row[$0] != 0 }, "row \(index)")
                var extra: [Int] = []
                matrix.forEachExtraRule(row: index) { extra.append($0) }
                let expected = (0..<Self.words * 64).filter { (rule: Int) -> Bool in
                    let extraBits: UInt64 = row[rule >> 6] & ~template[rule >> 6]
                    return extraBits & (1 << UInt64(rule & 63)) != 0
                }
                #expect(extra == expected, "row \(index)")
            }
        }
    }

    @Test func walksFindTheFirstCommonRule() {
        var random = SeededRandom(seed: 11)
        let memory = TableMemory()
        func first(_ rows: [[UInt64]]) -> Int {
            for word in 0..<Self.words {
                let common = rows.reduce(UInt64.max) { $0 & $1[word] }
                if common != 0 { return word << 6 | common.trailingZeroBitCount }
            }
            return -1
        }
        for _ in 0..<200 {
            let matrices = (0..<4).map { _ in
                let template = Self.template(&random)
                let rows = Self.rows(template: template, random: &random)
                return (rows, BitMatrix(template: template, rows: rows, memory: memory))
            }
            let picks = matrices.map { random.int(0...$0.0.count - 1) }
            let rows = zip(matrices, picks).map { $0.0[$1] }
            let views = zip(matrices, picks).map { $0.1.view(row: $1) }
            #expect(BitMatrix.firstCommon(PerDimension(caller: views[0], exophone: views[1], time: views[2], skill: views[3])) ?? -1 == first(rows))

            let limit = random.int(1...6)
            let meeting = BitMatrix.firstCommonWord(views[1], views[2], views[3], limit: limit)
            let three = first(Array(rows[1...]))
            switch meeting {
            case .at(let word, let bits):
                #expect(word == three >> 6)
                #expect(bits == rows[1][word] & rows[2][word] & rows[3][word])
            case .nowhere:
                #expect(three == -1)
            case .notWithin:
                // Given up only after `limit` words of the lightest row, none of them common.
                #expect(three == -1 || three >> 6 >= limit - 1)
            }
        }
    }
}

/// A decision settles on the caller's longest prefix without the caller's own slot only
/// when being listed cannot change it: a `not` condition must still see the listing.
@Suite struct CallerShortcutTests {
    static let vip = PhoneNumber(uncheckedDigits: "919845000001"[...])

    static func ruleSet(_ conditions: [Match<NumberAtom>?]) -> RuleSet {
        let agent = PhoneNumber(uncheckedDigits: "919876500001"[...])
        let rules = conditions.enumerated().map { index, caller in
            Rule(name: "rule\(index)", conditions: Conditions(caller: caller),
                 dial: Dial(destinations: [Destination(type: .user, contact: .number(agent), agent: "agent")], strategy: .hunt))
        }
        return RuleSet(name: "shortcut", timeZone: "Asia/Kolkata", clockTimeZone: "Asia/Kolkata", country: .india,
                       lists: [NumberList(name: "vip", numbers: [vip], prefixes: [])], calendars: [], skills: [:], rules: rules)
    }

    @Test(arguments: [
        // A listed caller fails `not vip` although its prefix passes it.
        ([.not(.atom(.list(0))), .atom(.prefix("9198450")), nil], ["09845000001": 1, "09845000002": 0]),
        ([.anyOf([.atom(.prefix("919845")), .not(.atom(.list(0)))]), nil], ["09845000001": 0, "09999000001": 0]),
        ([.not(.anyOf([.atom(.list(0)), .atom(.prefix("91999"))])), nil], ["09845000001": 1, "09999000001": 1, "09845000002": 0]),
        // A listed caller passes what its prefix passes.
        ([.anyOf([.atom(.list(0)), .atom(.prefix("919845"))]), nil], ["09845000001": 0, "09845000009": 0, "09999000001": 1]),
    ] as [([Match<NumberAtom>?], [String: Int])])
    func listedCallersAreReadWhenTheyMatter(conditions: [Match<NumberAtom>?], expected: [String: Int]) throws {
        let ruleSet = Self.ruleSet(conditions)
        let table = try DecisionTable(ruleSet: ruleSet)
        let reference = ReferenceEvaluator(ruleSet: ruleSet)
        for (caller, rule) in expected {
            let request = ConnectRequest(query: "CallFrom=\(caller)&CallTo=08047112345")
            #expect(table.decide(table.reader.facts(for: request, now: 0)) == rule, "caller \(caller)")
            #expect(reference.decide(reference.facts(for: request, now: Date(timeIntervalSince1970: 0))) == rule, "caller \(caller)")
        }
    }
}
