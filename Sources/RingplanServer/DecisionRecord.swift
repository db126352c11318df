import ConnectProtocol
import Foundation

/// One decision, as the decision log line's fields. Logged through swift-log as metadata;
/// the JSON-lines handler writes it field by field into its buffer (no dictionary, no
/// sorting), and any other handler prints its description.
public struct DecisionRecord: CustomStringConvertible, Sendable {
    public var callSid: String
    public var ruleSet: String
    public var rule: String
    public var status: Int
    public var attempt: Int
    public var pinned: Bool
    public var destinations: [String]
    public var caller: String
    public var connectVersion: String
    public var rulesVersion: String
    public var timeSource: String
    public var microseconds: UInt64

    public var description: String { String(decoding: json(), as: UTF8.self) }

    /// The fields as a JSON object's members, without the braces.
    func appendMembers(to bytes: inout [UInt8]) {
        func key(_ name: StaticString) {
            bytes.append(UInt8(ascii: ","))
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        func string(_ value: String) { JSONText.appendString(value, to: &bytes) }
        func number(_ value: some BinaryInteger) { bytes.append(contentsOf: String(value).utf8) }
        key("call_sid"); string(callSid)
        key("rule_set"); string(ruleSet)
        key("rule"); string(rule)
        key("status"); number(status)
        key("attempt"); number(attempt)
        key("pinned"); bytes.append(contentsOf: (pinned ? "true" : "false").utf8)
        key("destinations")
        bytes.append(UInt8(ascii: "["))
        for (index, destination) in destinations.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            string(destination)
        }
        bytes.append(UInt8(ascii: "]"))
        key("caller"); string(caller)
        key("connect_version"); string(connectVersion)
        key("rules_version"); string(rulesVersion)
        key("time_source"); string(timeSource)
        key("us"); number(microseconds)
    }

    func json() -> [UInt8] {
        var bytes: [UInt8] = [UInt8(ascii: "{")]
        appendMembers(to: &bytes)
        bytes[1] = UInt8(ascii: " ") // the first member has no comma before it
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }
}
