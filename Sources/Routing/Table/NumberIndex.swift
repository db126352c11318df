import ConnectProtocol

/// One number dimension (caller or ExoPhone): finds the class of a number, the set of
/// condition atoms (numbers, prefixes, lists, tables' keys) it satisfies.
///
/// Exact numbers (from conditions and the lists they use) sit in a hash map with their
/// class resolved at compile time. Every other number takes the class of the longest
/// prefix it starts with: prefixes are hashed by (length, digits), and a lookup tries the
/// lengths the rule set uses, longest first, each one probe of a small map. Each prefix's
/// class holds the atoms of every prefix of it as well, so no prefix is compared at run
/// time. (A digit trie did the same in one dependent load per digit: ten trips to memory
/// for a twelve-digit number under a ten-digit prefix.)
struct NumberIndex: Sendable {
    let exact: PackedNumberMap
    /// `length << 50 | digits` -> class, for every prefix a condition names.
    let prefixes: NumberMap
    /// The prefix lengths in use, longest first.
    let prefixLengths: Frozen<Int32>
    /// The class of a number no prefix matches (non-zero when a condition names `+`).
    let rootClass: UInt32
    let matrix: BitMatrix
    /// Rules whose condition here has no `not` (or no condition): see `holdsWhateverListed`.
    let monotone: Frozen<UInt64>

    @inline(__always)
    func row(_ number: PhoneNumber?) -> Int {
        guard let number else { return 0 }
        return row(number, prefixRow: Int(prefixClass(number.value)))
    }

    /// The row of a number whose longest prefix's class is known. The two halves are apart
    /// so that the prefix, which needs no memory beyond the cache, can be found while the
    /// number's hash slot, which may need main memory, is on its way.
    @inline(__always)
    func row(_ number: PhoneNumber, prefixRow: Int) -> Int {
        exact.value(number.value).map { Int($0) } ?? prefixRow
    }

    /// Whether `rule` holds for a number whose longest prefix's class is `prefixRow`, listed
    /// or not: the prefix's row has it, and its condition has no `not`. A listed number's
    /// class has its longest prefix's atoms and more, and more atoms cannot make such a
    /// condition fail. So the number's own hash slot, perhaps still on its way from main
    /// memory, need not be read.
    @inline(__always)
    func holdsWhateverListed(rule: Int, prefixRow: Int) -> Bool {
        let word = rule >> 6
        return matrix.view(row: prefixRow).word(word) & monotone[word] & (1 << UInt64(rule & 63)) != 0
    }

    /// The class of the longest prefix `value` starts with.
    @inline(__always)
    func prefixClass(_ value: UInt64) -> UInt32 {
        Self.prefixClass(value, prefixes: prefixes, lengths: prefixLengths, root: rootClass)
    }

    /// The same, before the index exists: lowering finds exact numbers' prefixes with it.
    @inline(__always)
    static func prefixClass(_ value: UInt64, prefixes: NumberMap, lengths: Frozen<Int32>, root: UInt32) -> UInt32 {
        guard lengths.count > 0 else { return root }
        let digits = E164.digitCount(value)
        for index in 0..<lengths.count {
            let length = Int(lengths[index])
            guard length <= digits else { continue }
            if let found = prefixes.value(prefixKey(length: length, digits: value / E164.pow10(digits - length))) {
                return found
            }
        }
        return root
    }

    @inline(__always)
    static func prefixKey(length: Int, digits: UInt64) -> UInt64 { UInt64(length) << 50 | digits }

    /// The digits of a prefix key (a prefix never starts with 0, so the integer is exact).
    static func prefixDigits(key: UInt64) -> String { String(key & ((1 << 50) - 1)) }

