import ConnectProtocol

/// One change to the agent state: what storage writes, what a restart reads back, and what
/// replicas tell each other.
public enum AgentChange: Sendable, Equatable {
    /// `contact` is busy on the call `call` (a CallSid hash) until `until` (seconds since 1970).
    case busy(contact: DialedContact, call: UInt64, until: Int64)
    case free(contact: DialedContact, call: UInt64)
    case sticky(ruleSet: String, caller: PhoneNumber, agent: DialedContact, learnt: Int64)
}

/// Contacts as storage keeps them: `n919900000001` for a number, `s` and the 64-bit user
/// hash in hexadecimal for a softphone (the hash is what `DialWhomNumber` is matched by).
package enum ContactText {
    package static func encode(_ contact: DialedContact) -> String {
        switch contact {
        case .number(let number): return "n" + String(number.value)
        case .sipUser(let key): return "s" + String(key, radix: 16)
        }
    }

    package static func decode(_ text: Substring) -> DialedContact? {
        guard let kind = text.first else { return nil }
        let rest = text.dropFirst()
        switch kind {
        case "n": return UInt64(rest).map { .number(PhoneNumber(value: $0)) }
        case "s": return UInt64(rest, radix: 16).map(DialedContact.sipUser)
        default: return nil
        }
    }
}

extension AgentChange {
    /// One line for a PostgreSQL notification: `b CONTACT CALL UNTIL`, `f CONTACT CALL`,
    /// `k CALLER CONTACT LEARNT RULESET` (the rule set last: names hold no spaces).
    package var line: String {
        switch self {
        case .busy(let contact, let call, let until): return "b \(ContactText.encode(contact)) \(call) \(until)"
        case .free(let contact, let call): return "f \(ContactText.encode(contact)) \(call)"
        case .sticky(let ruleSet, let caller, let agent, let learnt): return "k \(caller.value) \(ContactText.encode(agent)) \(learnt) \(ruleSet)"
        }
    }

    package init?(line: Substring) {
        let fields = line.split(separator: " ", omittingEmptySubsequences: false)
        switch (fields.first, fields.count) {
        case ("b", 4):
            guard let contact = ContactText.decode(fields[1]), let call = UInt64(fields[2]), let until = Int64(fields[3]) else { return nil }
            self = .busy(contact: contact, call: call, until: until)
        case ("f", 3):
            guard let contact = ContactText.decode(fields[1]), let call = UInt64(fields[2]) else { return nil }
            self = .free(contact: contact, call: call)
        case ("k", 5):
            guard let caller = UInt64(fields[1]), let agent = ContactText.decode(fields[2]), let learnt = Int64(fields[3]),
                  !fields[4].isEmpty else { return nil }
            self = .sticky(ruleSet: String(fields[4]), caller: PhoneNumber(value: caller), agent: agent, learnt: learnt)
        default:
            return nil
        }
    }
}
