import ConnectProtocol

/// The skill, direction and custom-field dimensions together: each is small, so one row per
/// (skill, direction, custom-field class). Digits arrive packed into an integer key
/// (`KeyPresses`), so that finding the skill is a hash probe, not a string hash; a
/// `CustomField` is looked up only when a rule looks at it.
struct SkillIndex: Sendable {
    /// Packed digits -> skill index + 1.
    let skillOfDigits: NumberMap
    /// A request's direction, by index: none (or one rules cannot name), then each.
    static let directions: [CallDirection?] = [nil] + CallDirection.allCases
    let customFields: CustomFieldIndex
    let matrix: BitMatrix

    @inline(__always)
    func row(digits: KeyPresses?, direction: CallDirection?, customField: String?) -> Int {
        // Unreadable presses (key 0, the map's empty mark) select no skill.
        let skill = digits.flatMap { $0.isReadable ? skillOfDigits.value($0.key) : nil }.map { Int($0) } ?? 0
        let pair = skill * Self.directions.count + Self.directionIndex(direction)
        return customFields.classCount == 1 ? pair : pair * customFields.classCount + customFields.classOf(customField)
    }

    /// A row's skill (0: none), direction index and custom-field class.
    func parts(row: Int) -> (skill: Int, direction: Int, customField: Int) {
        let pair = row / customFields.classCount
        return (pair / Self.directions.count, pair % Self.directions.count, row % customFields.classCount)
    }

    @inline(__always)
    static func directionIndex(_ direction: CallDirection?) -> Int {
        // The order of `directions`: a switch rather than a search, on the request path.
        switch direction {
        case nil: 0
        case .incoming: 1
        case .outboundDial: 2
        }
    }

    /// Per skill index (0: no skill), digits that select it, for example calls.
    static func digitsOfSkill(_ ruleSet: RuleSet) -> [String?] {
        [nil] + skillNames(ruleSet).map { name in ruleSet.skills.filter { $0.value == name }.map(\.key).min() }
    }

    private static func skillNames(_ ruleSet: RuleSet) -> [String] { Array(Set(ruleSet.skills.values)).sorted() }

    init(ruleSet: RuleSet, memory: TableMemory) {
        let names = Self.skillNames(ruleSet)
        let skillIndex = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0 + 1) })
        let entries = ruleSet.skills.compactMap { digits, name in KeyPresses(digits).flatMap { $0.isReadable ? (key: $0.key, value: UInt32(skillIndex[name]!)) : nil } }
        let customFields = CustomFieldIndex(ruleSet: ruleSet)
        var template = RuleBits(rules: ruleSet.rules.count)
        for (index, rule) in ruleSet.rules.enumerated()
        where rule.conditions.skill == nil && rule.conditions.direction == nil && rule.conditions.customField == nil {
            template.set(index)
        }
        var rows: [[UInt64]] = []
        for skill in [nil] + names {
            for direction in Self.directions {
                for customField in 0..<customFields.classCount {
                    var row = RuleBits(rules: ruleSet.rules.count)
                    for (index, rule) in ruleSet.rules.enumerated() {
                        let skillHolds = rule.conditions.skill?.holds { $0 == skill } ?? true
                        let directionHolds = rule.conditions.direction?.holds { $0 == direction } ?? true
                        let customFieldHolds = rule.conditions.customField?.holds { customFields.holds($0, inClass: customField) } ?? true
                        if skillHolds && directionHolds && customFieldHolds { row.set(index) }
                    }
                    rows.append(row.words)
                }
            }
        }
        skillOfDigits = NumberMap(entries: entries, memory: memory)
        self.customFields = customFields
        matrix = BitMatrix(template: template.words, rows: rows, memory: memory)
    }
}

/// The classes of `CustomField` values: texts that satisfy the same `custom_field` atoms
/// (the same literal texts, the same tables' keys) are one class. Class 0 satisfies none
/// (and stands for no `CustomField`).
struct CustomFieldIndex: Sendable {
    private let classes: TextMap
    let classCount: Int
    /// Per class, the atoms it satisfies.
    private let classAtoms: [Set<CustomFieldAtom>]
    /// Per class, a text of it (nil for class 0), for example calls.
    let representatives: [String?]

    init(ruleSet: RuleSet) {
        let atoms = Set(ruleSet.rules.compactMap(\.conditions.customField).flatMap(\.atoms))
        // Every text an atom names, with the atoms it satisfies.
        // Keyed by bytes: `String` keys would merge texts Exotel tells apart.
        var atomsOfText: [[UInt8]: Set<CustomFieldAtom>] = [:]
        for atom in atoms {
            switch atom {
            case .text(let text): atomsOfText[Array(text.utf8), default: []].insert(atom)
            case .table(let index): for text in ruleSet.tables[index].texts { atomsOfText[Array(text.utf8), default: []].insert(atom) }
            }
        }
        var classOfAtoms: [Set<CustomFieldAtom>: UInt32] = [[]: 0]
        var classAtoms: [Set<CustomFieldAtom>] = [[]]
        var representatives: [String?] = [nil]
        var entries: [(text: String, value: UInt32)] = []
        // In byte order, so that class numbers and representatives do not depend on hashing.
        for bytes in atomsOfText.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let set = atomsOfText[bytes]!
            let text = String(decoding: bytes, as: UTF8.self)
            let id: UInt32
            if let known = classOfAtoms[set] {
                id = known
            } else {
                id = UInt32(classAtoms.count)
                classOfAtoms[set] = id
                classAtoms.append(set)
                representatives.append(text)
            }
            entries.append((text, id))
        }
        classes = TextMap(entries)
        classCount = classAtoms.count
        self.classAtoms = classAtoms
        self.representatives = representatives
    }

    @inline(__always)
    func classOf(_ text: String?) -> Int {
        guard let text else { return 0 }
        return classes.value(text).map { Int($0) } ?? 0
    }

    func holds(_ atom: CustomFieldAtom, inClass index: Int) -> Bool { classAtoms[index].contains(atom) }
}