    /// Lowers one dimension's conditions (`matches[rule]`, nil for none).
    init(matches: [Match<NumberAtom>?], lists: [NumberList], tables: [LookupTable], memory: TableMemory) {
        // Atoms, and the exact numbers and prefixes each one names.
        var atomIDs: [NumberAtom: Int] = [:]
        var exactEntries: [(number: UInt64, atom: Int32)] = []
        var prefixAtoms: [String: [Int32]] = [:]
        for match in matches.compactMap({ $0 }) {
            for atom in match.atoms where atomIDs[atom] == nil {
                let id = Int32(atomIDs.count)
                atomIDs[atom] = Int(id)
                switch atom {
                case .number(let number): exactEntries.append((number.value, id))
                case .prefix(let digits): prefixAtoms[digits, default: []].append(id)
                case .list(let index):
                    exactEntries.reserveCapacity(exactEntries.count + lists[index].numbers.count)
                    for number in lists[index].numbers { exactEntries.append((number.value, id)) }
                    for digits in lists[index].prefixes { prefixAtoms[digits, default: []].append(id) }
                case .table(let index):
                    exactEntries.reserveCapacity(exactEntries.count + tables[index].numbers.count)
                    for number in tables[index].numbers { exactEntries.append((number.value, id)) }
                }
            }
        }

        // Classes are interned atom sets; class 0 satisfies no atom (and stands for no number).
        var classIDs: [[Int32]: Int] = [[]: 0]
        var classAtoms: [[Int32]] = [[]]
        func intern(_ atoms: [Int32]) -> Int {
            if let id = classIDs[atoms] { return id }
            classIDs[atoms] = classAtoms.count
            classAtoms.append(atoms)
            return classAtoms.count - 1
        }

        // Each prefix's atoms with those of every shorter prefix of it (the empty prefix,
        // `+`, is a prefix of every number).
        let lengths = Set(prefixAtoms.keys.map(\.utf8.count)).filter { $0 > 0 }.sorted(by: >)
        let rootAtoms = Array(Set(prefixAtoms[""] ?? [])).sorted()
        var prefixList: [(key: UInt64, atoms: [Int32])] = []
        for (digits, _) in prefixAtoms where !digits.isEmpty {
            var atoms = rootAtoms
            for length in lengths where length <= digits.utf8.count {
                atoms += prefixAtoms[String(digits.utf8.prefix(length))!] ?? []
            }
            prefixList.append((Self.prefixKey(length: digits.utf8.count, digits: UInt64(digits)!), Array(Set(atoms)).sorted()))
        }
        prefixList.sort { $0.key < $1.key } // class ids do not depend on dictionary order
        let rootClass = UInt32(intern(rootAtoms))
        let prefixes = NumberMap(entries: prefixList.map { ($0.key, UInt32(intern($0.atoms))) }, memory: memory)
        let prefixLengths = memory.freeze(lengths.map(Int32.init))
        self.prefixes = prefixes
        self.prefixLengths = prefixLengths
        self.rootClass = rootClass

        // Exact numbers: their own atoms and those of the class of the longest prefix they
        // start with, found as a lookup finds it. Grouped by sorting, since a million listed
        // numbers mostly carry one atom each; (prefix class, atom) pairs are interned without
        // building an array per number.
        exactEntries.sort { $0.number < $1.number || ($0.number == $1.number && $0.atom < $1.atom) }
        var exact: [(key: UInt64, value: UInt32)] = []
        exact.reserveCapacity(exactEntries.count)
        var single: [UInt64: Int] = [:]
        var start = 0
        while start < exactEntries.count {
            let number = exactEntries[start].number
            var end = start + 1
            while end < exactEntries.count && exactEntries[end].number == number { end += 1 }
            let prefixClass = Self.prefixClass(number, prefixes: prefixes, lengths: prefixLengths, root: rootClass)
            let inherited = classAtoms[Int(prefixClass)]
            let classID: Int
            if end - start == 1 {
                let key = UInt64(prefixClass) << 32 | UInt64(UInt32(exactEntries[start].atom))
                if let known = single[key] {
                    classID = known
                } else {
                    classID = intern(Array(Set(inherited + [exactEntries[start].atom])).sorted())
                    single[key] = classID
                }
            } else {
                classID = intern(Array(Set(inherited + exactEntries[start..<end].map(\.atom))).sorted())
            }
            exact.append((number, UInt32(classID)))
            start = end
        }

        var atomClasses = [[Int]](repeating: [], count: atomIDs.count)
        for (index, atoms) in classAtoms.enumerated() {
            for atom in atoms { atomClasses[Int(atom)].append(index) }
        }
        self.exact = PackedNumberMap(entries: exact, memory: memory)
        var monotone = RuleBits(rules: matches.count)
        for (rule, match) in matches.enumerated() where match?.isMonotone ?? true { monotone.set(rule) }
        self.monotone = memory.freeze(monotone.words)
        matrix = ClassSet.matrix(classCount: classAtoms.count, matches: matches, memory: memory) { atomClasses[atomIDs[$0]!] }
    }
}
