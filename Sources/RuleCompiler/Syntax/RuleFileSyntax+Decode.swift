extension RuleFileSyntax {
    static let topLevelKeys = ["ringplan", "include", "timezone", "clock_timezone", "country", "applet", "unmatched", "sticky_days",
                               "agents", "groups", "lists", "calendars", "tables", "skills", "defaults", "rules"]
    /// Keys that only mean something in a rule set (a file with `rules:`).
    static let ruleSetOnlyKeys = ["timezone", "clock_timezone", "country", "applet", "unmatched", "sticky_days", "defaults"]

    /// Decodes the document's shape. Problems are reported; what could be read is kept,
    /// so that one mistake does not hide the next.
    static func decode(_ root: Node, path: String, diagnostics: inout Diagnostics) -> RuleFileSyntax? {
        guard let top = MappingReader(root, expected: "a rule file (a mapping that starts with `ringplan: 1`)",
                                      context: "the rule file", keys: topLevelKeys, diagnostics: &diagnostics) else { return nil }
        var file = RuleFileSyntax(path: path)
        if let node = top.required("ringplan", in: "the file", diagnostics: &diagnostics) {
            file.version = Read.text(node, expected: "the language version `1`", diagnostics: &diagnostics)
        }
        if let node = top["include"] {
            file.includes = Read.texts(node, expected: "a file name", diagnostics: &diagnostics)
        }
        file.timezone = top["timezone"].flatMap { Read.text($0, expected: "an IANA time zone such as `Asia/Kolkata`", diagnostics: &diagnostics) }
        file.clockTimezone = top["clock_timezone"].flatMap { Read.text($0, expected: "an IANA time zone such as `Asia/Kolkata`", diagnostics: &diagnostics) }
        file.country = top["country"].flatMap { Read.text($0, expected: "a country code such as `IN`", diagnostics: &diagnostics) }
        file.applet = top["applet"].flatMap { Read.text($0, expected: "`ccm` or `connect`", diagnostics: &diagnostics) }
        file.unmatched = top["unmatched"].flatMap { Read.text($0, expected: "`nobody` or `fallback`", diagnostics: &diagnostics) }
        file.stickyDays = top["sticky_days"].flatMap { Read.text($0, expected: "a number of days from 1 to 365", diagnostics: &diagnostics) }
        if let node = top["agents"] { file.agents = decodeAgents(node, &diagnostics) }
        if let node = top["groups"] { file.groups = decodeGroups(node, &diagnostics) }
        if let node = top["lists"] { file.lists = decodeLists(node, &diagnostics) }
        if let node = top["calendars"] { file.calendars = decodeCalendars(node, &diagnostics) }
        if let node = top["tables"] { file.tables = decodeTables(node, &diagnostics) }
        if let node = top["skills"] { file.skills = decodeSkills(node, &diagnostics) }
        if let node = top["defaults"] { file.defaults = OptionsSyntax.decode(node, expected: "a mapping of answer options", context: "`defaults`", extraKeys: [], &diagnostics)?.options }
        if let node = top["rules"] {
            file.rulesSpan = top.keySpan("rules")
            if case .sequence(let items) = node.content {
                file.rules = items.compactMap { RuleSyntax.decode($0, &diagnostics) }
                if items.isEmpty {
                    diagnostics.error(.empty, "`rules` is empty: a rule set needs at least one rule", at: node.span)
                }
            } else {
                diagnostics.error(.wrongType, "expected a list of rules, found \(node.kindDescription)", at: node.span)
                file.rules = []
            }
        } else {
            for key in ruleSetOnlyKeys {
                if let span = top.keySpan(key) {
                    diagnostics.error(.misplacedKey, "`\(key)` only applies in a rule set, and this file has no `rules`", at: span,
                                      help: "move `\(key)` into the rule set that includes this file")
                }
            }
        }
        return file
    }

    private static func sectionEntries(_ node: Node, section: String, _ diagnostics: inout Diagnostics) -> [MappingEntry] {
        MappingReader(node, expected: "a mapping of names under `\(section)`", keys: nil, diagnostics: &diagnostics)?.ordered ?? []
    }

    private static func name(_ entry: MappingEntry) -> Text { Text(value: entry.name, span: entry.key.span) }

    private static func decodeAgents(_ node: Node, _ diagnostics: inout Diagnostics) -> [AgentSyntax] {
        sectionEntries(node, section: "agents", &diagnostics).compactMap { entry in
            Read.text(entry.value, expected: "the agent's E.164 number or softphone SIP address, such as \"+919876500001\" or \"sip:priya7f3a\"",
                      diagnostics: &diagnostics)
                .map { AgentSyntax(name: name(entry), contact: $0) }
        }
    }

    private static func decodeGroups(_ node: Node, _ diagnostics: inout Diagnostics) -> [GroupSyntax] {
        sectionEntries(node, section: "groups", &diagnostics).map { entry in
            GroupSyntax(name: name(entry), members: memberList(entry.value, expected: "an agent name", &diagnostics), span: entry.value.span)
        }
    }

    private static func decodeLists(_ node: Node, _ diagnostics: inout Diagnostics) -> [ListSyntax] {
        sectionEntries(node, section: "lists", &diagnostics).compactMap { entry in
            if case .mapping = entry.value.content {
                guard let reader = MappingReader(entry.value, expected: "a list file reference `{ file: ... }`", keys: ["file"], diagnostics: &diagnostics),
                      let fileNode = reader.required("file", in: "the list", diagnostics: &diagnostics),
                      let file = Read.text(fileNode, expected: "a file name", diagnostics: &diagnostics) else { return nil }
                return ListSyntax(name: name(entry), source: .file(file), span: entry.value.span)
            }
            let entries = memberList(entry.value, expected: "an E.164 number or a prefix ending in `*`", &diagnostics)
            return ListSyntax(name: name(entry), source: .entries(entries), span: entry.value.span)
        }
    }

    /// A non-empty list of scalars (one scalar is a list of one).
    private static func memberList(_ node: Node, expected: String, _ diagnostics: inout Diagnostics) -> [Text] {
        if case .sequence(let items) = node.content, items.isEmpty {
            diagnostics.error(.empty, "empty list", at: node.span, help: "remove it, or add at least one entry")
            return []
        }
        return Read.texts(node, expected: expected, diagnostics: &diagnostics)
    }

    private static func decodeCalendars(_ node: Node, _ diagnostics: inout Diagnostics) -> [CalendarSyntax] {
        let expected = "a calendar (a mapping with `dates`, `yearly`, `monthly`, `weekly`, `on`, `ics`, `except`, `timezone`) or `24x7`"
        return sectionEntries(node, section: "calendars", &diagnostics).compactMap { entry in
            var calendar = CalendarSyntax(name: name(entry), span: entry.value.span)
            if let scalar = entry.value.scalar, !entry.value.isPlainNull {
                guard scalar == "24x7" else {
                    diagnostics.error(.wrongType, "expected \(expected), found `\(scalar)`", at: entry.value.span,
                                      help: "write `24x7` for a calendar open at every instant")
                    return nil
                }
                calendar.always = Text(value: scalar, span: entry.value.span)
                return calendar
            }
            guard let reader = MappingReader(entry.value, expected: expected, context: "a calendar",
                                             keys: ["dates", "yearly", "monthly", "weekly", "on", "ics", "except", "timezone"],
                                             diagnostics: &diagnostics) else { return nil }
            if let dates = reader["dates"] {
                calendar.dates = memberList(dates, expected: "a date such as `2026-01-26` or a range such as \"2026-12-24..2027-01-01\"", &diagnostics)
            }
            if let yearly = reader["yearly"] {
                calendar.yearly = memberList(yearly, expected: "a day of the year such as `08-15`", &diagnostics)
            }
            if let monthly = reader["monthly"] {
                calendar.monthly = memberList(monthly, expected: "a day of the month such as \"2nd sat\" or \"last fri\"", &diagnostics)
            }
            if let weekly = reader["weekly"] {
                for day in sectionEntries(weekly, section: "weekly", &diagnostics) {
                    let windows = memberList(day.value, expected: "a time window such as \"09:30-18:30\"", &diagnostics)
                    calendar.weekly.append(.init(days: name(day), windows: windows))
                }
            }
            if let on = reader["on"] {
                for day in sectionEntries(on, section: "on", &diagnostics) {
                    let windows = memberList(day.value, expected: "a time window such as \"09:30-14:00\", or `closed`", &diagnostics)
                    calendar.on.append(.init(date: name(day), windows: windows))
                }
            }
            calendar.ics = reader["ics"].flatMap { Read.text($0, expected: "an iCalendar file name such as `holidays.ics`", diagnostics: &diagnostics) }
            calendar.timeZone = reader["timezone"].flatMap { Read.text($0, expected: "an IANA time zone such as `Asia/Dubai`", diagnostics: &diagnostics) }
            if let except = reader["except"] {
                calendar.except = memberList(except, expected: "a calendar name or a date", &diagnostics)
            }
            if ["dates", "yearly", "monthly", "weekly", "on", "ics"].allSatisfy({ reader[$0] == nil }) {
                diagnostics.error(.empty, "calendar `\(entry.name)` has none of `dates`, `yearly`, `monthly`, `weekly`, `on` or `ics`, so it is never open",
                                  at: entry.key.span, help: "add the days or hours it is open, or write `24x7`")
            }
            return calendar
        }
    }

    private static func decodeTables(_ node: Node, _ diagnostics: inout Diagnostics) -> [TableSyntax] {
        sectionEntries(node, section: "tables", &diagnostics).compactMap { entry in
            guard let reader = MappingReader(entry.value, expected: "a table (`file:` and `key:`)", context: "a table",
                                             keys: ["file", "key"], diagnostics: &diagnostics),
                  let fileNode = reader.required("file", in: "table `\(entry.name)`", diagnostics: &diagnostics),
                  let file = Read.text(fileNode, expected: "a CSV file name", diagnostics: &diagnostics) else { return nil }
            let key = reader["key"].flatMap { Read.text($0, expected: "`caller` or `custom_field`", diagnostics: &diagnostics) }
            return TableSyntax(name: name(entry), file: file, key: key, span: entry.value.span)
        }
    }

    private static func decodeSkills(_ node: Node, _ diagnostics: inout Diagnostics) -> [SkillSyntax] {
        sectionEntries(node, section: "skills", &diagnostics).compactMap { entry in
            Read.text(entry.value, expected: "a skill name", diagnostics: &diagnostics)
                .map { SkillSyntax(digits: name(entry), skill: $0) }
        }
    }
}

