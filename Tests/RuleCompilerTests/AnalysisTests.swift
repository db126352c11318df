import ConnectProtocol
import Foundation
import Routing
import Testing
@testable import RuleCompiler

/// The analyses' claims hold: every example call behaves in `ringplan eval` as its
/// diagnostic says.
@Suite struct AnalysisTests {
    static let rules = """
        ringplan: 1
        agents: { priya: "+919876500001", rahul: "+919876500002", asha: "+919876500003" }
        lists:
          vip: ["+919845012345", "+9198450199*"]
          partners: ["+918012345678", "+9180123456*"]
        calendars:
          office: { weekly: { mon-fri: "09:00-18:00" } }
          night: { weekly: { daily: "22:00-06:00" } }
        skills: { "1": sales, "2": support }
        rules:
          - name: vip
            when: { caller: vip }
            dial: priya
          - name: vip-prefix
            when: { caller: "+9198450199*", time: office }
            dial: rahul
          - name: partners-at-night
            when: { caller: partners, time: night }
            dial: asha
          - name: sales
            when: { skill: sales, exophone: "+918047110000" }
            dial: [priya, rahul]
          - name: office
            when: { time: office }
            dial: asha
          - name: office-sales
            when: { time: office, skill: sales }
            dial: priya
        """

    func check(_ text: String) throws -> (CheckResult, DecisionTable, String) {
        let directory = try TemporaryDirectory(files: ["desk.yaml": text])
        let result = try Workspace.check(paths: [directory.path])
        let path = directory.path + "/desk.yaml"
        let ruleSet = try #require(result.ruleSets.first)
        return (result, try DecisionTable(ruleSet: ruleSet), path)
    }

    func query(in help: String?) -> String? {
        guard let help, let start = help.range(of: "--query '") else { return nil }
        return String(help[start.upperBound...].prefix { $0 != "'" })
    }

    @Test func findingsAndTheirExamplesHold() throws {
        let (result, table, _) = try check(Self.rules)
        let diagnostics = result.diagnostics.sorted()
        let codes = diagnostics.map(\.code)
        #expect(codes.filter { $0 == .unreachableRule }.count == 2, "vip-prefix and office-sales are shadowed")
        let shadowed = diagnostics.filter { $0.code == .unreachableRule }.map(\.message)
        #expect(shadowed.contains { $0.contains("`vip-prefix`") })
        #expect(shadowed.contains { $0.contains("`office-sales`") })
        let gap = try #require(diagnostics.first { $0.code == .routingGap })
        let gapQuery = try #require(query(in: gap.help))
        let gapOutcome = table.outcome(query: gapQuery, versionHeader: nil, now: 0)
        #expect(gapOutcome.rule == nil && gapOutcome.kind == "nobody", "the gap example matches no rule: \(gapQuery)")
        let partial = diagnostics.filter { $0.code == .partlyShadowed }
        #expect(!partial.isEmpty)
        for remark in partial {
            let exampleQuery = try #require(query(in: remark.help))
            let taker = try #require(remark.message.components(separatedBy: ": rule `").last?.components(separatedBy: "`").first)
            let outcome = table.outcome(query: exampleQuery, versionHeader: nil, now: 0)
            #expect(outcome.rule.map { table.ruleSet.rules[$0].name } == taker, "\(remark.message)")
        }
    }

    /// RP0508 says what a window does on the day of a clock change; the table does that.
    /// London skips 01:00-02:00 in March and repeats it in October; both changes happen
    /// at 01:00 UTC.
    @Test func clockChangeClaimsHold() throws {
        func table(window: String) throws -> (DecisionTable, [String]) {
            let (result, table, _) = try check("""
                ringplan: 1
                timezone: Europe/London
                agents: { a: "+919876500001" }
                calendars: { shift: { weekly: { sun: "\(window)" } } }
                rules:
                  - { name: open, when: { time: shift }, dial: a }
                  - { name: closed, dial: a }
                """)
            let findings = result.diagnostics.all.filter { $0.code == .clockChangeEdge }
            #expect(findings.count == 1, "one warning per window edge")
            return (table, findings.flatMap { $0.notes.map(\.message) })
        }
        func rule(_ table: DecisionTable, atUTC seconds: Int64) -> String? {
            table.outcome(query: "CallFrom=09900000001&CallTo=08047110000", versionHeader: nil, now: seconds).rule.map { table.ruleSet.rules[$0].name }
        }
        let now = Int64(Date().timeIntervalSince1970)
        let changes = try #require(ZoneRules(identifier: "Europe/London")).clockChanges(inUTC: now..<now + 366 * 86_400)
        let spring = try #require(changes.first { $0.skipsTime }).utc, autumn = try #require(changes.first { !$0.skipsTime }).utc

        let (starts, startFindings) = try table(window: "01:30-06:00")
        #expect(startFindings.count == 2, "a note per change")
        #expect(startFindings.contains { $0.contains("the window opens at 02:00") })
        #expect(rule(starts, atUTC: spring - 60) == "closed" && rule(starts, atUTC: spring) == "open", "opens at the jump")
        #expect(startFindings.contains { $0.contains("opens at the first 01:30, closes when the clock goes back, and opens again at the second 01:30") })
        #expect(rule(starts, atUTC: autumn - 30 * 60) == "open", "the first 01:30")
        #expect(rule(starts, atUTC: autumn) == "closed" && rule(starts, atUTC: autumn + 29 * 60) == "closed", "the second 01:00-01:29")
        #expect(rule(starts, atUTC: autumn + 30 * 60) == "open", "the second 01:30")

        let (ends, endFindings) = try table(window: "00:00-01:30")
        #expect(endFindings.count == 2, "a note per change")
        #expect(endFindings.contains { $0.contains("the window closes at 01:00, when the clock jumps") })
        #expect(rule(ends, atUTC: spring - 60) == "open" && rule(ends, atUTC: spring) == "closed", "closes at the jump")
        #expect(endFindings.contains { $0.contains("closes at the first 01:30, opens again when the clock goes back to 01:00, and closes at the second 01:30") })
        #expect(rule(ends, atUTC: autumn - 30 * 60) == "closed", "the first 01:30")
        #expect(rule(ends, atUTC: autumn) == "open" && rule(ends, atUTC: autumn + 29 * 60) == "open", "the second 01:00-01:29")
        #expect(rule(ends, atUTC: autumn + 30 * 60) == "closed", "the second 01:30")
    }

    @Test func theExampleRulesHaveNoWarnings() throws {
        let result = try Workspace.check(paths: [GoldenTests.repositoryRules])
        #expect(DiagnosticReport(result.diagnostics).shown.isEmpty)
        // Remarks exist (after-hours takes part of support-line's calls) but are hidden.
        #expect(DiagnosticReport(result.diagnostics, remarks: true).shown.contains { $0.code == .partlyShadowed })
    }
}
