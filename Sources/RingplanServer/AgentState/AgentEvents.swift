import ConnectProtocol
import Foundation
import Routing

/// One request to `/events/{name}`: Exotel's agent pass-through event (`EventType`,
/// `Status`), or the Passthru applet on the Connect applet's "after the call conversation
/// ends" transition (no `EventType`; a conversation with `DialWhomNumber` happened).
struct AgentEvent: Equatable {
    enum Kind: String, Equatable, CaseIterable {
        case dial, ringing, answered, terminal
        /// The Passthru applet after a conversation.
        case conversation
    }

    enum Status: String, Equatable {
        case busy, free
    }

    let kind: Kind
    let status: Status?
    let callSid: String
    let caller: String?
    let agent: String

    /// Why an event is ignored: counted in the metrics by this word, and said in the answer.
    enum Ignored: String, Error, CaseIterable {
        case noCallSid = "no-callsid"
        case noAgent = "no-dialwhomnumber"
        case unknownEventType = "unknown-eventtype"
        case unknownStatus = "unknown-status"
        case unreadableAgent = "unreadable-dialwhomnumber"
    }

    /// The parameters an event carries, read from the query (first occurrence wins, `+` is a
    /// space, empty and `null` are absent, as in Connect requests).
    static func parse(query: Substring) -> Result<AgentEvent, Ignored> {
        var values: [String: String] = [:]
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            guard ["CallSid", "CallFrom", "From", "DialWhomNumber", "Status", "EventType"].contains(name), values[name] == nil else { continue }
            let raw = parts.count > 1 ? String(parts[1]) : ""
            let value = (raw.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? raw).trimmingCharacters(in: .whitespaces)
            if !value.isEmpty && value != "null" { values[name] = value }
        }
        guard let callSid = values["CallSid"] else { return .failure(.noCallSid) }
        guard let agent = values["DialWhomNumber"] else { return .failure(.noAgent) }
        let kind: Kind
        if let type = values["EventType"] {
            guard let known = Kind(rawValue: type.lowercased()), known != .conversation else { return .failure(.unknownEventType) }
            kind = known
        } else {
            kind = .conversation
        }
        var status: Status?
        if let text = values["Status"] {
            guard let known = Status(rawValue: text.lowercased()) else { return .failure(.unknownStatus) }
            status = known
        }
        return .success(AgentEvent(kind: kind, status: status, callSid: callSid, caller: values["CallFrom"] ?? values["From"], agent: agent))
    }

    /// Whether the event says the caller spoke to the agent.
    var answered: Bool { kind == .answered || kind == .conversation }
}

extension ConnectService {
    /// `/events/{name}`: learns from the event and answers 200 at once (also when the event
    /// is ignored: Exotel does nothing with the answer, and a retry would not help).
    public func event(name: Substring, query: Substring?, now: Int64) -> Reply {
        guard let agents else { return Reply(status: 404, body: Self.error(404, "this server keeps no agent state").1, version: nil, rule: nil) }
        let query = query ?? ""
        guard RequestLimits.isRuleSetName(name) else { return refuseEvent(404, "unknown rule set") }
        guard query.utf8.count <= RequestLimits.maxURIBytes else { return refuseEvent(414, "query too long") }
        guard query.utf8.reduce(0, { $0 + ($1 == UInt8(ascii: "&") ? 1 : 0) }) < RequestLimits.maxQueryParameters else {
            return refuseEvent(400, "too many query parameters")
        }
        if let token, !Self.constantTimeEquals(token, Array((ConnectRequest(query: query).key ?? "").utf8)) {
            return refuseEvent(401, "missing or wrong key")
        }
        guard let rules = store.current else { return refuseEvent(503, "no rule set loaded") }
        guard let table = rules.tables[String(name)] else { return refuseEvent(404, "unknown rule set") }
        let ruleSet = table.ruleSet
        switch AgentEvent.parse(query: query) {
        case .failure(let ignored):
            metrics.event(kind: "-", outcome: ignored.rawValue)
            return Reply(status: 200, body: Array(#"{"status":"ignored","reason":"\#(ignored.rawValue)"}"#.utf8)[...], version: rules.version, rule: nil)
        case .success(let event):
            guard let agent = ruleSet.contact(named: event.agent) else {
                metrics.event(kind: event.kind.rawValue, outcome: AgentEvent.Ignored.unreadableAgent.rawValue)
                return Reply(status: 200, body: Array(#"{"status":"ignored","reason":"unreadable-dialwhomnumber"}"#.utf8)[...],
                             version: rules.version, rule: nil)
            }
            let call = FNV1a.hash(event.callSid.utf8)
            switch event.status {
            case .busy: agents.markBusy(agent, call: call, now: now)
            case .free: agents.markFree(agent, call: call, now: now)
            case nil: break
            }
            var learnt = "busy-state"
            if event.answered, let caller = event.caller.flatMap({ E164.normalize($0[...], home: ruleSet.country) }) {
                agents.learnSticky(ruleSet: ruleSet.name, caller: caller, agent: agent, at: now)
                learnt = "sticky"
            }
            metrics.event(kind: event.kind.rawValue, outcome: event.status == nil && learnt != "sticky" ? "no-change" : "applied")
            return Reply(status: 200, body: Array(#"{"status":"ok"}"#.utf8)[...], version: rules.version, rule: nil)
        }
    }

    private func refuseEvent(_ status: Int, _ message: String) -> Reply {
        metrics.event(kind: "-", outcome: "refused")
        return Reply(status: status, body: Self.error(status, message).1, version: store.current?.version, rule: nil)
    }
}
