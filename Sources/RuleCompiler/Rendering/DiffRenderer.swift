import Foundation
import Routing

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
                lines.append("    calls: \(region.words)")
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
                            "calls": region.words,
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

    /// For a pull-request comment: a summary table, then each rule set's regions, those past
    /// the first 20 of a rule set in a collapsed block.
    public static func markdown(_ diff: WorkspaceDiff) -> String {
        var lines = ["### Routing changes", ""]
        guard !diff.added.isEmpty || !diff.removed.isEmpty || !diff.compared.isEmpty else { return "### Routing changes\n\nNo rule sets.\n" }
        lines += ["| rule set | regions of calls answered otherwise | decided by another rule, same answer |", "|---|---:|---:|"]
        for name in diff.added { lines.append("| `\(cell(name))` | added | |") }
        for name in diff.removed { lines.append("| `\(cell(name))` | removed (its calls get 404) | |") }
        for ruleSet in diff.compared {
            let rerouting = ruleSet.regions.filter(\.reroutes).count
            lines.append("| `\(cell(ruleSet.new.name))` | \(rerouting)\(ruleSet.settings.isEmpty ? "" : ", and every call: " + cell(ruleSet.settings.joined(separator: "; "))) | \(ruleSet.regions.count - rerouting) |")
        }
        for ruleSet in diff.compared where !ruleSet.regions.isEmpty || !ruleSet.settings.isEmpty {
            lines += ["", "#### `\(ruleSet.new.name)`", ""]
            for setting in ruleSet.settings { lines.append("- every call: \(setting)") }
            let regions = ruleSet.regions.filter(\.reroutes) + ruleSet.regions.filter { !$0.reroutes }
            for (index, region) in regions.enumerated() {
                if index == collapsedAfter { lines += ["", "<details><summary>\(count(regions.count - index, "more region"))</summary>", ""] }
                let what = region.reroutes ? region.changes.joined(separator: "; ") : "same answer"
                var line = "\(index + 1). **\(rule(region.oldRule)) → \(rule(region.newRule))**, calls: \(region.words)  \n   \(what)"
                if let example = region.example {
                    line += "  \n   e.g. \(example.description): `ringplan eval \(diff.new.files[ruleSet.new.name] ?? ruleSet.new.name + ".yaml") --query '\(example.query)'`"
                }
                lines.append(line)
            }
            if regions.count > collapsedAfter { lines += ["", "</details>"] }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static let collapsedAfter = 20

    static func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }

    /// GitHub Actions workflow commands: a notice at each changed region's new rule (its
    /// rule set's file when no rule decides now), and at added and removed rule sets; as
    /// for `check`, the first ten (calls answered otherwise first), then a summary line.
    public static func github(_ diff: WorkspaceDiff) -> String {
        var lines: [(rank: Int, text: String)] = []
        func annotation(_ file: String?, _ line: Int, title: String, _ message: String, rank: Int = 0) {
            let place = file.map { "file=\(GitHubRenderer.property($0)),line=\(line)," } ?? ""
            lines.append((rank, "::notice \(place)title=\(GitHubRenderer.property(title))::\(GitHubRenderer.data(message))"))
        }
        for name in diff.added { annotation(diff.new.files[name], 1, title: "rule set added", "rule set `\(name)` is new") }
        for name in diff.removed { annotation(nil, 1, title: "rule set removed", "rule set `\(name)` is removed: its calls get 404") }
        for ruleSet in diff.compared {
            let name = ruleSet.new.name
            for setting in ruleSet.settings { annotation(diff.new.files[name], 1, title: "every call of \(name) changes", setting) }
            for region in ruleSet.regions {
                let place = diff.location(of: region, in: name)
                let what = region.reroutes ? region.changes.joined(separator: "; ") : "same answer"
                var message = "\(rule(region.oldRule)) -> \(rule(region.newRule)): \(what)\ncalls: \(region.words)"
                if let example = region.example { message += "\ne.g. \(example.description)\nquery: \(example.query)" }
                annotation(place?.file, place?.line ?? 1, title: region.reroutes ? "calls rerouted" : "calls decided by another rule", message,
                           rank: region.reroutes ? 0 : 1)
            }
        }
        let ordered = lines.enumerated().sorted { ($0.element.rank, $0.offset) < ($1.element.rank, $1.offset) }.map(\.element.text)
        let regions = diff.compared.reduce(0) { $0 + $1.regions.count(where: \.reroutes) }
        let hidden = max(0, ordered.count - GitHubRenderer.annotationLimit)
        return ordered.prefix(GitHubRenderer.annotationLimit).map { $0 + "\n" }.joined()
            + "ringplan diff: \(count(regions, "region")) of calls answered otherwise, \(count(diff.added.count, "rule set")) added, "
            + "\(diff.removed.count) removed" + (hidden > 0 ? " (\(hidden) more not annotated; run `ringplan diff` for all)" : "") + "\n"
    }

    static func rule(_ name: String?) -> String { name.map { "`\($0)`" } ?? "(no rule)" }

    static func count(_ value: Int, _ noun: String) -> String { "\(value) \(noun)\(value == 1 ? "" : "s")" }
}
