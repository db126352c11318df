import ConnectProtocol
import Foundation
import Routing

/// Runs test files against their rule sets, fetch by fetch as the server answers them:
/// the first fetch of a call decides, later fetches of the same `CallSid` move down the
/// pinned rule's hunt.
public struct TestRunner {
    public struct Report: Sendable {
        public var passed = 0
        public var failed = 0
        /// File problems and failed cases, as diagnostics (for every output format).
        public var diagnostics = Diagnostics()
        /// Rules no case reached, per rule-set file, in rule order.
        public var uncovered: [(file: String, rule: String, span: SourceSpan?)] = []
        public var files: [String] = []
        public let sources: SourceManager
    }

    /// The server clock when a case gives no `CurrentTime` and no `now:`: fixed, so that
    /// results do not depend on the day the tests run (2026-01-01 00:00 UTC).
    public static let defaultNow: Int64 = 1_767_225_600

    /// `paths`: test files or directories holding `*.test.yaml`.
    public static func run(paths: [String]) throws(InputError) -> Report {
        var report = Report(sources: SourceManager())
        for path in try testFiles(in: paths) {
            report.files.append(path)
            run(file: path, into: &report)
        }
        return report
    }

    static func testFiles(in paths: [String]) throws(InputError) -> [String] {
        try Workspace.files(in: paths) { $0.hasSuffix(".test.yaml") }
    }

    private static func run(file path: String, into report: inout Report) {
        guard let bytes = FileManager.default.contents(atPath: path) else {
            report.diagnostics.error(.io, "cannot read `\(path)`", at: .line(1, in: path))
            report.failed += 1
            return
        }
        let source = SourceFile(path: path, bytes: [UInt8](bytes))
        report.sources.add(source)
        var diagnostics = Diagnostics()
        guard let root = YAMLLoader.load(source, into: &diagnostics),
              let file = TestFile.decode(root, path: path, diagnostics: &diagnostics), let rulesText = file.rules else {
            report.diagnostics.append(contentsOf: diagnostics)
            report.failed += 1
            return
        }
        report.diagnostics.append(contentsOf: diagnostics)
        if diagnostics.hasErrors {
            report.failed += file.cases.count
            return
        }
        let rulesPath = Workspace.resolve(rulesText.value, from: path)
        let workspace = Workspace()
        guard FileManager.default.fileExists(atPath: rulesPath) else {
            report.diagnostics.error(.includeNotFound, "rule-set file `\(rulesPath)` does not exist", at: rulesText.span,
                                     help: "`rules:` is relative to the test file")
            report.failed += file.cases.count
            return
        }
        let ruleSet = workspace.check(file: rulesPath)
        for path in workspace.sources.paths { workspace.sources.file(path).map(report.sources.add) }
        guard let ruleSet, let table = workspace.tables[ruleSet.name] ?? (try? DecisionTable(ruleSet: ruleSet)) else {
            report.diagnostics.append(contentsOf: workspace.diagnosticsSoFar)
            report.diagnostics.error(.invalidTestFile, "`\(rulesPath)` is not a rule set without errors; run `ringplan check` on it",
                                     at: rulesText.span)
            report.failed += file.cases.count
            return
        }
        let reference = ReferenceEvaluator(ruleSet: ruleSet)
        var reached = Set<Int>()
        for testCase in file.cases {
            var ledger: [String: (rule: Int, next: Int)] = [:]
            var failure: (message: String, at: SourceSpan, notes: [Diagnostic.Note])?
            for fetch in testCase.fetches where failure == nil {
                let request = ConnectRequest(query: fetch.query)
                let version = ConnectVersion.negotiate(header: fetch.headers["exotel-version"]).version
                let now = fetch.now ?? file.now ?? defaultNow
                var facts = table.reader.facts(for: request, now: now)
                if let state = fetch.state {
                    switch agentState(state, caller: facts.caller, ruleSet: ruleSet) {
                    case .success(let snapshot): facts.agents = AgentKnowledge(snapshot, now: now)
                    case .failure(let problem):
                        failure = (problem.message, problem.span, [])
                        continue
                    }
                }
                var outcome: Outcome
                if let callSid = request.callSid, let pinned = ledger[callSid] {
                    outcome = table.outcome(rule: pinned.rule, attempt: pinned.next, facts: facts, version: version)
                    ledger[callSid]?.next = outcome.answeredAttempt.map { $0 + 1 } ?? pinned.next + 1
                } else if let rule = table.decide(facts) {
                    let attempt = table.attempt(rule: rule, facts: facts)
                    outcome = table.outcome(rule: rule, attempt: attempt, facts: facts, version: version)
                    if let callSid = request.callSid { ledger[callSid] = (rule, (outcome.answeredAttempt ?? attempt) + 1) }
                } else {
                    outcome = table.noMatch(version: version)
                }
                if let rule = outcome.rule { reached.insert(rule) }
                if let problem = mismatch(fetch.expect, outcome, ruleSet: ruleSet) {
                    let explanation = reference.explain(reference.facts(for: request, now: Date(timeIntervalSince1970: TimeInterval(now))))
                    failure = (problem.message, problem.span ?? fetch.span, explanation.lines.map { .init($0, at: nil) })
                }
            }
            if let failure {
                report.failed += 1
                report.diagnostics.add(Diagnostic(.testFailed, "test `\(testCase.name.value)` failed: \(failure.message)", at: failure.at,
                                                  notes: failure.notes))
            } else {
                report.passed += 1
            }
        }
        let ruleSpans = workspace.syntax(of: rulesPath)?.rules?.map { $0.name?.span } ?? []
        for (index, rule) in ruleSet.rules.enumerated() where !reached.contains(index) {
            report.uncovered.append((rulesPath, rule.name, index < ruleSpans.count ? ruleSpans[index] : nil))
        }
    }

