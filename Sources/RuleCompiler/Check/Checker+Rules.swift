import ConnectProtocol
import Routing

extension Checker {
    mutating func checkRules(_ syntaxes: [RuleSyntax], defaults: ScopeOptions) -> [Rule] {
        var names: [String: SourceSpan] = [:]
        var rules: [Rule] = []
        for syntax in syntaxes {
            guard let name = syntax.name else { continue }
            if !Values.isName(name.value) {
                diagnostics.error(.invalidName, "`\(name.value)` is not a valid rule name", at: name.span,
                                  help: "names start with a letter and hold letters, digits, `_` and `-` (at most \(Values.maxNameLength))")
            } else if let first = names[name.value] {
                diagnostics.error(.duplicateRule, "rule `\(name.value)` is defined twice", at: name.span,
                                  notes: [.init("first defined here", at: first)],
                                  help: "rule names identify rules in logs and tests; rename one of them")
            } else {
                names[name.value] = name.span
            }
            // Nil when a condition is wrong (reported): such a rule is no catch-all.
            let conditions: Conditions? = if let when = syntax.when { self.conditions(when) } else if syntax.whenIsInvalid { nil } else { Conditions() }
            let options = self.options(syntax.options).overriding(defaults)
            guard let conditions, let dialSyntax = syntax.dial, let dial = dial(dialSyntax, options: options) else { continue }
            // An empty answer carries no options: `defaults` do not apply, and the rule's own
            // would be ignored, which is surely not what was meant.
            if dial.isNobody, let key = syntax.options.firstSetKey {
                diagnostics.error(.nobodyWithOptions, "`\(key.name)` has no effect: rule `\(name.value)` dials nobody", at: key.span,
                                  help: "remove it; an answer that dials nobody carries nothing but its empty `destination`")
                continue
            }
            rules.append(Rule(name: name.value, conditions: conditions, dial: dial))
        }
        return rules
    }

    // MARK: Conditions

    /// The conditions, or nil when any is wrong.
    private mutating func conditions(_ when: WhenSyntax) -> Conditions? {
        let before = diagnostics.all.count
        var conditions = Conditions()
        conditions.caller = when.caller.flatMap { resolve($0, member: { $0.member($1, key: .caller) }) { $0.numberCondition($1) } }
        conditions.exophone = when.exophone.flatMap { resolve($0, member: { $0.member($1, key: nil) }) { $0.numberCondition($1) } }
        conditions.time = when.time.flatMap { resolve($0, member: nil) { $0.timeAtom($1) } }
        conditions.skill = when.skill.flatMap { resolve($0, member: nil) { $0.skillAtom($1) } }
        conditions.direction = when.direction.flatMap { resolve($0, member: nil) { $0.directionAtom($1) } }
        conditions.customField = when.customField.flatMap { resolve($0, member: { $0.customFieldMember($1) }) { $0.customFieldText($1) } }
        return diagnostics.all.count == before ? conditions : nil
    }

    /// Resolves every atom of a condition (reporting each bad one); nil if any was bad.
    /// `member` reads `{ in: NAME }`, where the dimension has it.
    private mutating func resolve<Atom>(_ syntax: MatchSyntax, member: ((inout Checker, Text) -> Atom?)?,
                                        _ atom: (inout Checker, Text) -> Atom?) -> Match<Atom>? {
        switch syntax {
        case .item(let text):
            return atom(&self, text).map(Match.atom)
        case .anyOf(let items, _):
            let resolved = items.map { resolve($0, member: member, atom) }
            let matches = resolved.compactMap { $0 }
            return matches.count == resolved.count ? .anyOf(matches) : nil
        case .not(let inner, _):
            return resolve(inner, member: member, atom).map(Match.not)
        case .member(let name, let span):
            guard let member else {
                diagnostics.error(.conflictingKeys, "`in` names a table or a list of numbers, so it applies to `caller` and `exophone` only",
                                  at: span, help: "write the values themselves")
                return nil
            }
            return member(&self, name).map(Match.atom)
        }
    }

