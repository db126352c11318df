import Foundation
import Routing

/// `ringplan diff`'s reports.
public enum DiffRenderer {
    public enum Format: String, CaseIterable, Sendable {
        case human, json, markdown, github
    }

    public static func render(_ diff: WorkspaceDiff, as format: Format) -> String {
        switch format {
        case .human: human(diff)
        case .json: json(diff)
        case .markdown: markdown(diff)
        case .github: github(diff)
        }
    }

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
        if let replay = diff.replay { lines += human(replay, diff) }
        return lines.joined(separator: "\n") + "\n"
    }

    static func human(_ replay: ReplayReport, _ diff: WorkspaceDiff) -> [String] {
        var lines = ["replay of \(replay.path): \(count(replay.decisions, "decision")) of \(count(replay.calls, "call"))"]
        if replay.groups.isEmpty {
            lines.append("  no call answered otherwise")
        } else {
            lines.append("  \(count(replay.changedCalls, "call")) (\(replay.share(replay.changedCalls))) answered otherwise, "
                + "in \(count(replay.changedDecisions, "decision"))")
        }
        for group in replay.groups {
            lines.append("  \(group.ruleSet): \(replayRule(group.oldRule, group.ruleSet, in: diff.added)) -> "
                + "\(replayRule(group.newRule, group.ruleSet, in: diff.removed)): \(count(group.calls, "call")) (\(replay.share(group.calls))), "
                + count(group.decisions, "decision"))
            lines.append("    e.g. \(evalCommand(group, diff))")
        }
        lines += notes(replay).map { "  " + $0 }
        return lines
    }

    /// What the replay could not use or tell, in sentences.
    static func notes(_ replay: ReplayReport) -> [String] {
        var notes: [String] = []
        if replay.unusedLines > 0 {
            notes.append("not used: \(grouped(replay.unusedLines)) of \(count(replay.lines, "line")) ("
                + replay.unused.sorted { $0.key < $1.key }.map { "\($0.key.description): \(grouped($0.value))" }.joined(separator: "; ") + ")")
        }
        if replay.withAgentState > 0 {
            notes.append("\(count(replay.withAgentState, "decision")) had busy or sticky agents the log does not hold: decided again without them")
        }
        if replay.notAsLogged > 0 {
            notes.append("the old rules give \(count(replay.notAsLogged, "decision")) to another rule than the log names: "
                + "the log was written by other rules")
        }
        return notes
    }

    /// A group's example as a command that answers it from the new rules.
    static func evalCommand(_ group: ReplayReport.Group, _ diff: WorkspaceDiff) -> String {
        let file = diff.new.files[group.ruleSet] ?? diff.old.files[group.ruleSet] ?? group.ruleSet + ".yaml"
        let header = group.example.connectVersion == "1.0" ? "" : " --header 'exotel-version: \(group.example.connectVersion)'"
        return "ringplan eval \(file) --now \(group.example.now)\(header) --query '\(group.example.query.replacingOccurrences(of: "'", with: "'\\''"))'"
    }

    /// A replayed decider: the rule, none, or the rule set a version lacks.
    static func replayRule(_ name: String?, _ ruleSet: String, in missing: [String]) -> String {
        name.map { "`\($0)`" } ?? (missing.contains(ruleSet) ? "(no rule set: 404)" : "(no rule)")
    }

    /// 1234567 as 1,234,567.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var output = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { output.append(",") }
            output.append(digit)
        }
        return (value < 0 ? "-" : "") + output
    }

    public static func json(_ diff: WorkspaceDiff) -> String {
        var object: [String: Any] = [
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
        if let replay = diff.replay {
            object["replay"] = [
                "path": replay.path,
                "lines": replay.lines,
                "decisions": replay.decisions,
                "calls": replay.calls,
                "changed_calls": replay.changedCalls,
                "changed_decisions": replay.changedDecisions,
                "groups": replay.groups.map { group -> [String: Any] in
                    [
                        "rule_set": group.ruleSet,
                        "old_rule": group.oldRule as Any? ?? NSNull(),
                        "new_rule": group.newRule as Any? ?? NSNull(),
                        "calls": group.calls,
                        "share": Double(group.calls) / Double(max(1, replay.calls)),
                        "decisions": group.decisions,
                        "example": ["call_sid": group.example.callSid as Any? ?? NSNull(), "query": group.example.query, "now": group.example.now],
                    ]
                },
                "unused": Dictionary(uniqueKeysWithValues: replay.unused.map { ($0.key.rawValue, $0.value) }),
                "with_agent_state": replay.withAgentState,
                "not_as_logged": replay.notAsLogged,
            ] as [String: Any]
        }
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
        if let replay = diff.replay { lines += markdown(replay, diff) }
        return lines.joined(separator: "\n") + "\n"
    }

    static let collapsedAfter = 20

    static func markdown(_ replay: ReplayReport, _ diff: WorkspaceDiff) -> [String] {
        var lines = ["", "#### Replay of `\(replay.path)`", ""]
        lines.append("\(count(replay.decisions, "logged decision")) of \(count(replay.calls, "call")): **\(count(replay.changedCalls, "call")) "
            + "(\(replay.share(replay.changedCalls))) answered otherwise**, in \(count(replay.changedDecisions, "decision")).")
        if !replay.groups.isEmpty {
            lines += ["", "| rule set | old rule | new rule | calls | share | decisions |", "|---|---|---|---:|---:|---:|"]
            for (index, group) in replay.groups.enumerated() {
                if index == collapsedAfter { break }
                lines.append("| `\(cell(group.ruleSet))` | \(cell(replayRule(group.oldRule, group.ruleSet, in: diff.added))) | "
                    + "\(cell(replayRule(group.newRule, group.ruleSet, in: diff.removed))) | \(grouped(group.calls)) | \(replay.share(group.calls)) | "
                    + "\(grouped(group.decisions)) |")
            }
            if replay.groups.count > collapsedAfter {
                let rest = replay.groups.dropFirst(collapsedAfter)
                lines.append("| \(count(rest.count, "more group")) | | | \(grouped(rest.reduce(0) { $0 + $1.calls })) | | "
                    + "\(grouped(rest.reduce(0) { $0 + $1.decisions })) |")
            }
            lines += ["", "<details><summary>a logged call of each group</summary>", ""]
            lines += replay.groups.prefix(collapsedAfter).map { "- `\(evalCommand($0, diff))`" }
            lines += ["", "</details>"]
        }
        let notes = notes(replay)
        if !notes.isEmpty { lines += [""] + notes.map { "- " + $0 } }
        return lines
    }

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
        if let replay = diff.replay {
            annotation(nil, 1, title: "replay of \(replay.path)",
                       "\(count(replay.changedCalls, "logged call")) of \(grouped(replay.calls)) (\(replay.share(replay.changedCalls))) answered otherwise: "
                       + replay.groups.prefix(5).map { "\($0.ruleSet) \(replayRule($0.oldRule, $0.ruleSet, in: diff.added)) -> "
                           + "\(replayRule($0.newRule, $0.ruleSet, in: diff.removed)) \(grouped($0.calls))" }.joined(separator: "; ")
                       + (replay.groups.count > 5 ? "; ..." : ""), rank: -1)
        }
        let ordered = lines.enumerated().sorted { ($0.element.rank, $0.offset) < ($1.element.rank, $1.offset) }.map(\.element.text)
        let regions = diff.compared.reduce(0) { $0 + $1.regions.count(where: \.reroutes) }
        let hidden = max(0, ordered.count - GitHubRenderer.annotationLimit)
        return ordered.prefix(GitHubRenderer.annotationLimit).map { $0 + "\n" }.joined()
            + "ringplan diff: \(count(regions, "region")) of calls answered otherwise, \(count(diff.added.count, "rule set")) added, "
            + "\(diff.removed.count) removed"
            + (diff.replay.map { "; replay: \(count($0.changedCalls, "logged call")) of \(grouped($0.calls)) answered otherwise" } ?? "")
            + (hidden > 0 ? " (\(hidden) more not annotated; run `ringplan diff` for all)" : "") + "\n"
    }

    static func rule(_ name: String?) -> String { name.map { "`\($0)`" } ?? "(no rule)" }

    static func count(_ value: Int, _ noun: String) -> String { "\(grouped(value)) \(noun)\(value == 1 ? "" : "s")" }
}