extension OptionsSyntax {
    /// Decodes a mapping that holds answer options and possibly other keys (a rule's),
    /// returning the reader for those.
    static func decode(_ node: Node, expected: String, context: String, extraKeys: [String],
                       _ diagnostics: inout Diagnostics) -> (options: OptionsSyntax, reader: MappingReader)? {
        guard let reader = MappingReader(node, expected: expected, context: context, keys: extraKeys + keys,
                                         diagnostics: &diagnostics) else { return nil }
        func text(_ key: String, _ expected: String) -> Text? {
            reader[key].flatMap { Read.text($0, expected: expected, diagnostics: &diagnostics) }
        }
        var options = OptionsSyntax()
        options.ringing = text("ringing", "a duration such as `30s`")
        options.conversation = text("conversation", "a duration such as `30m`")
        options.record = text("record", "`off`, `single` or `dual`")
        options.holdMusic = text("hold_music", "`default_tone`, `operator_tone` or an http(s) audio URL")
        options.callerID = text("caller_id", "an E.164 ExoPhone number")
        options.events = text("events", "an http(s) URL")
        options.busy = text("busy", "`skip` or `ring`")
        if let playback = reader["playback"] {
            options.playback = PlaybackSyntax.decode(playback, &diagnostics)
        }
        return (options, reader)
    }
}

