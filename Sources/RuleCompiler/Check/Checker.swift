import ConnectProtocol
import Foundation
import Routing

/// Checks one scope (a file and everything it includes) against the language and Exotel's
/// schema, and lowers a rule set to its position-free `RuleSet`.
///
/// Every definition is checked in the scope of the file that uses it, with that rule set's
/// country: a shared file included by several rule sets is checked once per rule set, and
/// the repeated diagnostics are removed when they are sorted.
struct Checker {
    typealias ListLoader = (_ file: Text, _ definingFile: String, _ country: Country, _ diagnostics: inout Diagnostics) -> NumberList?
    typealias TableLoader = (_ file: Text, _ key: LookupTable.Key, _ definingFile: String, _ country: Country,
                             _ diagnostics: inout Diagnostics) -> TableFile?
    typealias CalendarFileLoader = (_ file: Text, _ definingFile: String, _ zone: String, _ diagnostics: inout Diagnostics) -> CalendarFile?

    var diagnostics = Diagnostics()
    let files: [RuleFileSyntax]
    let loadList: ListLoader
    let loadTable: TableLoader
    let loadCalendarFile: CalendarFileLoader

    var country = Country.india
    var timeZone = "Asia/Kolkata"
    var clockTimeZone = "Asia/Kolkata"
    var applet = Applet.ccm
    var unmatched = Unmatched.nobody
    var stickyDays = RuleSet.defaultStickyDays
    /// Where the rule set first asks for agent state (`sticky` or `busy: skip`), and every
    /// `events` URL it sets: the two do not go together.
    var agentStateSpan: SourceSpan?
    var eventsSpans: [SourceSpan] = []

    /// Agent name -> its contact (nil when it could not be read, reported) and where it is
    /// defined.
    var agents: [String: (contact: Contact?, span: SourceSpan)] = [:]
    var groups: [String: (members: [String], span: SourceSpan)] = [:]
    var listIndex: [String: Int] = [:]
    var lists: [NumberList] = []
    var listSpans: [String: SourceSpan] = [:]
    var calendarIndex: [String: Int] = [:]
    var calendars: [RuleCalendar] = []
    var calendarSpans: [String: SourceSpan] = [:]
    var tableIndex: [String: Int] = [:]
    var tables: [LookupTable] = []
    var tableSpans: [String: SourceSpan] = [:]
    /// The agents each table gives, marked used when the table is.
    var tableAgents: [Set<String>] = []
    /// Skill name -> where it is first named.
    var skillNames: [String: SourceSpan] = [:]
    var skillDigits: [String: String] = [:]
    /// Definitions referenced from the main file's rules, directly or through groups and
    /// `except`, for the unused-definition analysis.
    var used = Set<Definition>()

    static let defaultTimeZone = "Asia/Kolkata"

    /// `files`: the scope in include order; the file being checked is the last.
    init(files: [RuleFileSyntax], loadList: @escaping ListLoader, loadTable: @escaping TableLoader,
         loadCalendarFile: @escaping CalendarFileLoader) {
        self.files = files
        self.loadList = loadList
        self.loadTable = loadTable
        self.loadCalendarFile = loadCalendarFile
    }

    var main: RuleFileSyntax { files[files.count - 1] }

    /// Checks the scope; returns the rule set when the main file is one and has no errors.
    mutating func check(name: String) -> RuleSet? {
        for file in files { checkVersion(file) }
        checkSettings()
        collectAgentsAndGroups()
        collectLists()
        collectCalendars()
        collectTables()
        collectSkills()
        guard let rulesSyntax = main.rules else { return nil }
        let defaults = main.defaults.map { options($0) } ?? ScopeOptions()
        let rules = checkRules(rulesSyntax, defaults: defaults)
        checkEventsWithAgentState()
        guard !diagnostics.hasErrors else { return nil }
        return RuleSet(name: name, timeZone: timeZone, clockTimeZone: clockTimeZone, country: country, applet: applet,
                       unmatched: unmatched, lists: lists, calendars: calendars, tables: tables, skills: skillDigits, rules: rules,
                       agents: stickyCandidates, stickyDays: stickyDays, usesAgentState: agentStateSpan != nil)
    }

    private mutating func checkVersion(_ file: RuleFileSyntax) {
        guard let version = file.version, version.value != "1" else { return }
        diagnostics.error(.unsupportedVersion, "unsupported language version `\(version.value)`", at: version.span,
                          help: "this Ringplan reads `ringplan: 1`")
    }

    private mutating func checkSettings() {
        if let text = main.country {
            if let known = Country.known[text.value.uppercased()] {
                country = known
            } else {
                diagnostics.error(.unknownCountry, "unknown or unsupported country `\(text.value)`", at: text.span,
                                  help: Suggestions.help(for: text.value, in: Country.known.keys)
                                      ?? "supported: \(Country.known.keys.sorted().joined(separator: ", "))")
            }
        }
        if let text = main.applet {
            applet = oneOf(text, Applet.allCases.map(\.rawValue), what: "applet").flatMap(Applet.init) ?? applet
        }
        if let text = main.unmatched {
            unmatched = oneOf(text, Unmatched.allCases.map(\.rawValue), what: "`unmatched` value").flatMap(Unmatched.init) ?? unmatched
        }
        if let text = main.stickyDays { stickyDays = checkStickyDays(text) ?? stickyDays }
        if let text = main.timezone { timeZone = checkTimeZone(text) ?? timeZone }
        if let text = main.clockTimezone { clockTimeZone = checkTimeZone(text) ?? clockTimeZone }
    }

