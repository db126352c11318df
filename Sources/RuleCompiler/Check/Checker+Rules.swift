import ConnectProtocol
import Routing

extension Checker {
    mutating func checkRules(_ syntaxes: [RuleSyntax], defaults: AnswerOptions) -> [Rule] {
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
            var options = self.options(syntax.options).overriding(defaults)
            guard let conditions, let dialSyntax = syntax.dial, let dial = dial(dialSyntax) else { continue }
            if dial.isNobody {
                // An empty answer carries no options: `defaults` do not apply, and the
                // rule's own would be ignored, which is surely not what was meant.
                if let key = syntax.options.firstSetKey {
                    diagnostics.error(.nobodyWithOptions, "`\(key.name)` has no effect: rule `\(name.value)` dials nobody", at: key.span,
                                      help: "remove it; an answer that dials nobody carries nothing but its empty `destination`")
                    continue
                }
                options = AnswerOptions()
            }
            rules.append(Rule(name: name.value, conditions: conditions, dial: dial, options: options))
        }
        return rules
    }

    // MARK: Conditions

    /// The conditions, or nil when any is wrong.
    private mutating func conditions(_ when: WhenSyntax) -> Conditions? {
        let before = diagnostics.all.count
        var conditions = Conditions()
        conditions.caller = when.caller.flatMap { resolve($0) { $0.numberCondition($1) } }
        conditions.exophone = when.exophone.flatMap { resolve($0) { $0.numberCondition($1) } }
        conditions.time = when.time.flatMap { resolve($0) { $0.timeAtom($1) } }
        conditions.skill = when.skill.flatMap { resolve($0) { $0.skillAtom($1) } }
        conditions.direction = when.direction.flatMap { resolve($0) { $0.directionAtom($1) } }
        return diagnostics.all.count == before ? conditions : nil
    }

    /// Resolves every atom of a condition (reporting each bad one); nil if any was bad.
    private mutating func resolve<Atom>(_ syntax: MatchSyntax, _ atom: (inout Checker, Text) -> Atom?) -> Match<Atom>? {
        switch syntax {
        case .item(let text):
            return atom(&self, text).map(Match.atom)
        case .anyOf(let items, _):
            let resolved = items.map { resolve($0, atom) }
            let matches = resolved.compactMap { $0 }
            return matches.count == resolved.count ? .anyOf(matches) : nil
        case .not(let inner, _):
            return resolve(inner, atom).map(Match.not)
        }
    }

    private mutating func numberCondition(_ text: Text) -> NumberAtom? {
        if Numbers.looksLikeNumber(text.value) { return numberOrPrefix(text) }
        if let index = listIndex[text.value] {
            used.insert(.list(text.value))
            return .list(index)
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

    // MARK: Dial

    private mutating func dial(_ syntax: DialSyntax) -> Dial? {
        if syntax.nobody != nil { return .nobody }
        if syntax.to.count == 1, syntax.to[0].value == DialSyntax.nobodyKeyword, syntax.strategy == nil, syntax.maxParallel == nil {
            return .nobody
        }
        var destinations: [Destination] = []
        var origins: [Destination: Text] = [:]
        var failed = false
        for target in syntax.to {
            guard let expanded = expand(target) else { failed = true; continue }
            for destination in expanded {
                if let first = origins[destination] {
                    diagnostics.add(Diagnostic(.duplicateDestination,
                                               "`\(destination.name)` is dialled twice by this rule",
                                               at: target.span, notes: [.init("already dialled through `\(first.value)`", at: first.span)],
                                               help: "the repeat is skipped; remove it"))
                    continue
                }
                origins[destination] = target
                destinations.append(destination)
            }
        }
        guard let strategy = strategy(syntax, destinations: destinations), !failed, !destinations.isEmpty else { return nil }
        return Dial(destinations: destinations, strategy: strategy)
    }

    /// What one entry of `to` dials: an external number, an agent, or a group's agents;
    /// nil when it is wrong (reported).
    private mutating func expand(_ target: Text) -> [Destination]? {
        if target.value == DialSyntax.nobodyKeyword {
            diagnostics.error(.conflictingKeys, "`nobody` dials no one, so it cannot be dialled with other destinations or options",
                              at: target.span, help: "write `dial: nobody` on its own, or remove `nobody`")
            return nil
        }
        if SIPAddress.looksLikeSIP(target.value) {
            diagnostics.error(.invalidNumber, "`\(target.value)` is not a number: external destinations are E.164 numbers", at: target.span,
                              help: "a SIP address is an agent's contact: define it under `agents:` (`name: \"\(target.value)\"`) and dial the agent")
            return nil
        }
        if Numbers.looksLikeNumber(target.value) {
            return number(target).map { [Destination(type: .externalNumber, contact: .number($0), agent: nil)] }
        }
        if let agent = agents[target.value] {
            used.insert(.agent(target.value))
            guard let contact = agent.contact, dialable(contact, agent: target.value, at: target, definedAt: agent.span) else { return nil }
            return [Destination(type: .user, contact: contact, agent: target.value)]
        }
        if let group = groups[target.value] {
            used.insert(.group(target.value))
            for member in group.members { used.insert(.agent(member)) }
            var expanded: [Destination] = []
            for member in group.members {
                guard let agent = agents[member], let contact = agent.contact else { continue }
                guard dialable(contact, agent: member, at: target, definedAt: agent.span) else { return nil }
                expanded.append(Destination(type: .user, contact: contact, agent: member))
            }
            return expanded
        }
        unknown(target, kind: "agent or group", known: Array(agents.keys) + Array(groups.keys))
        return nil
    }

    /// Whether the rule set's applet can dial an agent's contact (the generic Connect
    /// applet dials numbers only).
    private mutating func dialable(_ contact: Contact, agent: String, at target: Text, definedAt span: SourceSpan) -> Bool {
        guard contact.isSIP, !applet.dialsSIP else { return true }
        diagnostics.error(.sipInConnectApplet,
                          "agent `\(agent)` is the softphone `\(contact)`, and the generic Connect applet (`applet: connect`) dials numbers only",
                          at: target.span, notes: [.init("`\(agent)` is defined here", at: span)],
                          help: "give the agent an E.164 number, or use `applet: ccm` (CCM Programmable Connect dials softphones)")
        return false
    }

    private mutating func strategy(_ syntax: DialSyntax, destinations: [Destination]) -> DialStrategy? {
        var parallel = false
        if let text = syntax.strategy {
            switch text.value {
            case "hunt": parallel = false
            case "parallel": parallel = true
            default:
                diagnostics.error(.unknownValue, "unknown strategy `\(text.value)`", at: text.span,
                                  help: Suggestions.help(for: text.value, in: ["hunt", "parallel"])
                                      ?? "expected `hunt` (one at a time, in order) or `parallel` (all at once)")
                return nil
            }
        }
        guard parallel else {
            if let text = syntax.maxParallel {
                diagnostics.error(.maxParallelWithoutParallel, "`max_parallel` only applies to `strategy: parallel`", at: text.span,
                                  help: "add `strategy: parallel`, or remove `max_parallel`")
                return nil
            }
            return .hunt
        }
        if applet.hasDestinationType, let first = destinations.first, let mixed = destinations.first(where: { $0.type != first.type }) {
            let culprit = mixed.name
            diagnostics.error(.mixedDestinationTypes,
                              "parallel ringing mixes agents and external numbers (`\(culprit)`); one answer has one `destination_type`",
                              at: syntax.toSpan, help: "ring agents and external numbers in separate rules, or use `strategy: hunt`")
            return nil
        }
        let limit = ConnectLimits.maxParallelAttempts
        guard let text = syntax.maxParallel else {
            return .parallel(maxAttempts: min(max(destinations.count, limit.lowerBound), limit.upperBound))
        }
        guard let count = Int(text.value), limit.contains(count) else {
            diagnostics.error(.maxParallelOutOfRange, "`max_parallel` is `\(text.value)`; Exotel rings \(limit.lowerBound) to \(limit.upperBound) at once",
                              at: text.span)
            return nil
        }
        return .parallel(maxAttempts: count)
    }

    // MARK: Answer options

    mutating func options(_ syntax: OptionsSyntax) -> AnswerOptions {
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
        return options
    }

    private mutating func duration(_ text: Text, field: String, exotel: String, limit: ClosedRange<Int>) -> Int? {
        guard let seconds = value(Values.duration(text.value), at: text.span) else { return nil }
        guard limit.contains(seconds) else {
            diagnostics.error(.durationOutOfRange,
                              "`\(field)` is \(Values.describe(seconds: seconds)); Exotel's `\(exotel)` allows \(limit.lowerBound) to \(Values.describe(seconds: limit.upperBound))",
                              at: text.span)
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
