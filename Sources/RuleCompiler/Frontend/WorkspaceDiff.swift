import Foundation
import Routing

/// Two versions of a rules workspace compared rule set by rule set (`ringplan diff`).
public struct WorkspaceDiff {
    /// One version's rule sets, and where their files and rules are.
    public struct Version {
        public var ruleSets: [RuleSet]
        /// By rule-set name, by rule index.
        public var ruleSpans: [String: [SourceSpan?]]
        /// By rule-set name.
        public var files: [String: String]

        public init(ruleSets: [RuleSet], ruleSpans: [String: [SourceSpan?]] = [:], files: [String: String] = [:]) {
            self.ruleSets = ruleSets
            self.ruleSpans = ruleSpans
            self.files = files
        }

        public init(_ result: CheckResult) {
            let files = result.files.map { path in (((path as NSString).lastPathComponent as NSString).deletingPathExtension, path) }
            self.init(ruleSets: result.ruleSets, ruleSpans: result.ruleSpans,
                      files: Dictionary(files, uniquingKeysWith: { first, _ in first }))
        }
    }

    public var added: [String]
    public var removed: [String]
    /// The rule sets of both versions, by name, in the new version's order.
    public var compared: [RuleSetDiff]
    public let old: Version
    public let new: Version
    /// The decisions of a log decided again by both versions (`--replay`).
    public var replay: ReplayReport?

    public init(old: Version, new: Version) throws(RuleSetDiff.Failure) {
        self.old = old
        self.new = new
        let oldNames = Set(old.ruleSets.map(\.name)), newNames = Set(new.ruleSets.map(\.name))
        added = new.ruleSets.map(\.name).filter { !oldNames.contains($0) }
        removed = old.ruleSets.map(\.name).filter { !newNames.contains($0) }
        let before = Dictionary(old.ruleSets.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var compared: [RuleSetDiff] = []
        for ruleSet in new.ruleSets {
            guard let previous = before[ruleSet.name] else { continue }
            compared.append(try RuleSetDiff(old: previous, new: ruleSet))
        }
        self.compared = compared
    }

    /// Where a region's new rule is (its old rule's rule set file when no new rule decides).
    func location(of region: RuleSetDiff.Region, in ruleSet: String) -> (file: String, line: Int)? {
        if let rule = region.newRuleIndex, let spans = new.ruleSpans[ruleSet], rule < spans.count, let span = spans[rule] {
            return (span.file, span.start.line)
        }
        return new.files[ruleSet].map { ($0, 1) }
    }

    /// Whether any call is answered otherwise, or a rule set came or went: diff(1)'s 1.
    public var changesRouting: Bool {
        !added.isEmpty || !removed.isEmpty || compared.contains(where: \.reroutes) || (replay?.changedDecisions ?? 0) > 0
    }
}
