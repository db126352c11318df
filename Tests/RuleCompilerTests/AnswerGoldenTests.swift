import ConnectProtocol
import Foundation
import Routing
import Testing
@testable import RuleCompiler

/// The exact bodies Exotel receives, for every kind of answer, both Connect versions and
/// both applets: `Answers/<name>.yaml` answering `Answers/<name>.requests.txt` (else
/// `Answers/requests.txt`), compared with `Answers/<name>.answers.txt`. `RECORD_GOLDEN=1
/// swift test` writes them anew.
@Suite struct AnswerGoldenTests {
    static let directory = TestPaths.testsDirectory.appendingPathComponent("Answers")

    @Test(arguments: ["ccm", "connect", "fallback", "plans"])
    func answers(_ name: String) throws {
        let result = try Workspace.check(paths: [Self.directory.appendingPathComponent("\(name).yaml").path])
        #expect(!result.diagnostics.hasErrors, "\(result.diagnostics.all.map(\.message))")
        let ruleSet = try #require(result.ruleSets.first)
        let table = try DecisionTable(ruleSet: ruleSet)
        let reference = ReferenceEvaluator(ruleSet: ruleSet)
        let own = Self.directory.appendingPathComponent("\(name).requests.txt")
        let requests = try String(contentsOf: FileManager.default.fileExists(atPath: own.path) ? own : Self.directory.appendingPathComponent("requests.txt"),
                                  encoding: .utf8)
        var output = ""
        for line in requests.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.components(separatedBy: " | ")
            let query = parts[1] + "&CurrentTime=2026-11-25+11:00:00"
            output += "# \(parts[0])\n\(parts[1])\n"
            for version in ConnectVersion.allCases {
                let request = ConnectRequest(query: query)
                let outcome = table.outcome(for: table.reader.facts(for: request, now: 0), version: version)
                #expect(outcome == reference.outcome(for: reference.facts(for: request, now: Date(timeIntervalSince1970: 0)), version: version))
                let body = outcome.body.map { String(decoding: $0, as: UTF8.self) } ?? "(no answer: \(outcome.status))"
                output += "\(version.rawValue) \(outcome.kind) \(outcome.rule.map { ruleSet.rules[$0].name } ?? "-"): \(body)\n"
            }
            output += "\n"
        }
        try expectGolden(output, Self.directory.appendingPathComponent("\(name).answers.txt"))
    }
}
