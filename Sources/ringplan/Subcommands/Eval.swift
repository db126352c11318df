import ArgumentParser
import ConnectProtocol
import Foundation
import Routing
import RuleCompiler

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Answer one Connect request from a rule set, as the server would.",
        discussion: """
            Prints exactly the body the server would send. Exit status: 0 with an answer that dials \
            someone; 1 when the rule set has errors; 2 for usage or I/O errors; 3 when there is no answer \
            (no rule matched or a hunt is exhausted, under `unmatched: fallback`: the server answers non-200, \
            so that Exotel goes to the Fallback URL); 4 when the answer dials nobody (`dial: nobody`, or \
            `unmatched: nobody`: Exotel takes "We didn't dial anyone").
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case body, json
    }

    @Argument(help: "The rule-set file, such as rules/support.yaml.")
    var ruleSet: String

    @Option(help: "The request's query string, as Exotel sends it.")
    var query: String

    @Option(name: .customLong("header"), help: "A request header, `name: value` (exotel-version is read). Repeatable.")
    var headers: [String] = []

    @Flag(help: "Explain the decision on stderr: the rule that decided and why each earlier rule did not.")
    var explain = false

    @Option(help: "body: the answer's JSON as sent; json: the answer with its rule, attempt and explanation.")
    var format: Format = .body

    @Option(help: "The server clock, used when the query has no CurrentTime: seconds since 1970 or an ISO 8601 time (default: now).")
    var now: String?

    @Option(help: ArgumentHelp("Agent state to decide with, as JSON: {\"busy\": [AGENT...], \"sticky\": {\"CALLER\": AGENT}}.",
                               discussion: "AGENT is an agent's name, an E.164 number or a sip: address.", valueName: "file"))
    var stateFile: String?

    func run() throws {
        let clock = try serverClock()
        let (_, rules, table) = try loadRuleSet(ruleSet, analyze: true)
        let header = headers.compactMap(Self.versionHeader).first
        let (version, isFallback) = ConnectVersion.negotiate(header: header)
        let request = ConnectRequest(query: query)
        let agents = try stateFile.map { AgentKnowledge(try Self.agentState(file: $0, ruleSet: rules), now: clock) } ?? .none
        var facts = table.reader.facts(for: request, now: clock)
        facts.agents = agents
        let outcome = table.outcome(for: facts, version: version)
        let reference = ReferenceEvaluator(ruleSet: rules)
        var referenceFacts = reference.facts(for: request, now: Date(timeIntervalSince1970: TimeInterval(clock)))
        referenceFacts.agents = agents
        let explanation = reference.explain(referenceFacts)

        switch format {
        case .body:
            if let body = outcome.body {
                FileHandle.standardOutput.write(Data(body))
                if isatty(STDOUT_FILENO) == 1 { FileHandle.standardOutput.write(Data("\n".utf8)) }
            }
            if explain || !outcome.isAnswer {
                // The explanation ends with what the call gets; without it, say just that.
                var lines = explain ? explanation.lines : explanation.lines.suffix(1)
                if isFallback { lines.append("exotel-version `\(header ?? "")` is unknown; answered in \(version.rawValue), the newest known") }
                if !explain && outcome.rule == nil { lines.append("(use --explain to see why no rule matched)") }
                FileHandle.standardError.write(Data(lines.map { $0 + "\n" }.joined().utf8))
            }
        case .json:
            FileHandle.standardOutput.write(Data(try json(outcome, explanation, version: version, isFallback: isFallback, rules: rules).utf8))
        }
        switch outcome {
        case .answer: break
        case .nobody: throw ExitCode(4)
        case .noMatch, .huntExhausted, .noDestination: throw ExitCode(3)
        }
    }

    private func serverClock() throws -> Int64 {
        guard let now else { return Int64(Date().timeIntervalSince1970) }
        if let seconds = Int64(now) { return seconds }
        if let date = ISO8601DateFormatter().date(from: now) { return Int64(date.timeIntervalSince1970) }
        throw ValidationError("--now takes seconds since 1970 or an ISO 8601 time such as 2026-11-25T04:45:00Z")
    }

    /// Longest state file read: a state file is a few agents and callers, not a database.
    static let maxStateFileBytes = 16 << 20

    /// `--state-file`: busy agents and sticky callers, each name resolved in the rule set.
    static func agentState(file path: String, ruleSet: RuleSet) throws -> AgentSnapshot {
        func fail(_ message: String) -> Error {
            FileHandle.standardError.write(Data("error: \(path): \(message)\n".utf8))
            return Exit.usage
        }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path), let data = FileManager.default.contents(atPath: path) else {
            throw fail("cannot read the file")
        }
        if let size = attributes[.size] as? Int, size > maxStateFileBytes { throw fail("over \(maxStateFileBytes >> 20) MiB") }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw fail(#"not a JSON object; expected {"busy": ["priya"], "sticky": {"+919812345678": "rahul"}}"#)
        }
        if let unknown = object.keys.first(where: { $0 != "busy" && $0 != "sticky" }) { throw fail("unknown key `\(unknown)`; expected `busy` and `sticky`") }
        func contact(_ value: Any, at place: String) throws -> DialedContact {
            guard let name = value as? String, let contact = ruleSet.contact(named: name) else {
                throw fail("\(place): `\(value)` is no agent of `\(ruleSet.name)`, nor a number or sip: address")
            }
            return contact
        }
        var busy = Set<DialedContact>()
        if let list = object["busy"] {
            guard let names = list as? [Any] else { throw fail("`busy` is a list of agents") }
            for (index, name) in names.enumerated() { busy.insert(try contact(name, at: "busy[\(index)]")) }
        }
        var sticky: [PhoneNumber: DialedContact] = [:]
        if let map = object["sticky"] {
            guard let entries = map as? [String: Any] else { throw fail("`sticky` maps callers' numbers to agents") }
            for (caller, name) in entries {
                guard let number = E164.normalize(caller[...], home: ruleSet.country) else { throw fail("sticky: `\(caller)` is not a phone number") }
                sticky[number] = try contact(name, at: "sticky[\(caller)]")
            }
        }
        return AgentSnapshot(sticky: sticky, busy: busy)
    }

    static func versionHeader(_ header: String) -> String? {
        let parts = header.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "exotel-version" else { return nil }
        return parts[1].trimmingCharacters(in: .whitespaces)
    }

    private func json(_ outcome: Outcome, _ explanation: Explanation, version: ConnectVersion, isFallback: Bool, rules: RuleSet) throws -> String {
        var object: [String: Any] = [
            "version": version.rawValue,
            "versionFallback": isFallback,
            "explanation": try JSONSerialization.jsonObject(with: JSONEncoder().encode(explanation)),
        ]
        switch outcome {
        case .answer(let rule, let attempt, let body):
            object["status"] = "answer"
            object["rule"] = rules.rules[rule].name
            object["attempt"] = attempt
            object["body"] = try JSONSerialization.jsonObject(with: Data(body))
        case .nobody(let cause, let body):
            object["status"] = "nobody"
            switch cause {
            case .rule(let rule): object["rule"] = rules.rules[rule].name; object["reason"] = "dial-nobody"
            case .noMatch: object["reason"] = "no-match"
            case .huntExhausted(let rule): object["rule"] = rules.rules[rule].name; object["reason"] = "hunt-exhausted"
            case .noDestination(let rule): object["rule"] = rules.rules[rule].name; object["reason"] = "no-destination"
            case .allBusy(let rule): object["rule"] = rules.rules[rule].name; object["reason"] = "all-busy"
            }
            object["body"] = try JSONSerialization.jsonObject(with: Data(body))
        case .noMatch:
            object["status"] = "no-match"
        case .huntExhausted(let rule):
            object["status"] = "hunt-exhausted"
            object["rule"] = rules.rules[rule].name
        case .noDestination(let rule):
            object["status"] = "no-destination"
            object["rule"] = rules.rules[rule].name
        }
        return ReadableJSON.string(object)
    }
}
