/// The syntax tree of one rule file: the document's shape checked (keys, types), values
/// still text with their spans. Meaning (numbers, durations, references) is the checker's.

public struct Spanned<Value: Sendable>: Sendable {
    public let value: Value
    public let span: SourceSpan
}

public typealias Text = Spanned<String>

public struct RuleFileSyntax: Sendable {
    /// The path as diagnostics show it.
    public let path: String
    public var version: Text?
    public var includes: [Text] = []
    public var timezone: Text?
    public var clockTimezone: Text?
    public var country: Text?
    public var applet: Text?
    public var unmatched: Text?
    public var stickyDays: Text?
    public var agents: [AgentSyntax] = []
    public var groups: [GroupSyntax] = []
    public var lists: [ListSyntax] = []
    public var calendars: [CalendarSyntax] = []
    public var tables: [TableSyntax] = []
    public var skills: [SkillSyntax] = []
    public var defaults: OptionsSyntax?
    /// Nil for a file of shared definitions: only files with `rules:` are rule sets.
    public var rules: [RuleSyntax]?
    public var rulesSpan: SourceSpan?

    public var isRuleSet: Bool { rules != nil }
}

public struct AgentSyntax: Sendable {
    public let name: Text
    /// An E.164 number or a SIP address.
    public let contact: Text
}

public struct GroupSyntax: Sendable {
    public let name: Text
    public let members: [Text]
    public let span: SourceSpan
}

public struct ListSyntax: Sendable {
    public enum Source: Sendable {
        case entries([Text])
        case file(Text)
    }
    public let name: Text
    public let source: Source
    public let span: SourceSpan
}

public struct CalendarSyntax: Sendable {
    public struct Weekly: Sendable {
        public let days: Text
        public let windows: [Text]
    }
    /// `on: { 2026-12-31: "09:30-14:00" }`; `closed` is a window text of its own.
    public struct Special: Sendable {
        public let date: Text
        public let windows: [Text]
    }
    public let name: Text
    /// `always: 24x7`.
    public var always: Text?
    public var timeZone: Text?
    public var dates: [Text] = []
    public var yearly: [Text] = []
    public var monthly: [Text] = []
    public var weekly: [Weekly] = []
    public var on: [Special] = []
    public var ics: Text?
    public var except: [Text] = []
    public let span: SourceSpan
}

/// `tables: { rm: { file: rm.csv, key: caller } }`.
public struct TableSyntax: Sendable {
    public let name: Text
    public let file: Text
    public let key: Text?
    public let span: SourceSpan
}

public struct SkillSyntax: Sendable {
    public let digits: Text
    public let skill: Text
}

public struct PlaybackSyntax: Sendable {
    public var text: Text?
    public var audio: Text?
    public var audience: Text?
    public let span: SourceSpan
}

/// The answer options a rule or `defaults` may set.
public struct OptionsSyntax: Sendable {
    public var ringing: Text?
    public var conversation: Text?
    public var record: Text?
    public var holdMusic: Text?
    public var callerID: Text?
    public var playback: PlaybackSyntax?
    public var events: Text?
    /// Not an answer field: whether agents known busy are dialled.
    public var busy: Text?

    static let keys = ["ringing", "conversation", "record", "hold_music", "caller_id", "playback", "events", "busy"]

    /// The first option set, in the order of `keys`, with its span.
    var firstSetKey: (name: String, span: SourceSpan)? {
        let set: [(String, SourceSpan?)] = [("ringing", ringing?.span), ("conversation", conversation?.span), ("record", record?.span),
                                            ("hold_music", holdMusic?.span), ("caller_id", callerID?.span), ("playback", playback?.span),
                                            ("events", events?.span), ("busy", busy?.span)]
        return set.lazy.compactMap { name, span in span.map { (name, $0) } }.first
    }
}

/// A condition as written: a value, a list of values (ORed), `{ not: ... }`, or
/// `{ in: NAME }` (the keys of a table, the numbers of a list).
public indirect enum MatchSyntax: Sendable {
    case item(Text)
    case anyOf([MatchSyntax], span: SourceSpan)
    case not(MatchSyntax, span: SourceSpan)
    case member(Text, span: SourceSpan)
}

public struct WhenSyntax: Sendable {
    public var caller: MatchSyntax?
    public var exophone: MatchSyntax?
    public var time: MatchSyntax?
    public var skill: MatchSyntax?
    public var direction: MatchSyntax?
    public var customField: MatchSyntax?
    public let span: SourceSpan

    static let keys = ["caller", "exophone", "time", "skill", "direction", "custom_field"]
}

/// One entry of `to`: a name or number, or `{ lookup: TABLE, else: ... }`.
public enum TargetSyntax: Sendable {
    case name(Text)
    case lookup(table: Text, otherwise: [Text], span: SourceSpan)

    public var span: SourceSpan {
        switch self {
        case .name(let text): return text.span
        case .lookup(_, _, let span): return span
        }
    }
}

/// Whom one step dials and how: `to`, `strategy`, `max_parallel` and its answer options.
public struct StepSyntax: Sendable {
    public var to: [TargetSyntax]
    public var toSpan: SourceSpan
    public var strategy: Text?
    public var maxParallel: Text?
    public var options = OptionsSyntax()
    public let span: SourceSpan
}

/// One branch of `split`: a weight and a plan.
public struct BranchSyntax: Sendable {
    public var weight: Text?
    public var steps: [StepSyntax]
    /// Options of the branch itself (on a branch written with `to`, they are its step's).
    public var options = OptionsSyntax()
    public let span: SourceSpan
}

public struct DialSyntax: Sendable {
    public enum Form: Sendable {
        /// `dial: nobody`, spanned.
        case nobody(Text)
        /// `dial: NAME`, `dial: { to: ... }` (one step) or `dial: { steps: [...] }`.
        case plan([StepSyntax])
        /// `dial: { split: [...], by: ... }`.
        case split([BranchSyntax], by: Text?, span: SourceSpan)
    }
    public var form: Form
    public let span: SourceSpan
}

public struct RuleSyntax: Sendable {
    public var name: Text?
    public var when: WhenSyntax?
    /// `when` is there but could not be read (reported): the rule is no catch-all.
    public var whenIsInvalid = false
    public var dial: DialSyntax?
    public var options: OptionsSyntax
    public let span: SourceSpan
}
