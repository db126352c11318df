import Foundation

/// Writes a deterministic synthetic rule set of `rules` rules and a list file of `numbers`
/// numbers, shaped like a large call centre: 200 agents in 50 teams, rules that route by
/// caller prefix, by CRM list, by partner list, by ExoPhone, by hours, by IVR skill. With
/// `tableRows`, a CRM table of that many customers (the list's numbers first) and their
/// relationship managers, which every eighth rule dials first in a two-step plan and every
/// fortieth splits on; without, the rule set is the one measured before tables existed.
public enum SyntheticRuleSet {
    /// `sticky`: every eighth rule (from the fourth) dials the caller's sticky agent first,
    /// then its team, so that agent state is in use.
    public static func write(to directory: String, rules: Int, numbers: Int, tableRows: Int = 0, sticky: Bool = false) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var list = "# key accounts exported from the CRM\n"
        list.reserveCapacity(numbers * 14 + 64)
        for index in 0..<numbers {
            list += "+91\(9_000_000_000 + (index * 7) % 1_000_000_000)\n"
        }
        try Data(list.utf8).write(to: URL(fileURLWithPath: directory).appendingPathComponent("crm.txt"))
        if tableRows > 0 {
            var table = "customer,relationship_manager\n"
            table.reserveCapacity(tableRows * 22 + 64)
            for index in 0..<tableRows {
                table += "+91\(9_000_000_000 + (index * 7) % 1_000_000_000),agent\(index * 13 % 200)\n"
            }
            try Data(table.utf8).write(to: URL(fileURLWithPath: directory).appendingPathComponent("rm.csv"))
        }

        let days = ["mon-fri", "sat", "sun", "daily", "weekdays", "fri-mon"]
        let skills = ["sales", "support", "billing"]
        var lines = ["ringplan: 1", "timezone: Asia/Kolkata", "country: IN", "agents:"]
        let agents = 200
        for index in 0..<agents { lines.append("  agent\(index): \"+9198765\(pad(index, 5))\"") }
        lines.append("groups:")
        for index in 0..<50 {
            lines.append("  team\(index): [\((0..<4).map { "agent\((index * 4 + $0) % agents)" }.joined(separator: ", "))]")
        }
        lines += ["lists:", "  crm: { file: crm.txt }", "  partners:"]
        for index in 0..<100 { lines.append("    - \"+9180\(pad(index, 8))\"") }
        if tableRows > 0 { lines += ["tables:", "  rm: { file: rm.csv, key: caller }"] }
        lines += ["calendars:", "  holidays: { dates: [2026-01-26, 2026-08-15, 2026-10-02] }",
                  "  hours:", "    weekly: { mon-fri: \"09:00-18:00\", sat: \"10:00-14:00\" }", "    except: holidays",
                  "skills:", "  \"1\": sales", "  \"2\": support", "  \"3\": billing",
                  "defaults:", "  caller_id: \"+918047115000\"", "  ringing: 30s", "  conversation: 30m", "rules:"]
        for index in 0..<max(0, rules - 1) {
            lines.append("  - name: rule-\(index)")
            lines.append("    when:")
            switch index % 4 {
            case 0: lines.append("      caller: \"+9199\(pad(index, 6))*\"")
            case 1: lines.append("      caller: [crm, \"+9190\(pad(index, 8))\"]")
            case 2: lines.append("      caller: partners")
            default: break
            }
            lines.append("      exophone: \"+9180471\(pad(index % 100_000, 5))\"")
            let start = 6 + index % 12
            lines.append("      time: \(index % 5 == 0 ? "hours" : "\"\(days[index % days.count]) \(pad(start, 2)):00-\(pad((start + 8) % 24, 2)):30\"")")
            if index % 3 == 0 { lines.append("      skill: \(skills[index % 3])") }
            if tableRows > 0 && index % 40 == 5 {
                lines += ["    dial:", "      split:", "        - { weight: 70, to: team\(index % 50) }",
                          "        - { weight: 30, to: \"+9180471\(pad(index % 100_000, 5))\" }"]
            } else if tableRows > 0 && index % 8 == 1 {
                lines += ["    dial:", "      steps:", "        - to: { lookup: rm }", "          ringing: 15s",
                          "        - { to: team\(index % 50), strategy: parallel, max_parallel: 2 }"]
            } else if sticky && index % 8 == 3 {
                lines += ["    dial:", "      steps:", "        - to: sticky", "          ringing: 20s",
                          "        - { to: team\(index % 50), strategy: parallel, max_parallel: 2 }"]
            } else if index % 2 == 1 {
                lines.append("    dial: { to: team\(index % 50), strategy: parallel, max_parallel: 2 }")
            } else {
                lines.append("    dial: [agent\(index % agents), agent\((index + 1) % agents), \"+9180471\(pad(index % 100_000, 5))\"]")
            }
            lines.append("    ringing: \(10 + index % 50)s")
        }
        lines += ["  - name: everyone-else", "    dial: team0", ""]
        if tableRows > 0 {
            // The table alone, for timing its load: its agents and one rule that looks it up.
            let agentLines = lines.prefix { $0 != "groups:" }
            let tableOnly = agentLines + ["tables:", "  rm: { file: rm.csv, key: caller }", "rules:",
                                          "  - name: own-rm", "    dial: { to: { lookup: rm, else: agent0 } }", ""]
            try Data(tableOnly.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: directory).appendingPathComponent(tableOnlyFile))
        }
        let path = URL(fileURLWithPath: directory).appendingPathComponent("synthetic.yaml").path
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Beside the synthetic rule set when it has a table: a rule set of the table alone.
    public static let tableOnlyFile = "table-only.yaml"

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
