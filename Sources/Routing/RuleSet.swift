import ConnectProtocol

/// A checked rule set: every reference resolved, every value within Exotel's limits, no
/// source positions. The compiler produces it; the decision table and the reference
/// evaluator consume it.
public struct RuleSet: Sendable {
    /// The served name: the file name without `.yaml`.
    public var name: String
    /// IANA zone that the rule set's times are written in.
    public var timeZone: String
    /// IANA zone of Exotel's `CurrentTime` clock.
    public var clockTimeZone: String
    /// Home country of national numbers in requests.
    public var country: Country
    /// The Exotel applet the answers are for.
    public var applet: Applet
    /// What calls no rule matches, and hunts with no destination left, get.
    public var unmatched: Unmatched
    public var lists: [NumberList]
    public var calendars: [RuleCalendar]
    /// Lookup tables (`tables:`), from CRM exports.
    public var tables: [LookupTable]
    /// IVR digits to skill name.
    public var skills: [String: String]
    public var rules: [Rule]
    /// Every agent `agents:` defines that the applet can dial, by name: who `sticky` may be.
    public var agents: [Destination]
    /// How long an answered call keeps its agent the caller's sticky agent (`sticky_days`).
    public var stickyDays: Int
    /// A rule dials `sticky`, or `busy: skip` is written: the server is to learn agent state
    /// for it (its answers carry the events URL).
    public var usesAgentState: Bool

    /// Whether any rule reads `CustomField`, through a condition or a table keyed by it:
    /// only then is it read from requests.
    public var readsCustomField: Bool {
        rules.contains { rule in
            rule.conditions.customField != nil || rule.dial.steps.contains { $0.tables.contains { tables[$0].key == .customField } }
        }
    }

    public init(name: String, timeZone: String, clockTimeZone: String, country: Country, applet: Applet = .ccm,
                unmatched: Unmatched = .nobody, lists: [NumberList], calendars: [RuleCalendar], tables: [LookupTable] = [],
                skills: [String: String], rules: [Rule], agents: [Destination] = [], stickyDays: Int = RuleSet.defaultStickyDays,
                usesAgentState: Bool = false) {
        self.name = name
        self.timeZone = timeZone
        self.clockTimeZone = clockTimeZone
        self.country = country
        self.applet = applet
        self.unmatched = unmatched
        self.lists = lists
        self.calendars = calendars
        self.tables = tables
        self.skills = skills
        self.rules = rules
        self.agents = agents
        self.stickyDays = stickyDays
        self.usesAgentState = usesAgentState
    }

    /// Whether any rule dials `sticky`.
    public var dialsSticky: Bool { rules.contains { $0.dial.steps.contains(where: \.dialsSticky) } }
}

/// A named list of numbers and prefixes (`lists:`), from the rule file or a list file.
public struct NumberList: Sendable {
    public var name: String
    /// Sorted, without duplicates.
    public var numbers: [PhoneNumber]
    /// Digit prefixes (without `+`), sorted, without duplicates.
    public var prefixes: [String]

    public init(name: String, numbers: [PhoneNumber], prefixes: [String]) {
        self.name = name
        self.numbers = numbers
        self.prefixes = prefixes
    }
}

/// One caller or ExoPhone condition atom.
public enum NumberAtom: Sendable, Hashable {
    case number(PhoneNumber)
    /// Digits without `+`: every number that starts with them.
    case prefix(String)
    /// An index into `RuleSet.lists`.
    case list(Int)
    /// The keys of `RuleSet.tables[index]`, a table keyed by caller (`{ in: table }`).
    case table(Int)
}

/// One time condition atom.
public enum TimeAtom: Sendable, Hashable {
    /// An index into `RuleSet.calendars`.
    case calendar(Int)
    /// An inline window such as `"mon-fri 09:30-18:30"`.
    case windows([WeeklyWindow])
}

/// One `custom_field` condition atom. Texts are equal when their bytes are (Exotel sends
/// bytes; Swift's `==` on strings would make the two spellings of `é` one).
public enum CustomFieldAtom: Sendable, Hashable {
    /// The exact text (after percent-decoding).
    case text(String)
    /// The keys of `RuleSet.tables[index]`, a table keyed by custom field (`{ in: table }`).
    case table(Int)

    public static func == (lhs: CustomFieldAtom, rhs: CustomFieldAtom) -> Bool {
        switch (lhs, rhs) {
        case (.text(let left), .text(let right)): return left.utf8.elementsEqual(right.utf8)
        case (.table(let left), .table(let right)): return left == right
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .text(let text):
            hasher.combine(0)
            for byte in text.utf8 { hasher.combine(byte) }
        case .table(let index):
            hasher.combine(1)
            hasher.combine(index)
        }
    }
}

public struct Conditions: Sendable, Hashable {
    public var caller: Match<NumberAtom>?
    public var exophone: Match<NumberAtom>?
    public var time: Match<TimeAtom>?
    /// Skill names, resolved through `RuleSet.skills`.
    public var skill: Match<String>?
    public var direction: Match<CallDirection>?
    /// Exotel's `CustomField`.
    public var customField: Match<CustomFieldAtom>?

    public init(caller: Match<NumberAtom>? = nil, exophone: Match<NumberAtom>? = nil, time: Match<TimeAtom>? = nil,
                skill: Match<String>? = nil, direction: Match<CallDirection>? = nil, customField: Match<CustomFieldAtom>? = nil) {
        self.caller = caller
        self.exophone = exophone
        self.time = time
        self.skill = skill
        self.direction = direction
        self.customField = customField
    }

    /// A rule without conditions matches every call.
    public var isEmpty: Bool { caller == nil && exophone == nil && time == nil && skill == nil && direction == nil && customField == nil }
}

public struct Rule: Sendable {
    public var name: String
    public var conditions: Conditions
    /// Whom it dials; the answer options are its steps'.
    public var dial: Dial

    public init(name: String, conditions: Conditions, dial: Dial) {
        self.name = name
        self.conditions = conditions
        self.dial = dial
    }
}
