import Foundation

/// What `ringplan diff --replay` found: the decisions of a server's decision log, decided
/// again by both versions of the rules as the server decides them (hunts kept by `CallSid`),
/// and compared byte for byte.
public struct ReplayReport: Sendable, Equatable {
    /// The calls whose answer changes, by rule set and the rules that decide them. A call
    /// is counted once, in the group of its first decision that changes.
    public struct Group: Sendable, Equatable {
        public var ruleSet: String
        /// The deciding rule in each version; nil when none decides (no rule matched, or the
        /// version lacks the rule set).
        public var oldRule: String?
        public var newRule: String?
        public var calls: Int
        /// Logged decisions (first fetches and re-fetches) answered otherwise.
        public var decisions: Int
        /// The group's first logged request, to try with `ringplan eval`.
        public var example: Example

        public init(ruleSet: String, oldRule: String?, newRule: String?, calls: Int, decisions: Int, example: Example) {
            self.ruleSet = ruleSet
            self.oldRule = oldRule
            self.newRule = newRule
            self.calls = calls
            self.decisions = decisions
            self.example = example
        }
    }

    public struct Example: Sendable, Equatable {
        public var callSid: String?
        /// The query as logged (without `key`).
        public var query: String
        /// The server clock of the decision, seconds since 1970.
        public var now: Int64
        /// The Connect version it was answered in (`1.0`, `1.1`).
        public var connectVersion: String

        public init(callSid: String?, query: String, now: Int64, connectVersion: String) {
            self.callSid = callSid
            self.query = query
            self.now = now
            self.connectVersion = connectVersion
        }
    }

    /// Why a line could not be decided again; the raw value is the JSON report's key.
    public enum Unused: String, Error, CaseIterable, Comparable {
        case malformed
        case refusal
        case notADecision = "not_a_decision"
        case withoutRequest = "without_request"
        case unknownRuleSet = "unknown_rule_set"

        public var description: String {
            switch self {
            case .malformed: "not a JSON object, or longer than 64 KiB"
            case .refusal: "refused requests, which hold no request"
            case .notADecision: "other log lines"
            case .withoutRequest: "decisions logged without --log-numbers"
            case .unknownRuleSet: "decisions of rule sets neither version has"
            }
        }

        public static func < (lhs: Unused, rhs: Unused) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// The log, as named on the command line.
    public var path: String
    /// Lines read, blank lines aside.
    public var lines = 0
    /// Decisions decided again.
    public var decisions = 0
    /// Distinct calls among them (a decision without `CallSid` is a call of its own).
    public var calls = 0
    public var changedDecisions = 0
    /// Largest first.
    public var groups: [Group] = []
    public var unused: [Unused: Int] = [:]
    /// Decisions that busy or sticky agents had changed (`agent_state` in the log): the log
    /// does not hold the state, so both versions decide them as if nobody were busy and no
    /// caller had a sticky agent.
    public var withAgentState = 0
    /// Decisions the old version gives to another rule than the log names: the log was
    /// written by other rules than OLD (or before a reload), so its calls tell less.
    public var notAsLogged = 0

    public init(path: String) {
        self.path = path
    }

    public var changedCalls: Int { groups.reduce(0) { $0 + $1.calls } }
    public var unusedLines: Int { unused.values.reduce(0, +) }

    /// The share of the replayed calls that `count` is, as a percentage for reports.
    public func share(_ count: Int) -> String {
        guard calls > 0 else { return "0%" }
        let percent = Double(count) * 100 / Double(calls)
        if count > 0 && percent < 0.1 { return "<0.1%" }
        return String(format: "%.1f%%", percent)
    }
}
