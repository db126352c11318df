/// Lowering's algebra: the set of value classes where a condition holds, as sorted class
/// ids. An atom holds in the classes that contain it; a list is the union; `not` the
/// complement.
enum ClassSet {
    static func classes<Atom>(where match: Match<Atom>, atomClasses: (Atom) -> [Int], classCount: Int) -> [Int] {
        switch match {
        case .atom(let atom):
            return atomClasses(atom)
        case .anyOf(let matches):
            // Merged as sorted lists: a list atom of a million numbers holds in hundreds of
            // classes, and thousands of rules name it beside something else.
            var union: [Int] = []
            for match in matches { union = union.sortedUnion(classes(where: match, atomClasses: atomClasses, classCount: classCount)) }
            return union
        case .not(let inner):
            let excluded = classes(where: inner, atomClasses: atomClasses, classCount: classCount)
            var result: [Int] = []
            result.reserveCapacity(classCount - excluded.count)
            var next = 0
            for skip in excluded {
                while next < skip { result.append(next); next += 1 }
                next = skip + 1
            }
            while next < classCount { result.append(next); next += 1 }
            return result
        }
    }

    /// Rows for `classCount` classes: every rule without a condition in the dimension is set
    /// in every row; a rule with one is set in the rows of the classes where it holds.
    static func matrix<Atom>(classCount: Int, matches: [Match<Atom>?], memory: TableMemory, atomClasses: (Atom) -> [Int]) -> BitMatrix {
        let template = RuleBits.unconstrained(matches)
        var rows = [RuleBits](repeating: template, count: classCount)
        for (rule, match) in matches.enumerated() {
            guard let match else { continue }
            for row in classes(where: match, atomClasses: atomClasses, classCount: classCount) { rows[row].set(rule) }
        }
        return BitMatrix(template: template.words, rows: rows.map(\.words), memory: memory)
    }
}