extension PlaybackSyntax {
    static func decode(_ node: Node, _ diagnostics: inout Diagnostics) -> PlaybackSyntax? {
        guard let reader = MappingReader(node, expected: "a playback (`text:` or `audio:`, and optionally `to:`)", context: "`playback`",
                                         keys: ["text", "audio", "to"], diagnostics: &diagnostics) else { return nil }
        var playback = PlaybackSyntax(span: node.span)
        playback.text = reader["text"].flatMap { Read.text($0, expected: "the text to speak", diagnostics: &diagnostics) }
        playback.audio = reader["audio"].flatMap { Read.text($0, expected: "an http(s) audio URL", diagnostics: &diagnostics) }
        playback.audience = reader["to"].flatMap { Read.text($0, expected: "`both` or `callee`", diagnostics: &diagnostics) }
        if reader["text"] != nil, let audio = reader.keySpan("audio") {
            diagnostics.error(.conflictingKeys, "a playback has `text` or `audio`, not both", at: audio,
                              help: "keep one of them")
            return nil
        }
        if reader["text"] == nil && reader["audio"] == nil {
            diagnostics.error(.missingKey, "a playback needs `text` or `audio`", at: node.span.firstToken)
            return nil
        }
        return playback
    }
}

extension RuleSyntax {
    static func decode(_ node: Node, _ diagnostics: inout Diagnostics) -> RuleSyntax? {
        guard let (options, reader) = OptionsSyntax.decode(node, expected: "a rule (a mapping with `name`, `when` and `dial`)", context: "a rule",
                                                            extraKeys: ["name", "description", "when", "dial"], &diagnostics) else { return nil }
        var rule = RuleSyntax(options: options, span: node.span)
        if let name = reader.required("name", in: "the rule", diagnostics: &diagnostics) {
            rule.name = Read.text(name, expected: "the rule's name", diagnostics: &diagnostics)
        }
        if let description = reader["description"] {
            _ = Read.text(description, expected: "a description", diagnostics: &diagnostics)
        }
        if let when = reader["when"] {
            rule.when = WhenSyntax.decode(when, &diagnostics)
            rule.whenIsInvalid = rule.when == nil
        }
        if let dial = reader.required("dial", in: "rule `\(rule.name?.value ?? "?")`", diagnostics: &diagnostics) {
            rule.dial = DialSyntax.decode(dial, &diagnostics)
        }
        return rule
    }
}