    /// `{ in: NAME }`: a list's numbers, or the keys of a table keyed by `key` (nil: no table
    /// is keyed by this dimension).
    private mutating func member(_ name: Text, key: LookupTable.Key?) -> NumberAtom? {
        if let index = listIndex[name.value] {
            used.insert(.list(name.value))
            return .list(index)
        }
        if tableSpans[name.value] != nil {
            guard let key else {
                diagnostics.error(.tableKey, "table `\(name.value)` is keyed by caller, so `exophone` cannot be in it", at: name.span,
                                  help: "ExoPhones are matched by number, prefix or list")
                return nil
            }
            guard let index = useTable(name) else { return nil }
            guard tables[index].key == key else {
                diagnostics.error(.tableKey, "table `\(name.value)` is keyed by \(tables[index].key.rawValue), not \(key.rawValue)", at: name.span,
                                  help: "a call whose custom field is in it is `custom_field: { in: \(name.value) }`")
                return nil
            }
            return .table(index)
        }
        if listSpans[name.value] == nil { unknown(name, kind: "table or list", known: Array(tableSpans.keys) + Array(listSpans.keys)) }
        return nil
    }

    private mutating func numberCondition(_ text: Text) -> NumberAtom? {
        if Numbers.looksLikeNumber(text.value) { return numberOrPrefix(text) }
        if let index = listIndex[text.value] {
            used.insert(.list(text.value))
            return .list(index)
        }
        if tableSpans[text.value] != nil {
            diagnostics.error(.unknownReference, "`\(text.value)` is a table, not a list", at: text.span,
                              help: "a caller in the table is `{ in: \(text.value) }`")
            return nil
        }
        if listSpans[text.value] == nil { unknown(text, kind: "list", known: listSpans.keys) }
        return nil
    }

    private mutating func timeAtom(_ text: Text) -> TimeAtom? {
        if text.value.contains(":") || text.value.contains(" ") {
            return value(Values.inlineWindows(text.value), at: text.span).map(TimeAtom.windows)
        }
        if let index = calendarIndex[text.value] {
            markCalendarUsed(index)
            return .calendar(index)
        }
        unknown(text, kind: "calendar", known: calendarSpans.keys)
        return nil
    }

    /// A calendar is used with every calendar its `except` names.
    private mutating func markCalendarUsed(_ index: Int) {
        guard used.insert(.calendar(calendars[index].name)).inserted else { return }
        for excepted in calendars[index].exceptCalendars { markCalendarUsed(excepted) }
    }

    /// Longest `custom_field` text a condition may name.
    static let maxCustomFieldBytes = 1000

    private mutating func customFieldText(_ text: Text) -> CustomFieldAtom? {
        guard text.value.utf8.count <= Self.maxCustomFieldBytes else {
            diagnostics.error(.tooLong, "a custom field text of \(text.value.utf8.count) bytes, over the limit of \(Self.maxCustomFieldBytes)", at: text.span)
            return nil
        }
        return .text(text.value)
    }

    /// `custom_field: { in: TABLE }`: the keys of a table keyed by custom field.
    private mutating func customFieldMember(_ name: Text) -> CustomFieldAtom? {
        if listSpans[name.value] != nil {
            diagnostics.error(.tableKey, "list `\(name.value)` holds numbers, and a custom field is text", at: name.span,
                              help: "match texts with `custom_field: [a, b]`, or keep them in a table keyed by `custom_field`")
            return nil
        }
        guard tableSpans[name.value] != nil else {
            unknown(name, kind: "table", known: tableSpans.keys)
            return nil
        }
        guard let index = useTable(name) else { return nil }
        guard tables[index].key == .customField else {
            diagnostics.error(.tableKey, "table `\(name.value)` is keyed by caller, not custom_field", at: name.span,
                              help: "a caller in it is `caller: { in: \(name.value) }`")
            return nil
        }
        return .table(index)
    }

    private mutating func skillAtom(_ text: Text) -> String? {
        if skillNames[text.value] != nil { return text.value }
        if let skill = skillDigits[text.value] {
            diagnostics.error(.unknownReference, "unknown skill `\(text.value)`", at: text.span,
                              help: "`\(text.value)` is the digit of skill `\(skill)`; conditions name skills: `skill: \(skill)`")
        } else {
            unknown(text, kind: "skill", known: skillNames.keys)
        }
        return nil
    }

