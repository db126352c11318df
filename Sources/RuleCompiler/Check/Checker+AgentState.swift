import ConnectProtocol
import Routing

/// A scope's options (`defaults`, a rule, a branch, a step): the answer's fields and
/// `busy`, which is not one (it says whom to leave out, not what Exotel is told).
struct ScopeOptions {
    var answer = AnswerOptions()
    var busy: BusyPolicy?

    /// Fields set here win; the rest come from the enclosing scope.
    func overriding(_ outer: ScopeOptions) -> ScopeOptions {
        ScopeOptions(answer: answer.overriding(outer.answer), busy: busy ?? outer.busy)
    }
}

extension Checker {
    mutating func busy(_ text: Text) -> BusyPolicy? {
        let policy = oneOf(text, BusyPolicy.allCases.map(\.rawValue), what: "`busy` value").flatMap(BusyPolicy.init)
        if policy == .skip, agentStateSpan == nil { agentStateSpan = text.span }
        return policy
    }

    mutating func checkStickyDays(_ text: Text) -> Int? {
        guard let days = Int(text.value), (1...RuleSet.maxStickyDays).contains(days) else {
            diagnostics.error(.stickyDaysOutOfRange, "`sticky_days` is `\(text.value)`; a sticky agent is kept 1 to \(RuleSet.maxStickyDays) days",
                              at: text.span, help: "write a whole number of days, such as `30` (the default)")
            return nil
        }
        return days
    }

    /// Who `sticky` may be: every agent with a contact the applet dials, by name.
    var stickyCandidates: [Destination] {
        agents.keys.sorted().compactMap { name in
            guard let contact = agents[name]?.contact, !contact.isSIP || applet.dialsSIP else { return nil }
            return Destination(type: .user, contact: contact, agent: name)
        }
    }

    /// A rule set that uses agent state has its answers carry the server's events URL;
    /// an answer has room for one.
    mutating func checkEventsWithAgentState() {
        guard let agentState = agentStateSpan else { return }
        for span in eventsSpans {
            diagnostics.add(Diagnostic(
                .eventsWithAgentState,
                "`events` cannot be set in a rule set that uses agent state: its answers carry the server's own events URL (`dial_passthru_event_url`), which is how it learns who is busy and who spoke to the caller",
                at: span, notes: [.init("agent state is used here", at: agentState)],
                help: "remove `events`; the server's decision log records every call, and `/admin/agents` shows what it learnt"))
        }
    }
}