extension WhenSyntax {
    static func decode(_ node: Node, _ diagnostics: inout Diagnostics) -> WhenSyntax? {
        guard let reader = MappingReader(node, expected: "a mapping of conditions", context: "`when`", keys: keys, diagnostics: &diagnostics) else { return nil }
        func match(_ key: String, _ expected: String) -> MatchSyntax? {
            reader[key].flatMap { Read.match($0, expected: expected, diagnostics: &diagnostics) }
        }
        var when = WhenSyntax(span: node.span)
        when.caller = match("caller", "a number, a prefix ending in `*` or a list name")
        when.exophone = match("exophone", "a number, a prefix ending in `*` or a list name")
        when.time = match("time", "a calendar name or a window such as \"mon-fri 09:30-18:30\"")
        when.skill = match("skill", "a skill name")
        when.direction = match("direction", "`incoming` or `outbound-dial`")
        when.customField = match("custom_field", "a text, or `{ in: TABLE }`")
        return when
    }
}

extension DialSyntax {
    /// `dial: nobody`: a reserved word, so no agent or group may have this name.
    static let nobodyKeyword = "nobody"
    /// `sticky` in `to`: the caller's sticky agent; reserved like `nobody`.
    static let stickyKeyword = "sticky"
    /// The keys of one step, besides answer options.
    static let stepKeys = ["to", "strategy", "max_parallel"]
    static let expectedTarget = "an agent, a group, an E.164 number, `sticky` or `{ lookup: TABLE }`"