    private mutating func directionAtom(_ text: Text) -> CallDirection? {
        if let direction = CallDirection(rawValue: text.value) { return direction }
        diagnostics.error(.unknownValue, "unknown direction `\(text.value)`", at: text.span,
                          help: Suggestions.help(for: text.value, in: CallDirection.allCases.map(\.rawValue))
                              ?? "expected `incoming` or `outbound-dial`")
        return nil
    }

    // MARK: Answer options

    mutating func options(_ syntax: OptionsSyntax) -> ScopeOptions {
        var options = AnswerOptions()
        options.ringing = syntax.ringing.flatMap { duration($0, field: "ringing", exotel: "max_ringing_duration", limit: ConnectLimits.ringingSeconds) }
        options.conversation = syntax.conversation.flatMap {
            duration($0, field: "conversation", exotel: "max_conversation_duration", limit: ConnectLimits.conversationSeconds)
        }
        if let text = syntax.record {
            options.record = oneOf(text, RecordingMode.allCases.map(\.rawValue), what: "recording mode").flatMap(RecordingMode.init)
        }
        if let text = syntax.holdMusic { options.holdMusic = holdMusic(text) }
        options.callerID = syntax.callerID.flatMap { number($0) }
        if let playback = syntax.playback { options.playback = self.playback(playback) }
        options.eventsURL = syntax.events.flatMap { value(Values.url($0.value), at: $0.span) }
        if let events = syntax.events { eventsSpans.append(events.span) }
        return ScopeOptions(answer: options, busy: syntax.busy.flatMap { busy($0) })
    }

    private mutating func duration(_ text: Text, field: String, exotel: String, limit: ClosedRange<Int>) -> Int? {
        guard let seconds = value(Values.duration(text.value), at: text.span) else { return nil }
        guard limit.contains(seconds) else {
            let nearest = min(max(seconds, limit.lowerBound), limit.upperBound)
            diagnostics.error(.durationOutOfRange,
                              "`\(field)` is \(Values.describe(seconds: seconds)); Exotel's `\(exotel)` allows \(limit.lowerBound) to \(Values.describe(seconds: limit.upperBound))",
                              at: text.span,
                              help: "did you mean `\(Values.durationText(seconds: nearest))`, the \(nearest == limit.upperBound ? "longest" : "shortest") Exotel allows?")
            return nil
        }
        return seconds
    }

    mutating func oneOf(_ text: Text, _ allowed: [String], what: String) -> String? {
        if allowed.contains(text.value) { return text.value }
        diagnostics.error(.unknownValue, "unknown \(what) `\(text.value)`", at: text.span,
                          help: Suggestions.help(for: text.value, in: allowed) ?? "expected one of \(allowed.map { "`\($0)`" }.joined(separator: ", "))")
        return nil
    }

    private mutating func holdMusic(_ text: Text) -> HoldMusic? {
        switch text.value {
        case "default_tone": return .defaultTone
        case "operator_tone": return .operatorTone
        default:
            if text.value.contains("://") || text.value.contains(".") {
                return value(Values.url(text.value), at: text.span).map { HoldMusic.custom(url: $0) }
            }
            _ = oneOf(text, ["default_tone", "operator_tone"], what: "hold music")
            return nil
        }
    }

    private mutating func playback(_ syntax: PlaybackSyntax) -> Playback? {
        var audience: Playback.Audience?
        if let text = syntax.audience {
            guard let value = oneOf(text, Playback.Audience.allCases.map(\.rawValue), what: "playback audience") else { return nil }
            audience = Playback.Audience(rawValue: value)
        }
        if let text = syntax.text {
            guard text.value.count <= ConnectLimits.maxPlaybackTextLength else {
                diagnostics.error(.tooLong, "playback text is \(text.value.count) characters, over the limit of \(ConnectLimits.maxPlaybackTextLength)",
                                  at: text.span, help: "record it as audio and use `audio:` with its URL")
                return nil
            }
            return Playback(content: .text(text.value), audience: audience)
        }
        if let audio = syntax.audio, let url = value(Values.url(audio.value), at: audio.span) {
            return Playback(content: .audio(url: url), audience: audience)
        }
        return nil
    }
}