    struct StateProblem: Error {
        let message: String
        let span: SourceSpan
    }

    /// A case's `agents:` and `sticky:` as the decision reads them.
    static func agentState(_ state: TestFile.AgentStateSyntax, caller: PhoneNumber?, ruleSet: RuleSet) -> Result<AgentSnapshot, StateProblem> {
        func contact(_ name: Text) -> Result<DialedContact, StateProblem> {
            if let contact = ruleSet.contact(named: name.value) { return .success(contact) }
            let known = ruleSet.agents.compactMap(\.agent)
            return .failure(StateProblem(message: "`\(name.value)` is no agent of the rule set, nor a number or `sip:` address"
                                             + (Suggestions.help(for: name.value, in: known).map { " (\($0))" } ?? ""), span: name.span))
        }
        var busy = Set<DialedContact>()
        for (name, isBusy) in state.agents {
            switch contact(name) {
            case .success(let found): if isBusy { busy.insert(found) }
            case .failure(let problem): return .failure(problem)
            }
        }
        var sticky: [PhoneNumber: DialedContact] = [:]
        if let name = state.sticky {
            switch contact(name) {
            case .success(let found): if let caller { sticky[caller] = found }
            case .failure(let problem): return .failure(problem)
            }
        }
        return .success(AgentSnapshot(sticky: sticky, busy: busy))
    }

    /// What differs between the expectation and the outcome, or nil when it matches.
    static func mismatch(_ expectation: TestFile.Expectation?, _ outcome: Outcome, ruleSet: RuleSet) -> (message: String, span: SourceSpan?)? {
        let ruleName = outcome.rule.map { ruleSet.rules[$0].name }
        let got: String
        switch outcome {
        case .answer: got = "rule `\(ruleName!)`"
        case .nobody(.rule, _): got = "rule `\(ruleName!)`, which dials nobody"
        case .nobody(.noMatch, _): got = "no rule (the empty answer: nobody is dialled)"
        case .nobody(.huntExhausted, _): got = "rule `\(ruleName!)` with its hunt exhausted (the empty answer: nobody is dialled)"
        case .noMatch: got = "no rule (no answer: Exotel goes to the Fallback URL)"
        case .huntExhausted: got = "rule `\(ruleName!)` with its hunt exhausted (no answer: Exotel goes to the Fallback URL)"
        case .nobody(.noDestination, _): got = "rule `\(ruleName!)` with no destination for this call (the empty answer: nobody is dialled)"
        case .nobody(.allBusy, _): got = "rule `\(ruleName!)` with every destination left busy (the empty answer: nobody is dialled)"
        case .noDestination: got = "rule `\(ruleName!)` with no destination for this call (no answer: Exotel goes to the Fallback URL)"
        }
        switch expectation {
        case nil:
            return nil
        case .noRule:
            switch outcome {
            case .noMatch, .nobody(.noMatch, _): return nil
            default: return ("expected no rule, got \(got)", nil)
            }
        case .fields(let fields):
            guard let body = outcome.body else {
                return ("expected an answer, got \(got)", fields.first?.span)
            }
            let json = ExpectedValue.decoding(json: Array(body))
            guard case .object(let answer)? = json else { return ("the answer is not a JSON object", nil) }
            for (key, expected, span) in fields {
                let actual: ExpectedValue
                switch key {
                case "rule": actual = ruleName.map(ExpectedValue.string) ?? .null
                case "attempt":
                    if case .answer(_, let attempt, _) = outcome { actual = .int(attempt + 1) } else { actual = .null }
                case "nobody":
                    if case .nobody = outcome { actual = .bool(true) } else { actual = .bool(false) }
                case "destination":
                    actual = destinations(answer["destination"])
                default:
                    actual = answer[key] ?? .null
                }
                var wanted = expected
                if key == "destination", case .string = expected { wanted = .list([expected]) }
                if wanted != actual {
                    return ("expected \(key) \(wanted), got \(actual)\(key == "rule" ? "" : " (from \(got))")", span)
                }
            }
            return nil
        }
    }

    /// The contacts an answer dials, whichever shape the applet and version give them:
    /// `[{"device_contact_uri": ...}]`, `[{"contact_uri": ...}]` or `{"numbers": [...]}`.
    private static func destinations(_ destination: ExpectedValue?) -> ExpectedValue {
        switch destination {
        case .list(let items)?:
            return .list(items.map { item -> ExpectedValue in
                guard case .object(let fields) = item else { return item }
                return fields["device_contact_uri"] ?? fields["contact_uri"] ?? item
            })
        case .object(let fields)?:
            return fields["numbers"] ?? .null
        default:
            return .null
        }
    }
}
