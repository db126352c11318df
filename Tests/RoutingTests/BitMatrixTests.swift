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
                _ = view.firstResult { word, bits in
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
            #expect(BitMatrix.firstCommon(views[0], views[1], views[2], views[3]) == first(rows))

            let limit = random.int(1...6)
            let meet = BitMatrix.firstCommonWord(views[1], views[2], views[3], limit: limit)
            let three = first(Array(rows[1...]))
            if meet.index >= 0 {
                #expect(meet.index == three >> 6)
                #expect(meet.bits == rows[1][meet.index] & rows[2][meet.index] & rows[3][meet.index])
            } else if meet.index == -1 {
                #expect(three == -1)
            } else {
                #expect(meet.index == -2)
                // Given up only after `limit` words of the lightest row, none of them common.
                #expect(three == -1 || three >> 6 >= limit - 1)
            }
        }
    }
}
