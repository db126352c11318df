import ConnectProtocol
import Foundation

/// One decision, as the decision log line's fields. Logged through swift-log as metadata;
/// the JSON-lines handler writes it field by field into its buffer (no dictionary, no
/// sorting), and any other handler prints its description. A class, so that the metadata
/// value holds a reference instead of boxing a large struct, and the handler's cast is a
/// class check.
public final class DecisionRecord: CustomStringConvertible, Sendable {
    public let callSid: String
    public let ruleSet: String
    public let rule: String
    public let status: Int
    /// `dialled`, `nobody` or `fallback` (see `Outcome.kind`).
    public let outcome: String
    /// Why nobody is dialled, when nobody is.
    public let reason: String?
    public let attempt: Int
    public let pinned: Bool
    public let destinations: [String]
    public let caller: String
    public let connectVersion: String
    public let rulesVersion: String
    public let timeSource: String
    public let microseconds: UInt64
    /// How agent state changed the answer: `sticky` (the caller's sticky agent is dialled),
    /// `busy-skipped` (busy agents were left out), both, or none.
    public let agentState: [String]
    /// What `ringplan diff --replay` needs to decide the call again, logged with
    /// `--log-numbers` only (the query holds the caller's number): the query as received,
    /// without `key`, and the server clock the decision read (seconds since 1970).
    public let request: (query: String, now: Int64)?

    public init(callSid: String, ruleSet: String, rule: String, status: Int, outcome: String, reason: String?, attempt: Int,
                pinned: Bool, destinations: [String], caller: String, connectVersion: String, rulesVersion: String, timeSource: String,
                microseconds: UInt64, agentState: [String] = [], request: (query: String, now: Int64)? = nil) {
        self.callSid = callSid
        self.ruleSet = ruleSet
        self.rule = rule
        self.status = status
        self.outcome = outcome
        self.reason = reason
        self.attempt = attempt
        self.pinned = pinned
        self.destinations = destinations
        self.caller = caller
        self.connectVersion = connectVersion
        self.rulesVersion = rulesVersion
        self.timeSource = timeSource
        self.microseconds = microseconds
        self.agentState = agentState
        self.request = request
    }

    public var description: String { String(decoding: json(), as: UTF8.self) }

    /// The fields as a JSON object's members, without the braces.
    func appendMembers(to bytes: inout [UInt8]) {
        func key(_ name: StaticString) {
            bytes.append(UInt8(ascii: ","))
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            bytes.append(UInt8(ascii: "\""))
            bytes.append(UInt8(ascii: ":"))
        }
        func string(_ value: String) { JSONText.appendString(value, to: &bytes) }
        func number(_ value: some BinaryInteger) { JSONText.appendInteger(Int(value), to: &bytes) }
        key("call_sid"); string(callSid)
        key("rule_set"); string(ruleSet)
        key("rule"); string(rule)
        key("status"); number(status)
        key("outcome"); string(outcome)
        if let reason { key("reason"); string(reason) }
        key("attempt"); number(attempt)
        key("pinned"); bytes.append(contentsOf: (pinned ? "true" : "false").utf8)
        func strings(_ values: [String]) {
            bytes.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                string(value)
            }
            bytes.append(UInt8(ascii: "]"))
        }
        key("destinations"); strings(destinations)
        key("caller"); string(caller)
        key("connect_version"); string(connectVersion)
        key("rules_version"); string(rulesVersion)
        key("time_source"); string(timeSource)
        key("us"); number(microseconds)
        if !agentState.isEmpty { key("agent_state"); strings(agentState) }
        if let request {
            key("request"); string(request.query)
            key("now"); number(request.now)
        }
    }

    func json() -> [UInt8] {
        var bytes: [UInt8] = [UInt8(ascii: "{")]
        appendMembers(to: &bytes)
        bytes[1] = UInt8(ascii: " ") // the first member has no comma before it
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }
}
