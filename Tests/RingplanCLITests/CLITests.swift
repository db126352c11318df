import Foundation
import Testing

/// Runs the built `ringplan` binary as a user or CI would, and checks output and exit status.
@Suite struct CLITests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The binary `swift build` put next to this test bundle.
    static let binary: URL? = {
        var candidates: [URL] = []
        if let executable = Bundle.main.executableURL { candidates.append(executable.deletingLastPathComponent()) }
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        candidates.append(packageRoot.appendingPathComponent(".build/debug"))
        for directory in candidates {
            var current = directory
            // The test bundle can sit inside a `.xctest` directory on some platforms.
            for _ in 0..<4 {
                let candidate = current.appendingPathComponent("ringplan")
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
                current.deleteLastPathComponent()
            }
        }
        return nil
    }()

    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    func run(_ arguments: [String], in directory: URL = CLITests.packageRoot) throws -> Run {
        let binary = try #require(Self.binary, "build the package first: swift build")
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                   stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// A copy of `rules/` in a fresh directory, with `edit` applied to one file.
    func brokenCopy(_ file: String, _ edit: (String) -> String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ringplan-cli-\(UUID().uuidString)")
        let rules = directory.appendingPathComponent("rules")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.packageRoot.appendingPathComponent("rules"), to: rules)
        let target = rules.appendingPathComponent(file)
        let text = try String(contentsOf: target, encoding: .utf8)
        try Data(edit(text).utf8).write(to: target)
        return directory
    }

    /// `ringplan diff`: diff(1)'s exit status, the changed region with its rules, fields and
    /// a query that shows it, and a broken version refused with its diagnostics.
    @Test func diffReportsTheCallsAChangeReroutes() throws {
        let changed = try brokenCopy("support.yaml") { $0.replacingOccurrences(of: "    ringing: 20s", with: "    ringing: 25s") }
        let broken = try brokenCopy("support.yaml") { $0.replacingOccurrences(of: "to: [priya, rahul]", with: "to: [pirya, rahul]") }
        defer {
            try? FileManager.default.removeItem(at: changed)
            try? FileManager.default.removeItem(at: broken)
        }
        let same = try run(["diff", "rules", "rules"])
        #expect(same.status == 0)
        #expect(same.stdout == "rule set `sales`: no call changes\nrule set `support`: no call changes\n")
        let result = try run(["diff", "rules", changed.appendingPathComponent("rules").path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("rule set `support`: 1 region of calls answered otherwise\n  `vip` -> `vip`\n"))
        #expect(result.stdout.contains("max_ringing_duration: 20 -> 25"))
        #expect(result.stdout.contains("query: CallFrom=%2B919845012345&"))
        let json = try run(["diff", "rules", changed.appendingPathComponent("rules").path, "--format", "json"])
        #expect(json.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["changes_routing"] as? Bool == true)
        let refused = try run(["diff", "rules", broken.appendingPathComponent("rules").path])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("have errors") && refused.stderr.contains("pirya"))
    }

    /// `ringplan diff --replay LOG`: the log's calls counted by the rules that decide them,
    /// in the report and its exit status; a log that cannot be read is an error.
    @Test func diffReplaysADecisionLog() throws {
        let log = "Tests/RingplanServerTests/Replay/decisions.jsonl"
        let old = "Tests/RuleCompilerTests/Diff/old", new = "Tests/RuleCompilerTests/Diff/new"
        let result = try run(["diff", old, new, "--replay", log])
        #expect(result.status == 1)
        #expect(result.stdout.contains("replay of \(log): 21 decisions of 20 calls\n  5 calls (25.0%) answered otherwise, in 6 decisions\n"))
        let same = try run(["diff", old, old, "--replay", log, "--format", "json"])
        #expect(same.status == 0, "no rule changes and no logged call answered otherwise")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(same.stdout.utf8)) as? [String: Any])
        #expect((object["replay"] as? [String: Any])?["changed_calls"] as? Int == 0)
        let missing = try run(["diff", old, new, "--replay", "no-such.jsonl"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("cannot read no-such.jsonl"))
    }

    /// `ringplan diff --git REV`: the working tree's rules against the same paths at a
    /// revision, from a subdirectory too; a directory the revision lacks compares with nothing.
    @Test func diffAgainstAGitRevision() throws {
        let repository = try brokenCopy("support.yaml") { $0 }
        defer { try? FileManager.default.removeItem(at: repository) }
        func git(_ arguments: [String]) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"] + arguments
            process.currentDirectoryURL = repository
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "git \(arguments)")
        }
        try git(["init", "-q"])
        try git(["add", "rules"])
        try git(["commit", "-qm", "rules"])
        #expect(try run(["diff", "--git", "HEAD", "rules"], in: repository).status == 0)
        let support = repository.appendingPathComponent("rules/support.yaml")
        try Data(try String(contentsOf: support, encoding: .utf8).replacingOccurrences(of: "    ringing: 20s", with: "    ringing: 25s").utf8).write(to: support)
        let changed = try run(["diff", "--git", "HEAD", "--format", "markdown"], in: repository)
        #expect(changed.status == 1, "\(changed.stderr)")
        #expect(changed.stdout.contains("| `support` | 1 | 0 |"))
        let inside = try run(["diff", "--git", "HEAD", "."], in: repository.appendingPathComponent("rules"))
        #expect(inside.status == 1, "\(inside.stderr)")
        try FileManager.default.createDirectory(at: repository.appendingPathComponent("more"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: repository.appendingPathComponent("rules/team.yaml"), to: repository.appendingPathComponent("more/team.yaml"))
        try Data("ringplan: 1\ninclude: [team.yaml]\ntimezone: Asia/Kolkata\ncountry: IN\nrules:\n  - name: all\n    dial: priya\n".utf8)
            .write(to: repository.appendingPathComponent("more/night.yaml"))
        let added = try run(["diff", "--git", "HEAD", "more"], in: repository)
        #expect(added.status == 1)
        #expect(added.stdout == "rule set `night`: added\n")
        #expect(try run(["diff", "--git", "no-such-revision"], in: repository).stderr.contains("no git revision"))
    }

    @Test func exampleRulesAreClean() throws {
        let result = try run(["check", "rules/"])
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.isEmpty)
    }

    @Test func defaultPathIsRules() throws {
        #expect(try run(["check"]).status == 0)
    }

    @Test func aTypoGivesAnErrorWithCaretAndExit1() throws {
        let directory = try brokenCopy("support.yaml") { $0.replacingOccurrences(of: "to: [priya, rahul]", with: "to: [pirya, rahul]") }
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try run(["check", "rules"], in: directory)
        #expect(result.status == 1)
        #expect(result.stdout == """
            rules/support.yaml:25:12: error[RP0400]: unknown agent or group `pirya`
               |
            25 |       to: [pirya, rahul]     # hunt: one at a time, in this order
               |            ^~~~~
               = help: did you mean `priya`?
            1 error, 0 warnings

            """)
    }

    @Test func plainAndJSONFormats() throws {
        let directory = try brokenCopy("team.yaml") { $0.replacingOccurrences(of: "\"+919876500003\"", with: "\"09876500003\"") }
        defer { try? FileManager.default.removeItem(at: directory) }
        let plain = try run(["check", "--format", "plain", "rules"], in: directory)
        #expect(plain.status == 1)
        #expect(plain.stdout == "rules/team.yaml:7:9: error[RP0300]: `09876500003` is not an E.164 number (help: did you mean `+919876500003`?)\n")
        let json = try run(["check", "--format", "json", "rules"], in: directory)
        #expect(json.status == 1)
        let decoded = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        let first = try #require(decoded?.first)
        #expect(decoded?.count == 1)
        #expect(first["code"] as? String == "RP0300")
        #expect(first["line"] as? Int == 7)
        #expect(first["column"] as? Int == 9)
        #expect(first["endLine"] as? Int == 7)
        #expect(first["endColumn"] as? Int == 22)
        #expect(first["severity"] as? String == "error")
        #expect(first["help"] as? String == "did you mean `+919876500003`?")
        #expect(first["notes"] as? [Any] != nil)
        #expect(first["message"] as? String != nil)
    }

    @Test func warningsFailOnlyUnderStrict() throws {
        let directory = try brokenCopy("support.yaml") { $0 + "\n  - name: unreachable\n    dial: priya\n" }
        defer { try? FileManager.default.removeItem(at: directory) }
        let lenient = try run(["check", "rules"], in: directory)
        #expect(lenient.status == 0)
        #expect(lenient.stdout.contains("warning[RP0500]"))
        let strict = try run(["check", "--strict", "rules"], in: directory)
        #expect(strict.status == 1)
        #expect(strict.stdout.contains("error[RP0500]"))
    }

    @Test func missingPathIsAUsageError() throws {
        let result = try run(["check", "no/such/dir"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("no such file or directory: no/such/dir"))
    }

    @Test func unknownOptionIsAUsageError() throws {
        #expect(try run(["check", "--fromat", "json"]).status == 2)
    }

    /// Server options out of range are refused before anything listens.
    @Test(arguments: [
        (["--idle-timeout", "0"], "--idle-timeout must be more than 0"),
        (["--threads", "0"], "--threads must be between 1 and 256"),
        (["--poll=-1"], "--poll must be more than 0"),
        (["--ledger-size", "0"], "--ledger-size must be between 1"),
        (["--port", "70000"], "ports are 0 to 65535"),
    ])
    func serveOptionsAreBounded(_ arguments: [String], _ message: String) throws {
        let result = try run(["serve", "rules"] + arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }
}

@Suite struct EvalCLITests {
    let cli = CLITests()

    @Test func printsExactlyTheBody() throws {
        let result = try cli.run(["eval", "rules/support.yaml", "--query",
                                  "CallSid=a1&CallFrom=09845012345&CallTo=08047112345&CurrentTime=2026-11-25+10:15:00&digits=%222%22"])
        #expect(result.status == 0)
        #expect(result.stdout == #"{"fetch_after_attempt":true,"destination_type":"user","destination":[{"device_contact_uri":"+919876500001"}],"outgoing_phone_number":"+918047115000","record":true,"recording_channels":"dual","max_ringing_duration":20,"max_conversation_duration":1800,"music_on_hold":{"type":"operator_tone"}}"#)
        #expect(result.stderr.isEmpty)
    }

    @Test func version1_1HasNoDestinationType() throws {
        let result = try cli.run(["eval", "rules/support.yaml", "--header", "exotel-version: 1.1", "--query",
                                  "CallSid=a1&CallFrom=09845012345&CallTo=08047112345&CurrentTime=2026-11-25+10:15:00&digits=%222%22"])
        #expect(result.status == 0)
        #expect(result.stdout == #"{"fetch_after_attempt":true,"destination":[{"contact_uri":"+919876500001"}],"outgoing_phone_number":"+918047115000","record":true,"recording_channels":"dual","max_ringing_duration":20,"max_conversation_duration":1800,"music_on_hold":{"type":"operator_tone"}}"#)
    }

    @Test func genericConnectAppletAnswersNumbers() throws {
        let directory = try cli.brokenCopy("team.yaml") { $0.replacingOccurrences(of: "\"sip:vikram4c2e\"", with: "\"+919876500004\"") }
        defer { try? FileManager.default.removeItem(at: directory) }
        let support = directory.appendingPathComponent("rules/support.yaml")
        let text = try String(contentsOf: support, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "country: IN", with: "country: IN\napplet: connect").utf8).write(to: support)
        let query = "CallFrom=09900000001&CallTo=08047112345&CurrentTime=2026-11-25+11:00:00&digits=%222%22"
        for version in ["1.0", "1.1"] {
            let result = try cli.run(["eval", "rules/support.yaml", "--header", "exotel-version: \(version)", "--query", query], in: directory)
            #expect(result.status == 0)
            #expect(result.stdout.hasPrefix(#"{"destination":{"numbers":["+919876500003","+919876500004","+919876500001"]},"parallel_ringing":{"activate":true,"max_parallel_attempts":3}"#))
        }
        #expect(try cli.run(["check", "rules"], in: directory).status == 0)
        // A softphone agent cannot be dialled through the generic applet.
        try Data(try String(contentsOf: directory.appendingPathComponent("rules/team.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "\"+919876500004\"", with: "\"sip:vikram4c2e\"").utf8).write(to: directory.appendingPathComponent("rules/team.yaml"))
        let refused = try cli.run(["check", "rules"], in: directory)
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("error[RP0412]: agent `vikram` is the softphone `sip:vikram4c2e`"))
    }

    @Test func numbersAreReadAsLibphonenumberReadsThem() throws {
        let result = try cli.run(["number", "--country", "IN", "09845012345", "1800 123 4567", "919845012345", "0091-98450-12345", "garbage"])
        #expect(result.status == 0)
        #expect(result.stdout == "+919845012345\n+9118001234567\n+919845012345\n+919845012345\n-\n")
        #expect(try cli.run(["number", "--country", "XX", "1"]).status == 2)
    }

    @Test func headerSelectsVersionAndExplainGoesToStderr() throws {
        let result = try cli.run(["eval", "rules/support.yaml", "--query", "CallFrom=09900000001&CallTo=08047110000&CurrentTime=2026-01-26+11:00:00",
                                  "--header", "Exotel-Version: 1.1", "--explain"])
        #expect(result.status == 0)
        #expect(result.stdout.contains(#""destination":[{"contact_uri":"+918047119999"}]"#))
        #expect(result.stderr.contains("rule `vip` did not match: caller +919900000001 is not in list `vip`"))
        #expect(result.stderr.contains("rule `after-hours` matched: 11:00 Monday 2026-01-26 is in calendar `holidays`, excluded from `business_hours`"))
    }

    /// The opening-hours example: its tests pass, and `--explain` names the form that closed
    /// a calendar and the other zone's time.
    @Test func openingHoursExample() throws {
        let tests = try cli.run(["test", "examples/hours"])
        #expect(tests.status == 0, "\(tests.stdout)\(tests.stderr)")
        #expect(tests.stdout.contains("9 passed, 0 failed"))
        let saturday = try cli.run(["eval", "examples/hours/hours.yaml", "--explain", "--query", "CallFrom=09845012345&CurrentTime=2026-11-14+11:00:00"])
        #expect(saturday.stderr.contains("rule `bengaluru` did not match: 11:00 Saturday 2026-11-14 is in calendar `bank_holidays` (the 2nd Saturday of the month), excluded from `bengaluru`"))
        #expect(saturday.stderr.contains("(09:30 Saturday 2026-11-14 in Asia/Dubai) is outside the hours of calendar `dubai`"))
        let holi = try cli.run(["eval", "examples/hours/hours.yaml", "--explain", "--query", "CallFrom=09845012345&CurrentTime=2027-03-22+10:00:00"])
        #expect(holi.stderr.contains("is in calendar `bank_holidays` (Holi, holidays.ics:11), excluded from `bengaluru`"))
    }

    @Test func jsonFormatCarriesRuleAndExplanation() throws {
        let result = try cli.run(["eval", "rules/support.yaml", "--format", "json", "--query",
                                  "CallFrom=09900000001&CallTo=08047112345&CurrentTime=2026-11-25+11:00:00&digits=%222%22"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["rule"] as? String == "support-line")
        #expect(object["status"] as? String == "answer")
        #expect((object["explanation"] as? [String: Any])?["rule"] as? String == "support-line")
        #expect(((object["body"] as? [String: Any])?["parallel_ringing"] as? [String: Any])?["max_parallel_attempts"] as? Int == 3)
    }

    static let exhaustedQuery = "CallFrom=09845012345&CallTo=08047112345&CurrentTime=2026-11-25+10:15:00&DialWhomNumber=09876500002"

    @Test func exhaustedHuntDialsNobodyAndExitsFour() throws {
        let result = try cli.run(["eval", "rules/support.yaml", "--query", Self.exhaustedQuery])
        #expect(result.status == 4)
        #expect(result.stdout == #"{"fetch_after_attempt":false,"destination_type":"user","destination":[]}"#)
        #expect(result.stderr.contains("the hunt of rule `vip` is exhausted: no destination left"))
        #expect(result.stderr.contains("Exotel takes \"We didn't dial anyone\""))
        let json = try cli.run(["eval", "rules/support.yaml", "--query", Self.exhaustedQuery, "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["status"] as? String == "nobody")
        #expect(object["reason"] as? String == "hunt-exhausted")
    }

    @Test func fallbackRuleSetsExitThreeWithoutABody() throws {
        let directory = try cli.brokenCopy("support.yaml") { $0.replacingOccurrences(of: "unmatched: nobody", with: "unmatched: fallback") }
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try cli.run(["eval", "rules/support.yaml", "--query", Self.exhaustedQuery], in: directory)
        #expect(result.status == 3)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("exhausted"))
        #expect(result.stderr.contains("Fallback URL"))
    }

    @Test func serverClockIsUsedWithoutCurrentTime() throws {
        let result = try cli.run(["eval", "rules/support.yaml", "--query", "CallFrom=09900000001&CallTo=08047110000",
                                  "--now", "2026-11-28T06:30:00Z", "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["rule"] as? String == "everyone-else", "12:00 on a Saturday in India")
        let facts = (object["explanation"] as? [String: Any])?["facts"] as? [String: Any]
        #expect(facts?["timeSource"] as? String == "serverClock")
    }

    @Test func sharedFileIsNoRuleSet() throws {
        #expect(try cli.run(["eval", "rules/team.yaml", "--query", "CallFrom=1"]).status == 2)
    }

    @Test func benchRefusesDebugBuilds() throws {
        // The tests run a debug build; bench must say so rather than print misleading numbers.
        let result = try cli.run(["bench", "--rules", "10", "--numbers", "10"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("release"))
    }
}

@Suite struct TestAndFormatCLITests {
    let cli = CLITests()

    @Test func exampleTestsPassWithFullCoverage() throws {
        let result = try cli.run(["test", "rules/", "--coverage"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("coverage: every rule is reached by a test case"))
        #expect(result.stdout.hasSuffix("19 passed, 0 failed\n"))
    }

    /// The rules no case reaches are listed with their locations, in every format.
    @Test(arguments: ["human", "plain", "json", "sarif", "github"])
    func coverageListsUnreachedRules(_ format: String) throws {
        let directory = try cli.brokenCopy("support.test.yaml") { _ in """
            ringplan: 1
            rules: support.yaml
            cases:
              - name: a VIP caller reaches priya first
                request: "CallFrom=09845012345&CallTo=08047112345&CurrentTime=2026-11-25+10:15:00"
                expect: { rule: vip }
            """ }
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try cli.run(["test", "rules", "--coverage", "--format", format], in: directory)
        #expect(result.status == 0)
        for (rule, line) in [("blocked", 16), ("after-hours", 28), ("support-line", 36), ("everyone-else", 45)] {
            #expect(result.stdout.contains("rule `\(rule)` of `rules/support.yaml` is reached by no test case"), "\(format): \(rule)")
            switch format {
            case "human": #expect(result.stdout.contains("rules/support.yaml:\(line):11: note[RP0602]"))
            case "plain": #expect(result.stdout.contains("rules/support.yaml:\(line):11: note[RP0602]"))
            case "json": #expect(result.stdout.contains("\"line\" : \(line)"))
            case "sarif": #expect(result.stdout.contains("\"startLine\" : \(line)"))
            default: #expect(result.stdout.contains("file=rules/support.yaml,line=\(line),"))
            }
        }
        #expect(!result.stdout.contains("rule `vip` of"))
        if format == "human" || format == "plain" { #expect(result.stdout.hasSuffix("8 passed, 0 failed, 4 rules reached by no case\n")) }
    }

    @Test func aFailingCaseShowsExpectedActualAndTrace() throws {
        let directory = try cli.brokenCopy("support.test.yaml") { $0.replacingOccurrences(of: "expect: { rule: after-hours }", with: "expect: { rule: vip }") }
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try cli.run(["test", "rules", "--coverage"], in: directory)
        #expect(result.status == 1)
        #expect(result.stdout.contains("error[RP0600]: test `Republic Day is closed` failed: expected rule vip, got after-hours"))
        #expect(result.stdout.contains("rule `after-hours` matched: 11:00 Monday 2026-01-26 is in calendar `holidays`, excluded from `business_hours`"))
        #expect(result.stdout.hasSuffix("passed, 2 failed\n"))
        let github = try cli.run(["test", "rules", "--format", "github"], in: directory)
        #expect(github.stdout.contains("::error file=rules/support.test.yaml,line="))
    }

    @Test func sarifHasTheStructureTheSchemaRequires() throws {
        let directory = try cli.brokenCopy("support.yaml") { $0.replacingOccurrences(of: "to: [priya, rahul]", with: "to: [pirya, rahul]") }
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try cli.run(["check", "--format", "sarif", "rules"], in: directory)
        #expect(result.status == 1)
        let log = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(log["version"] as? String == "2.1.0")
        #expect((log["$schema"] as? String)?.contains("sarif-2.1.0") == true)
        let runs = try #require(log["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        let driver = try #require((runs[0]["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "ringplan")
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.contains { $0["id"] as? String == "RP0400" && ($0["help"] as? [String: Any])?["text"] != nil })
        let results = try #require(runs[0]["results"] as? [[String: Any]])
        let first = try #require(results.first)
        #expect(first["ruleId"] as? String == "RP0400")
        #expect(first["level"] as? String == "error")
        #expect((first["message"] as? [String: Any])?["text"] as? String != nil)
        let location = try #require((first["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
        #expect((location["artifactLocation"] as? [String: Any])?["uri"] as? String == "rules/support.yaml")
        let region = try #require(location["region"] as? [String: Any])
        #expect(region["startLine"] as? Int == 25)
        #expect(region["startColumn"] as? Int == 12)
        let ruleIndex = try #require(first["ruleIndex"] as? Int)
        #expect(rules[ruleIndex]["id"] as? String == "RP0400")
    }

    @Test func githubAnnotationsAreCappedMostSevereFirst() throws {
        let directory = try cli.brokenCopy("support.yaml") { text in
            var text = text + "\n  - name: unreachable\n    dial: priya\n"
            for index in 0..<12 { text += "  - name: bad\(index)\n    dial: nobody\(index)\n" }
            return text
        }
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try cli.run(["check", "--format", "github", "rules"], in: directory)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("::") }.count == 10)
        #expect(lines.filter { $0.hasPrefix("::") }.allSatisfy { $0.hasPrefix("::error ") }, "errors before warnings")
        #expect(lines.last?.contains("more not annotated") == true)
    }
}

extension CLITests {
    @Test func showDrawsTheWeek() throws {
        let text = try run(["show", "rules/support.yaml", "--from", "2026-12-21", "--days", "2"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.hasPrefix("Rule set support: who gets the calls, 2026-12-21 to 2026-12-22 (Asia/Kolkata)\n"))
        #expect(text.stdout.contains("  B  vip: hunt priya, rahul\n"))
        #expect(text.stdout.contains("    " + String(repeating: "B", count: 96) + "  callers in vip\n"))
        #expect(text.stdout.contains("mon 2026-12-21\n") && text.stdout.contains("tue 2026-12-22\n"))
        let svg = try run(["show", "rules/sales.yaml", "--format", "svg", "--from", "2026-12-21"])
        #expect(svg.status == 0 && svg.stdout.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\"") && svg.stdout.hasSuffix("</svg>\n"))
        let html = try run(["show", "rules/sales.yaml", "--format", "html"])
        #expect(html.status == 0 && html.stdout.hasPrefix("<!doctype html>") && !html.stdout.contains("<script"))
        // Mistakes: a date that is not one, days out of range, a file that is not a rule set, broken rules.
        let date = try run(["show", "rules/support.yaml", "--from", "2026-02-30"])
        #expect(date.status == 2 && date.stderr.contains("--from `2026-02-30` is not a date"))
        let days = try run(["show", "rules/support.yaml", "--days", "0"])
        #expect(days.status == 2 && days.stderr.contains("--days is 0; it must be 1 to 62"))
        let shared = try run(["show", "rules/team.yaml"])
        #expect(shared.status == 2 && shared.stderr.contains("is not a rule set"))
        let copy = try brokenCopy("support.yaml") { $0.replacingOccurrences(of: "to: [priya, rahul]", with: "to: [pirya, rahul]") }
        defer { try? FileManager.default.removeItem(at: copy) }
        let broken = try run(["show", "rules/support.yaml"], in: copy)
        #expect(broken.status == 1 && broken.stderr.contains("pirya"))
    }
}