    static func decode(_ node: Node, _ diagnostics: inout Diagnostics) -> DialSyntax? {
        guard case .mapping = node.content else {
            // `dial: priya` is short for `dial: { to: priya }`.
            if case .sequence(let items) = node.content, items.isEmpty {
                diagnostics.error(.empty, "`dial` has no destination", at: node.span,
                                  help: "to dial no one on purpose, write `dial: nobody`")
                return nil
            }
            // `dial: nobody` dials no one on purpose; in a list it is a mistake, reported by the checker.
            if case .scalar = node.content, let only = node.scalar, only == nobodyKeyword, !node.isPlainNull {
                return DialSyntax(form: .nobody(Text(value: only, span: node.span)), span: node.span)
            }
            guard let to = targets(node, &diagnostics) else { return nil }
            return DialSyntax(form: .plan([StepSyntax(to: to, toSpan: node.span, span: node.span)]), span: node.span)
        }
        guard let reader = MappingReader(node, expected: "a dial (`to`, `steps` or `split`)", context: "`dial`",
                                         keys: stepKeys + ["steps", "split", "by"], diagnostics: &diagnostics) else { return nil }
        let forms = ["to", "steps", "split"].filter { reader[$0] != nil }
        guard let form = forms.first else {
            diagnostics.error(.missingKey, "`dial` has no `to`, `steps` or `split`", at: node.span.firstToken,
                              help: "`to:` dials one set of destinations, `steps:` several in turn, `split:` shares calls by weight")
            return nil
        }
        if forms.count > 1, let second = reader.keySpan(forms[1]) {
            diagnostics.error(.conflictingKeys, "`dial` has both `\(form)` and `\(forms[1])`", at: second,
                              help: "a dial is one of `to:`, `steps:` (each with its own `to`) or `split:` (each branch with its own `to` or `steps`)")
            return nil
        }
        if form != "split", let by = reader.keySpan("by") {
            diagnostics.error(.conflictingKeys, "`by` only applies to `split`", at: by, help: "remove it, or split the calls with `split:`")
            return nil
        }
        if form != "to" {
            for key in ["strategy", "max_parallel"] {
                if let span = reader.keySpan(key) {
                    diagnostics.error(.conflictingKeys, "`\(key)` belongs to each \(form == "steps" ? "step" : "branch"), not to `dial`", at: span,
                                      help: "move it into the \(form == "steps" ? "steps" : "branches") it applies to")
                    return nil
                }
            }
        }
        switch form {
        case "to":
            guard let step = StepSyntax.decode(node, reader: reader, options: OptionsSyntax(), &diagnostics) else { return nil }
            return DialSyntax(form: .plan([step]), span: node.span)
        case "steps":
            guard let steps = decodeSteps(reader["steps"]!, &diagnostics) else { return nil }
            return DialSyntax(form: .plan(steps), span: node.span)
        default:
            let splitNode = reader["split"]!
            guard case .sequence(let items) = splitNode.content else {
                diagnostics.error(.wrongType, "expected a list of branches (`{ weight: 70, to: ... }`), found \(splitNode.kindDescription)", at: splitNode.span)
                return nil
            }
            let branches = items.compactMap { BranchSyntax.decode($0, &diagnostics) }
            guard branches.count == items.count else { return nil }
            let by = reader["by"].flatMap { Read.text($0, expected: "`caller` or `call`", diagnostics: &diagnostics) }
            return DialSyntax(form: .split(branches, by: by, span: splitNode.span), span: node.span)
        }
    }

    /// `steps:`: a non-empty list of steps.
    static func decodeSteps(_ node: Node, _ diagnostics: inout Diagnostics) -> [StepSyntax]? {
        guard case .sequence(let items) = node.content else {
            diagnostics.error(.wrongType, "expected a list of steps (`- to: ...`), found \(node.kindDescription)", at: node.span)
            return nil
        }
        if items.isEmpty {
            diagnostics.error(.empty, "`steps` is empty", at: node.span, help: "give at least one step, or use `to:`")
            return nil
        }
        let steps = items.compactMap { item -> StepSyntax? in
            guard let (options, reader) = OptionsSyntax.decode(item, expected: "a step (a mapping with `to`)", context: "a step",
                                                                extraKeys: stepKeys, &diagnostics) else { return nil }
            return StepSyntax.decode(item, reader: reader, options: options, &diagnostics)
        }
        return steps.count == items.count ? steps : nil
    }

    /// The entries of `to`: a scalar, a lookup mapping, or a list of them.
    static func targets(_ node: Node, _ diagnostics: inout Diagnostics) -> [TargetSyntax]? {
        let items: [Node]
        if case .sequence(let list) = node.content {
            if list.isEmpty {
                diagnostics.error(.empty, "`to` has no destination", at: node.span)
                return nil
            }
            items = list
        } else {
            items = [node]
        }
        let targets = items.compactMap { item -> TargetSyntax? in
            if case .mapping = item.content { return lookup(item, &diagnostics) }
            return Read.text(item, expected: expectedTarget, diagnostics: &diagnostics).map(TargetSyntax.name)
        }
        return targets.count == items.count ? targets : nil
    }

