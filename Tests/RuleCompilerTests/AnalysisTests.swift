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
        #expect(table.outcome(query: gapQuery, versionHeader: nil, now: 0) == .noMatch, "the gap example matches no rule: \(gapQuery)")
        let partial = diagnostics.filter { $0.code == .partlyShadowed }
        #expect(!partial.isEmpty)
        for remark in partial {
            let exampleQuery = try #require(query(in: remark.help))
            let taker = try #require(remark.message.components(separatedBy: ": rule `").last?.components(separatedBy: "`").first)
            let outcome = table.outcome(query: exampleQuery, versionHeader: nil, now: 0)
            #expect(outcome.rule.map { table.ruleSet.rules[$0].name } == taker, "\(remark.message)")
        }
    }

    @Test func theExampleRulesHaveNoWarnings() throws {
        let result = try Workspace.check(paths: [GoldenTests.repositoryRules])
        #expect(DiagnosticReport(result.diagnostics).shown.isEmpty)
        // Remarks exist (after-hours takes part of support-line's calls) but are hidden.
        #expect(DiagnosticReport(result.diagnostics, remarks: true).shown.contains { $0.code == .partlyShadowed })
    }
}
