import ConnectProtocol
@testable import Routing
import Testing

/// The table checks who is busy first by 16-bit fingerprints kept beside each first answer
/// (`AnswerStore.Dialled`), and only on a match by contact. A fingerprint shared by a busy
/// contact and a free one must cost time, never the free one's call.
@Suite struct BusyTests {
    typealias Plan = PlanTests

    /// A number other than `number` with the same fingerprint, found by counting up.
    static func twin(of number: PhoneNumber) -> PhoneNumber {
        let fingerprint = BusySet.fingerprint(BusySet.key(.number(number)))
        var candidate = number.value + 1
        while BusySet.fingerprint(candidate) != fingerprint { candidate += 1 }
        return PhoneNumber(value: candidate)
    }

    static func answer(_ table: DecisionTable, _ reference: ReferenceEvaluator, busy: Set<DialedContact>,
                       caller: String = "919845012345") -> [String] {
        var facts = Plan.facts(caller: caller)
        facts.agents = AgentKnowledge(AgentSnapshot(busy: busy), now: 0)
        let outcome = table.outcome(for: facts, version: .v1_0)
        #expect(outcome == reference.outcome(for: facts, version: .v1_0), "table and reference disagree with \(busy) busy")
        return Plan.contacts(outcome)
    }

    @Test func busySetAnswersByContactAndByFingerprint() {
        let busy = (1...40).map { DialedContact.number(PhoneNumber(value: 919_876_500_000 + UInt64($0) * 97)) }
        let set = BusySet(busy + [.sipUser(SIPAddress.userKey(of: "alice"))])
        #expect(set.count == 41)
        for contact in busy {
            #expect(set.contains(contact))
            #expect(set.mayContain(fingerprint: BusySet.fingerprint(BusySet.key(contact))))
        }
        #expect(set.contains(.sipUser(SIPAddress.userKey(of: "alice"))))
        #expect(!set.contains(.sipUser(SIPAddress.userKey(of: "bob"))))
        #expect(!set.contains(.number(PhoneNumber(value: 919_876_500_001))))
        #expect(!set.mayContain(fingerprint: 0), "0 stands for no destination")
        // A fingerprint twin is no member, though its fingerprint is.
        let twin = Self.twin(of: PhoneNumber(value: 919_876_500_097))
        #expect(!set.contains(.number(twin)))
        #expect(set.mayContain(fingerprint: BusySet.fingerprint(BusySet.key(.number(twin)))))
    }

    /// More busy contacts than there are fingerprints: every probe still ends.
    @Test func aSetWithEveryFingerprintStillAnswers() {
        let set = BusySet((0..<70_000).map { DialedContact.number(PhoneNumber(value: 919_800_000_000 + UInt64($0))) })
        #expect(set.contains(.number(PhoneNumber(value: 919_800_000_000))))
        #expect(!set.contains(.number(PhoneNumber(value: 919_700_000_000))))
        for fingerprint in [UInt16(1), 2, 777, .max] { _ = set.mayContain(fingerprint: fingerprint) }
    }

    /// A fixed hunt, a parallel ring and a lookup's plan each dial an agent whose fingerprint
    /// twin is busy: the agent is rung. With the agent busy itself, it is passed over.
    @Test(arguments: ["hunt", "parallel", "lookup"])
    func aFingerprintTwinBusyLeavesNobodyOut(_ form: String) throws {
        let first = Plan.agent(1), second = Plan.agent(2)
        guard case .number(let firstNumber) = first.contact else { Issue.record("an agent with a number"); return }
        let step: Step
        var tables: [LookupTable] = []
        switch form {
        case "hunt": step = Step(targets: [.destination(first), .destination(second)], strategy: .hunt, options: AnswerOptions())
        case "parallel": step = Step(targets: [.destination(first), .destination(second)], strategy: .parallel(maxAttempts: nil), options: AnswerOptions())
        default:
            tables = [LookupTable(name: "rm", key: .caller, values: [first], numbers: [Plan.number("919845012345")], valueIndexes: [0])]
            step = Step(targets: [.lookup(table: 0, otherwise: [second])], strategy: .hunt, options: AnswerOptions())
        }
        let ruleSet = Plan.ruleSet(Dial(branches: [Branch(weight: 1, steps: [step, Step(targets: [.destination(second)], strategy: .hunt, options: AnswerOptions())])]),
                                   tables: tables)
        let table = try DecisionTable(ruleSet: ruleSet), reference = ReferenceEvaluator(ruleSet: ruleSet)
        let firstURI = "+919876500001"
        #expect(Self.answer(table, reference, busy: []).contains(firstURI))
        #expect(Self.answer(table, reference, busy: [.number(Self.twin(of: firstNumber))]).contains(firstURI))
        #expect(!Self.answer(table, reference, busy: [first.contact.dialed]).contains(firstURI))
    }
}