    private static func lookup(_ node: Node, _ diagnostics: inout Diagnostics) -> TargetSyntax? {
        guard let reader = MappingReader(node, expected: "a lookup `{ lookup: TABLE, else: ... }`", context: "a lookup",
                                         keys: ["lookup", "else"], diagnostics: &diagnostics),
              let tableNode = reader.required("lookup", in: "the destination", diagnostics: &diagnostics),
              let table = Read.text(tableNode, expected: "a table name", diagnostics: &diagnostics) else { return nil }
        var otherwise: [Text] = []
        if let node = reader["else"] {
            if case .sequence(let items) = node.content, items.isEmpty {
                diagnostics.error(.empty, "`else` is empty", at: node.span, help: "name whom to dial when the table has no row for the call, or remove `else`")
                return nil
            }
            otherwise = Read.texts(node, expected: "an agent, a group or an E.164 number", diagnostics: &diagnostics)
            if otherwise.isEmpty { return nil }
        }
        return .lookup(table: table, otherwise: otherwise, span: node.span)
    }
}

extension StepSyntax {
    /// A step from a mapping already read for its keys (a step, a branch or a `dial`).
    static func decode(_ node: Node, reader: MappingReader, options: OptionsSyntax, _ diagnostics: inout Diagnostics) -> StepSyntax? {
        guard let toNode = reader.required("to", in: "the step", diagnostics: &diagnostics),
              let to = DialSyntax.targets(toNode, &diagnostics) else { return nil }
        var step = StepSyntax(to: to, toSpan: toNode.span, options: options, span: node.span)
        step.strategy = reader["strategy"].flatMap { Read.text($0, expected: "`hunt` or `parallel`", diagnostics: &diagnostics) }
        step.maxParallel = reader["max_parallel"].flatMap { Read.text($0, expected: "a number of destinations", diagnostics: &diagnostics) }
        return step
    }
}

extension BranchSyntax {
    static func decode(_ node: Node, _ diagnostics: inout Diagnostics) -> BranchSyntax? {
        guard let (options, reader) = OptionsSyntax.decode(node, expected: "a branch (`{ weight: 70, to: ... }`)", context: "a branch",
                                                            extraKeys: ["weight", "steps"] + DialSyntax.stepKeys, &diagnostics) else { return nil }
        let weight = reader.required("weight", in: "the branch", diagnostics: &diagnostics)
            .flatMap { Read.text($0, expected: "a positive whole number", diagnostics: &diagnostics) }
        if reader["to"] != nil, let steps = reader.keySpan("steps") {
            diagnostics.error(.conflictingKeys, "a branch has `to` or `steps`, not both", at: steps, help: "keep one of them")
            return nil
        }
        if let stepsNode = reader["steps"] {
            for key in ["strategy", "max_parallel"] {
                if let span = reader.keySpan(key) {
                    diagnostics.error(.conflictingKeys, "`\(key)` belongs to each step of the branch", at: span, help: "move it into the steps")
                    return nil
                }
            }
            guard let steps = DialSyntax.decodeSteps(stepsNode, &diagnostics) else { return nil }
            return BranchSyntax(weight: weight, steps: steps, options: options, span: node.span)
        }
        guard reader["to"] != nil else {
            diagnostics.error(.missingKey, "the branch has no `to` or `steps`", at: node.span.firstToken)
            return nil
        }
        guard let step = StepSyntax.decode(node, reader: reader, options: options, &diagnostics) else { return nil }
        return BranchSyntax(weight: weight, steps: [step], span: node.span)
    }
}

extension RuleFileSyntax {
    /// One file's syntax tree from its text, without its includes or any check: what an
    /// editor's outline needs. Nil when the text is no YAML mapping.
    public static func parse(path: String, bytes: [UInt8]) -> RuleFileSyntax? {
        var diagnostics = Diagnostics()
        guard bytes.count <= YAMLLoader.maxFileBytes, let root = YAMLLoader.load(SourceFile(path: path, bytes: bytes), into: &diagnostics) else {
            return nil
        }
        return decode(root, path: path, diagnostics: &diagnostics)
    }
}
