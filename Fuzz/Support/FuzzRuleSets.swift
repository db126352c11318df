import Benchmarks
import ConnectProtocol
import Foundation
import Routing
import RuleCompiler

/// What the fuzz targets hold to on every input, whatever the input.
public enum FuzzInvariants {
    /// The repository, found from this file (the fuzz targets run from a checkout).
    public static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A rule set compiled for answering, with its reference evaluator.
    public struct Compiled: @unchecked Sendable {
        public let ruleSet: RuleSet
        public let table: DecisionTable
        public let reference: ReferenceEvaluator
    }

    /// The rule sets of `paths` that check without errors (`analyze`: running the coverage
    /// analyses on the way).
    public static func compile(_ paths: [String], analyze: Bool = false) -> [Compiled] {
        guard let result = try? Workspace.check(paths: paths, analyze: analyze) else { return [] }
        return result.ruleSets.compactMap { ruleSet in
            (try? DecisionTable(ruleSet: ruleSet)).map { Compiled(ruleSet: ruleSet, table: $0, reference: ReferenceEvaluator(ruleSet: ruleSet)) }
        }
    }

    /// The example rules, the golden answers' rule sets (both applets, both `unmatched`)
    /// and a synthetic rule set of 300 rules.
    public static let standard: [Compiled] = {
        let synthetic = NSTemporaryDirectory() + "ringplan-fuzz-synthetic-\(getpid())"
        _ = try? SyntheticRuleSet.write(to: synthetic, rules: 300, numbers: 2000, tableRows: 2000)
        let answers = repository.appendingPathComponent("Tests/RuleCompilerTests/Answers").path
        return compile([repository.appendingPathComponent("rules").path])
            + compile(["ccm", "connect", "fallback", "plans"].map { "\(answers)/\($0).yaml" })
            + compile([synthetic])
    }()

    /// Decides `query` with the table and the reference evaluator in `version`, and stops
    /// the process (a finding) when they disagree or a 200 body breaks Exotel's schema.
    public static func check(_ compiled: Compiled, query: Substring, versionHeader: String?, now: Int64) {
        let request = ConnectRequest(query: query)
        let version = ConnectVersion.negotiate(header: versionHeader).version
        let fast = compiled.table.reader.facts(for: request, now: now)
        let plain = compiled.reference.facts(for: request, now: Date(timeIntervalSince1970: TimeInterval(now)))
        guard fast == plain else { fatalError("facts differ for \(query): table \(fast), reference \(plain)") }
        let outcome = compiled.table.outcome(for: fast, version: version)
        let expected = compiled.reference.outcome(for: plain, version: version)
        guard outcome == expected else { fatalError("outcomes differ for \(query): table \(outcome), reference \(expected)") }
        guard outcome == compiled.table.outcome(query: String(query), versionHeader: versionHeader, now: now) else {
            fatalError("the whole path differs for \(query)")
        }
        if let body = outcome.body {
            let applet: AnswerValidator.Applet = compiled.ruleSet.applet == .ccm ? .ccm : .connect
            let problems = AnswerValidator.problems(Array(body), version: version.rawValue, applet: applet)
            guard problems.isEmpty else {
                fatalError("invalid \(version.rawValue) answer for \(query): \(problems): \(String(decoding: body, as: UTF8.self))")
            }
        }
    }

    /// Queries worth asking any rule set: the example calls, hunts and odd values.
    public static let probes: [String] = [
        "CallFrom=09845012345&CallTo=08047112345&CurrentTime=2026-11-25+10:15:00&digits=%222%22",
        "CallFrom=09900000001&CallTo=08047110000&CurrentTime=2026-01-26+11:00:00",
        "CallFrom=09999900000&CallTo=08047112345&DialWhomNumber=sip%3Aasha7f3a",
        "CallFrom=%2B919900000001&CallTo=08047112345&CurrentTime=2026-11-28+12:00:00&digits=%221%22&Direction=outbound-dial",
        "CallFrom=18001234567&CallTo=0091-80-4711-2345&DialWhomNumber=09876500001&CurrentTime=2027-03-28+02:30:00",
        "CallFrom=garbage&CallTo=&CurrentTime=Wed%2C+31+Jul+2024&digits=%22%23%22",
    ]
}
