import Foundation
import Routing

/// Two versions of a rules workspace compared rule set by rule set (`ringplan diff`).
public struct WorkspaceDiff {
    public var added: [String]
    public var removed: [String]
    /// The rule sets of both versions, by name, in the new version's order.
    public var compared: [RuleSetDiff]

    public init(old: [RuleSet], new: [RuleSet]) throws(RuleSetDiff.Failure) {
        let oldNames = Set(old.map(\.name)), newNames = Set(new.map(\.name))
        added = new.map(\.name).filter { !oldNames.contains($0) }
        removed = old.map(\.name).filter { !newNames.contains($0) }
        let before = Dictionary(old.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var compared: [RuleSetDiff] = []
        for ruleSet in new {
            guard let previous = before[ruleSet.name] else { continue }
            compared.append(try RuleSetDiff(old: previous, new: ruleSet))
        }
        self.compared = compared
    }

    /// Whether any call is answered otherwise, or a rule set came or went: diff(1)'s 1.
    public var changesRouting: Bool { !added.isEmpty || !removed.isEmpty || compared.contains(where: \.reroutes) }
}

/// `ringplan diff`'s reports.
public enum DiffRenderer {
    public static func human(_ diff: WorkspaceDiff) -> String {
        var lines: [String] = []
        for name in diff.added { lines.append("rule set `\(name)`: added") }
        for name in diff.removed { lines.append("rule set `\(name)`: removed (its calls get 404)") }
        for ruleSet in diff.compared {
            let rerouting = ruleSet.regions.filter(\.reroutes), renamed = ruleSet.regions.filter { !$0.reroutes }
            if ruleSet.settings.isEmpty && ruleSet.regions.isEmpty {
                lines.append("rule set `\(ruleSet.new.name)`: no call changes")
                continue
            }
            lines.append("rule set `\(ruleSet.new.name)`: \(count(rerouting.count, "region")) of calls answered otherwise"
                + (renamed.isEmpty ? "" : ", \(count(renamed.count, "region")) decided by another rule with the same answer"))
            for setting in ruleSet.settings { lines.append("  every call: \(setting)") }
            for region in rerouting + renamed {
                lines.append("  \(rule(region.oldRule)) -> \(rule(region.newRule))"
                    + (region.reroutes ? "" : ": same answer"))
                for change in region.changes { lines.append("    \(change)") }
                if let example = region.example {
                    lines.append("    e.g. \(example.description)")
                    lines.append("    query: \(example.query)")
                } else {
                    lines.append("    (no call of it could be written as a query)")
                }
            }
        }
        if lines.isEmpty { lines.append("no rule sets") }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func json(_ diff: WorkspaceDiff) -> String {
        let object: [String: Any] = [
            "changes_routing": diff.changesRouting,
            "added": diff.added,
            "removed": diff.removed,
            "rule_sets": diff.compared.map { ruleSet -> [String: Any] in
                [
                    "name": ruleSet.new.name,
                    "settings": ruleSet.settings,
                    "regions": ruleSet.regions.map { region -> [String: Any] in
                        [
                            "old_rule": region.oldRule as Any? ?? NSNull(),
                            "new_rule": region.newRule as Any? ?? NSNull(),
                            "reroutes": region.reroutes,
                            "changes": region.changes,
                            "example": region.example.map { ["query": $0.query, "description": $0.description] } as Any? ?? NSNull(),
                        ]
                    },
                ]
            },
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func rule(_ name: String?) -> String { name.map { "`\($0)`" } ?? "(no rule)" }

    static func count(_ value: Int, _ noun: String) -> String { "\(value) \(noun)\(value == 1 ? "" : "s")" }
}
