import ConnectProtocol

/// One number dimension (caller or ExoPhone): finds the class of a number, the set of
/// condition atoms (numbers, prefixes, lists) it satisfies.
///
/// Exact numbers (from conditions and the lists they use) sit in a hash map with their
/// class resolved at compile time; every other number takes the class of the longest
/// prefix it starts with, from a digit trie whose nodes carry the classes of all the
/// prefixes on their path. So a lookup is one hash probe, and on a miss a walk of at most
/// 15 digits; no prefix is compared at run time.
struct NumberIndex: Sendable {
    let exact: PackedNumberMap
    /// 10 children per node, -1 for none; node 0 is the root.
    let children: Frozen<Int32>
    let nodeClass: Frozen<UInt32>
    let hasPrefixes: Bool
    let matrix: BitMatrix

    func row(_ number: PhoneNumber?) -> Int {
        guard let number else { return 0 }
        if let found = exact.value(number.value) { return Int(found) }
        return hasPrefixes ? Int(nodeClass[Self.deepestNode(number.value) { children[$0] }]) : Int(nodeClass[0])
    }

    /// The deepest trie node on the path of a number's digits: its longest prefix.
    @inline(__always)
    static func deepestNode(_ value: UInt64, child: (Int) -> Int32) -> Int {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            while rest > 0 && count < 16 {
                buffer[15 - count] = UInt8(rest % 10)
                rest /= 10
                count += 1
            }
        }
        return withUnsafeBytes(of: &digits) { buffer in
            var node = 0
            for position in (16 - count)..<16 {
                let next = child(node * 10 + Int(buffer[position]))
                if next < 0 { break }
                node = Int(next)
            }
            return node
        }
    }

    /// Lowers one dimension's conditions (`matches[rule]`, nil for none).
    init(matches: [Match<NumberAtom>?], lists: [NumberList], memory: TableMemory) {
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

        // The trie of prefixes; each node's class is the union of the prefixes on its path.
        var children: [Int32] = [Int32](repeating: -1, count: 10)
        var direct: [[Int32]] = [[]]
        for (digits, ids) in prefixAtoms.sorted(by: { $0.key < $1.key }) {
            var node = 0
            for byte in digits.utf8 {
                let slot = node * 10 + Int(byte - UInt8(ascii: "0"))
                if children[slot] < 0 {
                    children[slot] = Int32(direct.count)
                    direct.append([])
                    children += [Int32](repeating: -1, count: 10)
                }
                node = Int(children[slot])
            }
            direct[node] += ids
        }
        var accumulated = [[Int32]](repeating: [], count: direct.count)
        var nodeClass = [UInt32](repeating: 0, count: direct.count)
        var stack = [0]
        while let node = stack.popLast() {
            accumulated[node] = Array(Set(accumulated[node] + direct[node])).sorted()
            nodeClass[node] = UInt32(intern(accumulated[node]))
            for digit in 0..<10 {
                let child = Int(children[node * 10 + digit])
                if child >= 0 {
                    accumulated[child] = accumulated[node]
                    stack.append(child)
                }
            }
        }

        // Exact numbers: their own atoms and those of the longest prefix they start with.
        // Grouped by sorting, since a million listed numbers mostly carry one atom each;
        // (trie node, atom) pairs are interned without building an array per number.
        exactEntries.sort { $0.number < $1.number || ($0.number == $1.number && $0.atom < $1.atom) }
        var exact: [(key: UInt64, value: UInt32)] = []
        exact.reserveCapacity(exactEntries.count)
        var single: [UInt64: Int] = [:]
        var start = 0
        while start < exactEntries.count {
            let number = exactEntries[start].number
            var end = start + 1
            while end < exactEntries.count && exactEntries[end].number == number { end += 1 }
            let node = Self.deepestNode(number) { children[$0] }
            let classID: Int
            if end - start == 1 {
                let key = UInt64(node) << 32 | UInt64(UInt32(exactEntries[start].atom))
                if let known = single[key] {
                    classID = known
                } else {
                    classID = intern(Array(Set(accumulated[node] + [exactEntries[start].atom])).sorted())
                    single[key] = classID
                }
            } else {
                classID = intern(Array(Set(accumulated[node] + exactEntries[start..<end].map(\.atom))).sorted())
            }
            exact.append((number, UInt32(classID)))
            start = end
        }

        var atomClasses = [[Int]](repeating: [], count: atomIDs.count)
        for (index, atoms) in classAtoms.enumerated() {
            for atom in atoms { atomClasses[Int(atom)].append(index) }
        }
        self.exact = PackedNumberMap(entries: exact, memory: memory)
        self.children = memory.freeze(children)
        self.nodeClass = memory.freeze(nodeClass)
        hasPrefixes = direct.count > 1
        matrix = ClassSet.matrix(classCount: classAtoms.count, matches: matches, memory: memory) { atomClasses[atomIDs[$0]!] }
    }
}
