import ConnectProtocol

/// The skill and direction dimensions together: both are small, so one row per
/// (skill, direction) pair. Digits arrive packed into an integer key (`KeyPresses`), so
/// that finding the skill is a hash probe, not a string hash.
struct SkillIndex: Sendable {
    /// Packed digits -> skill index + 1.
    let skillOfDigits: NumberMap
    let directions = 3
    let matrix: BitMatrix

    @inline(__always)
    func row(digits: KeyPresses?, direction: CallDirection?) -> Int {
        // Unreadable presses (key 0, the map's empty mark) select no skill.
        let skill = digits.flatMap { $0.isReadable ? skillOfDigits.value($0.key) : nil }.map { Int($0) } ?? 0
        return skill * directions + Self.directionIndex(direction)
    }

    static func directionIndex(_ direction: CallDirection?) -> Int {
        switch direction {
        case nil: return 0
        case .incoming: return 1
        case .outboundDial: return 2
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
        var template = RuleBits(rules: ruleSet.rules.count)
        for (index, rule) in ruleSet.rules.enumerated() where rule.conditions.skill == nil && rule.conditions.direction == nil {
            template.set(index)
        }
        var rows: [[UInt64]] = []
        for skill in [nil] + names {
            for direction in [nil, CallDirection.incoming, .outboundDial] {
                var row = RuleBits(rules: ruleSet.rules.count)
                for (index, rule) in ruleSet.rules.enumerated() {
                    let skillHolds = rule.conditions.skill?.holds { $0 == skill } ?? true
                    let directionHolds = rule.conditions.direction?.holds { $0 == direction } ?? true
                    if skillHolds && directionHolds { row.set(index) }
                }
                rows.append(row.words)
            }
        }
        skillOfDigits = NumberMap(entries: entries, memory: memory)
        matrix = BitMatrix(template: template.words, rows: rows, memory: memory)
    }
}
