import ConnectProtocol
import Testing
@testable import RingplanServer

@Suite struct HuntLedgerTests {
    func entry(_ rule: Int = 0) -> HuntLedger.Entry {
        HuntLedger.entry(ruleSet: "s", version: "v", rule: rule, ruleName: "r\(rule)", attempt: 0)
    }

    @Test func firstFetchDecidesLaterFetchesAdvance() {
        let ledger = HuntLedger(capacity: 100)
        var decisions = 0
        for expected in 0..<3 {
            let result = ledger.advance(callSid: "call", ruleSet: "s") { existing in
                if let existing { return (existing, true) }
                decisions += 1
                return (entry(), true)
            }
            #expect(result?.entry.nextAttempt == expected)
            #expect(result?.pinned == (expected > 0))
        }
        #expect(decisions == 1)
    }

    @Test func callsThatDoNotHuntAreNotKept() {
        let ledger = HuntLedger(capacity: 100)
        for _ in 0..<3 {
            _ = ledger.advance(callSid: "call", ruleSet: "s") { _ in (entry(), false) }
        }
        #expect(ledger.count == 0)
    }

    @Test func boundedInEntries() {
        let ledger = HuntLedger(capacity: 160)
        for call in 0..<10_000 {
            _ = ledger.advance(callSid: "call-\(call)", ruleSet: "s") { _ in (entry(), true) }
        }
        #expect(ledger.count <= 160 + HuntLedger.shardCount)
        // The newest calls are still known.
        let result = ledger.advance(callSid: "call-9999", ruleSet: "s") { existing in existing.map { ($0, true) } ?? (entry(7), true) }
        #expect(result?.pinned == true)
    }

    @Test func expiredEntriesAreForgotten() {
        let ledger = HuntLedger(capacity: 100, lifetime: 0)
        _ = ledger.advance(callSid: "call", ruleSet: "s") { _ in (entry(), true) }
        let again = ledger.advance(callSid: "call", ruleSet: "s") { existing in existing.map { ($0, true) } ?? (entry(3), true) }
        #expect(again?.pinned == false)
        #expect(again?.entry.rule == 3)
    }

    @Test func masksAndConstantTimeCompare() {
        #expect(ConnectService.constantTimeEquals(Array("abc".utf8), Array("abc".utf8)))
        #expect(!ConnectService.constantTimeEquals(Array("abc".utf8), Array("abd".utf8)))
        #expect(!ConnectService.constantTimeEquals(Array("abc".utf8), Array("ab".utf8)))
        #expect(!ConnectService.constantTimeEquals(Array("abc".utf8), Array("abcd".utf8)))
        #expect(ConnectService.mask(PhoneNumber(uncheckedDigits: "919876500001")) == "+91******0001")
        #expect(ConnectService.mask(PhoneNumber(uncheckedDigits: "2901234")) == "+29*1234", "the shortest E.164 number")
        #expect(RequestLimits.isRuleSetName("support-2_b"))
        #expect(!RequestLimits.isRuleSetName("../etc"))
        #expect(!RequestLimits.isRuleSetName(""))
    }
}