    mutating func checkTimeZone(_ text: Text) -> String? {
        if TimeZone(identifier: text.value) != nil, text.value.contains("/") || text.value == "UTC" { return text.value }
        diagnostics.error(.unknownTimeZone, "unknown time zone `\(text.value)`", at: text.span,
                          help: Suggestions.help(for: text.value, in: TimeZone.knownTimeZoneIdentifiers)
                              ?? "use an IANA name such as `Asia/Kolkata`")
        return nil
    }

    // MARK: Names

    /// Checks a definition's name and that it is new in its namespace.
    mutating func define(_ name: Text, kind: String, in table: [String: SourceSpan]) -> Bool {
        guard Values.isName(name.value) else {
            diagnostics.error(.invalidName, "`\(name.value)` is not a valid \(kind) name", at: name.span,
                              help: "names start with a letter and hold letters, digits, `_` and `-` (at most \(Values.maxNameLength))")
            return false
        }
        if (kind == "agent" || kind == "group") && name.value == DialSyntax.nobodyKeyword {
            diagnostics.error(.invalidName, "`\(name.value)` cannot name an \(kind): `dial: nobody` dials no one", at: name.span,
                              help: "choose another name")
            return false
        }
        if (kind == "agent" || kind == "group") && name.value == DialSyntax.stickyKeyword {
            diagnostics.error(.invalidName, "`\(name.value)` cannot name an \(kind): `sticky` in `to` dials the caller's sticky agent",
                              at: name.span, help: "choose another name")
            return false
        }
        if let first = table[name.value] {
            diagnostics.error(.duplicateDefinition, "\(kind) `\(name.value)` is defined twice", at: name.span,
                              notes: [.init("first defined here", at: first)], help: "rename or remove one of them")
            return false
        }
        return true
    }

    private mutating func collectAgentsAndGroups() {
        for file in files {
            for agent in file.agents where define(agent.name, kind: "agent", in: agents.mapValues(\.span)) {
                agents[agent.name.value] = (contact(agent.contact), agent.name.span)
            }
        }
        let groupNames = Set(files.flatMap { $0.groups.map(\.name.value) })
        for file in files {
            for group in file.groups where define(group.name, kind: "group", in: groups.mapValues(\.span)) {
                if let agent = agents[group.name.value] {
                    diagnostics.error(.ambiguousName, "`\(group.name.value)` names both an agent and a group", at: group.name.span,
                                      notes: [.init("the agent is defined here", at: agent.span)],
                                      help: "`dial.to` would not know which is meant; rename one of them")
                    continue
                }
                var members: [String] = []
                for member in group.members {
                    if agents[member.value] != nil {
                        members.append(member.value)
                    } else if groupNames.contains(member.value) {
                        diagnostics.error(.unknownReference, "group `\(group.name.value)` contains the group `\(member.value)`; groups hold agents",
                                          at: member.span, help: "list the agents of `\(member.value)` here")
                    } else {
                        unknown(member, kind: "agent", known: agents.keys)
                    }
                }
                groups[group.name.value] = (members, group.name.span)
            }
        }
    }

    /// Reports an unknown name with the closest known one.
    mutating func unknown(_ name: Text, kind: String, known: some Sequence<String>) {
        diagnostics.error(.unknownReference, "unknown \(kind) `\(name.value)`", at: name.span,
                          help: Suggestions.help(for: name.value, in: known))
    }

    private mutating func collectSkills() {
        var digitsSeen: [String: SourceSpan] = [:]
        for file in files {
            for skill in file.skills {
                guard Values.isDigits(skill.digits.value) else {
                    diagnostics.error(.invalidDigits, "`\(skill.digits.value)` is not something a caller can press",
                                      at: skill.digits.span, help: "skills are keyed by the IVR digits, such as \"1\" (quote them)")
                    continue
                }
                if let first = digitsSeen[skill.digits.value] {
                    diagnostics.error(.duplicateDefinition, "skill digits `\(skill.digits.value)` are defined twice", at: skill.digits.span,
                                      notes: [.init("first defined here", at: first)], help: "remove one of them")
                    continue
                }
                digitsSeen[skill.digits.value] = skill.digits.span
                guard Values.isName(skill.skill.value) else {
                    diagnostics.error(.invalidName, "`\(skill.skill.value)` is not a valid skill name", at: skill.skill.span,
                                      help: "names start with a letter and hold letters, digits, `_` and `-`")
                    continue
                }
                skillDigits[skill.digits.value] = skill.skill.value
                if skillNames[skill.skill.value] == nil { skillNames[skill.skill.value] = skill.skill.span }
            }
        }
    }
}
