/// Why a rule set decided what it did: the facts it read, the rule that decided, and for
/// each earlier rule the first condition that failed. `ringplan eval --explain` prints it;
/// the server's decision log carries the same type.
public struct Explanation: Sendable, Hashable, Codable {
    public struct Step: Sendable, Hashable, Codable {
        public let rule: String
        public let matched: Bool
        /// For a rule that did not match: the condition (`caller`, `time`...) that failed.
        public let condition: String?
        /// Why, in words: "caller +919900000001 is not in list `vip`"; for the rule that
        /// matched, why each of its conditions held.
        public let reason: String?
    }

    public struct Facts: Sendable, Hashable, Codable {
        public let caller: String?
        public let exophone: String?
        public let time: String
        public let timeSource: String
        public let digits: String?
        public let skill: String?
        public let direction: String?
        public let dialWhom: String?
        /// `CustomField`, when a rule looks at it.
        public let customField: String?
    }

    public let ruleSet: String
    public let facts: Facts
    /// The deciding rule, or nil when none matched.
    public let rule: String?
    public let attempt: Int?
    public let steps: [Step]
    /// How the deciding rule's plan came out for this call: the split's branch, what each
    /// table gave, the steps skipped, the step of the attempt.
    public let plan: [String]
    /// What the call gets: `dialled`, `nobody` or `fallback` (see `Outcome.kind`).
    public let outcome: String
    /// Why nobody is dialled, or why there is no answer, in words.
    public let reason: String?

    /// Human-readable lines, for stderr.
    public var lines: [String] {
        var lines = ["rule set `\(ruleSet)`: caller \(facts.caller ?? "none"), exophone \(facts.exophone ?? "none"), \(facts.time) (from \(facts.timeSource == TimeSource.currentTime.rawValue ? "CurrentTime" : "the server clock")), digits \(facts.digits ?? "none")\(facts.skill.map { " (skill `\($0)`)" } ?? ""), direction \(facts.direction ?? "none")\(facts.customField.map { ", custom field `\($0)`" } ?? "")"]
        for step in steps {
            if step.matched {
                lines.append("  rule `\(step.rule)` matched: \(step.reason ?? "")")
            } else {
                lines.append("  rule `\(step.rule)` did not match: \(step.reason ?? "")")
            }
        }
        if let rule, let attempt {
            lines.append(attempt > 0 ? "decided by rule `\(rule)`, attempt \(attempt + 1)" : "decided by rule `\(rule)`")
        } else if rule == nil {
            lines.append("no rule matched")
        }
        lines += plan.map { "  \($0)" }
        switch outcome {
        case "nobody": lines.append("nobody is dialled: \(reason ?? "the empty answer"); Exotel takes \"We didn't dial anyone\"")
        case "fallback": lines.append("no answer: \(reason ?? "nothing to dial"); the server answers 422 and Exotel goes to the Fallback URL")
        default: break
        }
        return lines
    }
}
