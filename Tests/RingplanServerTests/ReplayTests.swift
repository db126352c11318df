import Foundation
@testable import RingplanServer
import RuleCompiler
import Testing

/// `ringplan diff --replay`: a decision log's requests decided again by two versions.
@Suite struct ReplayTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Replay")
    /// The two versions of the diff's golden tests: `vip` moved below `after-hours`, a
    /// split's weights changed, rule set `night` added.
    static let versions = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("RuleCompilerTests/Diff")

    static func version(_ path: String) throws -> WorkspaceDiff.Version {
        let result = try Workspace.check(paths: [path], analyze: false)
        #expect(!result.diagnostics.hasErrors)
        return WorkspaceDiff.Version(result)
    }

    static func replay(_ log: String, old: String, new: String) throws -> WorkspaceDiff {
        var diff = try WorkspaceDiff(old: version(old), new: version(new))
        let replay = try DecisionReplay(old: diff.old.ruleSets, new: diff.new.ruleSets, path: log)
        try replay.replay(file: log)
        diff.replay = replay.report
        return diff
    }

    static func fixture() throws -> WorkspaceDiff {
        try replay(directory.appendingPathComponent("decisions.jsonl").path, old: versions.appendingPathComponent("old").path,
                   new: versions.appendingPathComponent("new").path)
    }

    /// The fixture log (`Replay/decisions.jsonl`): decisions as the server writes them, a
    /// hunt's re-fetch, a split by caller, a rule set only NEW has, and every kind of line
    /// that cannot be used; one line with its members reordered, spaced, escaped and nested.
    @Test func theFixtureLogsCallsAreCountedByTheRulesThatDecideThem() throws {
        let report = try #require(try Self.fixture().replay)
        #expect(report.lines == 27)
        #expect(report.decisions == 21)
        #expect(report.calls == 20, "c2's re-fetch is the same call")
        #expect(report.changedDecisions == 6)
        #expect(report.groups.map { "\($0.ruleSet): \($0.oldRule ?? "-") -> \($0.newRule ?? "-") \($0.calls)/\($0.decisions)" }
            == ["support: vip -> after-hours 2/3", "sales: new-business -> new-business 2/2", "night: - -> duty 1/1"])
        #expect(report.groups[0].example.callSid == "c2")
        #expect(report.groups[0].example.connectVersion == "1.0")
        #expect(report.unused == [.malformed: 2, .refusal: 1, .notADecision: 1, .withoutRequest: 1, .unknownRuleSet: 1])
        #expect(report.withAgentState == 1)
        #expect(report.notAsLogged == 1, "c6's log names `everyone-else`; the old rules give it to `after-hours`")
    }

    @Test(arguments: ["human", "json", "markdown", "github"])
    func report(_ format: String) throws {
        let diff = try Self.fixture()
        let output = DiffRenderer.render(diff, as: try #require(DiffRenderer.Format(rawValue: format)))
        let relative = output.replacingOccurrences(of: Self.versions.path + "/", with: "Diff/")
            .replacingOccurrences(of: Self.directory.path + "/", with: "Replay/")
        let golden = Self.directory.appendingPathComponent("\(format).txt")
        if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" {
            try Data(relative.utf8).write(to: golden)
        } else {
            #expect(relative == (try String(contentsOf: golden, encoding: .utf8)), "re-record with RECORD_GOLDEN=1 if the change is intended")
        }
    }

    static func scan(_ line: String) -> Result<LoggedDecision, ReplayReport.Unused> {
        Array(line.utf8).withUnsafeBufferPointer { bytes in Result { () throws(ReplayReport.Unused) in try LoggedDecision(line: bytes) } }
    }

    /// Why a line is not used; nil when it is.
    static func unused(_ line: String) -> ReplayReport.Unused? {
        if case .failure(let reason) = scan(line) { return reason }
        return nil
    }

    @Test func aDecisionLineIsReadStrictly() throws {
        let line = #"{"msg":"decision","call_sid":"a\"1","rule_set":"support","rule":"vip","connect_version":"1.1","request":"CallSid=a1\u0026x=\u00e9\ud83d\ude00","now":1796000000,"agent_state":["sticky"],"x":[{"y":[]},-1.5E+3,true,null]}"#
        let logged = try Self.scan(line).get()
        #expect(logged.callSid == "a\"1")
        #expect(logged.query == "CallSid=a1&x=é😀")
        #expect(logged.now == 1_796_000_000)
        #expect(logged.agentState)
        #expect(logged.connectVersion == "1.1")
        #expect(try Self.scan(#"{"msg":"decision","call_sid":"-","rule_set":"s","rule":"r","request":"","now":1,"agent_state":[]}"#).get().callSid == nil)
        let malformed = [
            "", "[]", "{", #"{"msg":"decision",}"#, #"{"msg":"decision"} x"#, #"{"msg":"deci"#, #"{"msg":"a\qb"}"#,
            #"{"msg":"a\u12"}"#, "{\"msg\":\"a\tb\"}", #"{"msg":01}"#, #"{"msg":-}"#, #"{"msg":1.}"#, #"{"msg":tru}"#,
            #"{"msg":"decision","rule_set":"s","rule":"r","request":"q","now":1.5}"#,
            #"{"msg":"decision","request":"q","now":1}"#,
            String(repeating: "[", count: 100) + String(repeating: "]", count: 100),
            #"{"a":"# + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}",
            #"{"msg":"decision","pad":""# + String(repeating: "x", count: LoggedDecision.maxLineBytes) + #""}"#,
        ]
        for text in malformed { #expect(Self.unused(text) == .malformed, "\(text.prefix(80))") }
        #expect(Self.unused(#"{"msg":"refused","status":401}"#) == .refusal)
        #expect(Self.unused(#"{"level":"info"}"#) == .notADecision)
        #expect(Self.unused(#"{"msg":"decision","rule_set":"s","rule":"r"}"#) == .withoutRequest)
    }

    /// Lines across the 4 MiB blocks the file is read in, a line over the bound (counted
    /// once, the lines after it read), and a last line without a newline.
    @Test func longFilesAreReadLineByLine() throws {
        let line = #"{"msg":"decision","call_sid":"CALL","rule_set":"support","rule":"vip","connect_version":"1.0","request":"CallSid=CALL&CallFrom=09845012345&CallTo=08047112345&CurrentTime=2026-11-25+10%3A15%3A00","now":1796000000}"#
        var text = ""
        for index in 0..<30_000 {
            text += line.replacingOccurrences(of: "CALL", with: "c\(index)") + "\n"
            if index == 20_000 { text += #"{"msg":"decision","pad":""# + String(repeating: "x", count: 5 << 20) + "\"}\n" }
        }
        text += line.replacingOccurrences(of: "CALL", with: "last")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ringplan-replay-\(UUID().uuidString).jsonl").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let rules = Self.versions.appendingPathComponent("old").path
        let report = try #require(try Self.replay(path, old: rules, new: rules).replay)
        #expect(report.lines == 30_002)
        #expect(report.decisions == 30_001)
        #expect(report.calls == 30_001)
        #expect(report.unused == [.malformed: 1])
        #expect(report.changedDecisions == 0 && report.groups.isEmpty)
    }

    /// The server writes the log (over a real socket, with `--log-numbers` and a token):
    /// each decision carries its request without the key, and the server's clock; replayed
    /// against an edit of the rules, exactly the calls the edit touches change.
    @Test func aLogTheServerWroteIsReplayed() async throws {
        let server = try await TestServer(token: "s3cret", logNumbers: true)
        let queries = [
            "CallSid=a1&CallFrom=09845012345&CallTo=08047112345&CurrentTime=2026-11-25+10:15:00&digits=%222%22", // vip, hunted
            "CallSid=a1&CallFrom=09845012345&CallTo=08047112345&CurrentTime=2026-11-25+10:15:30&DialWhomNumber=%2B919876500001",
            "CallSid=b1&CallFrom=09812345678&CallTo=08047112345&CurrentTime=2026-11-25+21:00:00", // after hours
            "CallSid=c1&CallFrom=09999900000&CallTo=08047112345&CurrentTime=2026-11-25+21:00:00", // blocked
        ]
        let log: String
        do {
            for query in queries { #expect(try await server.get("/connect/support?key=s3cret&" + query).status == 200) }
            #expect(try await server.get("/connect/support?key=wrong&CallSid=d1").status == 401)
            server.logSink.flush()
            log = try String(contentsOfFile: server.logPath, encoding: .utf8)
        }
        let rules = server.directory.path
        let objects = log.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let logged = objects.filter { $0["msg"] as? String == "decision" }
        #expect(logged.compactMap { $0["request"] as? String } == queries, "the key is left out")
        #expect(logged.allSatisfy { ($0["now"] as? Int).map { abs($0 - Int(Date().timeIntervalSince1970)) < 60 } == true })

        // NEW: `vip` rings for 25 s, and `blocked` is gone.
        let new = FileManager.default.temporaryDirectory.appendingPathComponent("ringplan-replay-\(UUID().uuidString)")
        try FileManager.default.copyItem(atPath: rules, toPath: new.path)
        defer { try? FileManager.default.removeItem(at: new) }
        let support = new.appendingPathComponent("support.yaml")
        let text = try String(contentsOf: support, encoding: .utf8)
        let edited = text.replacingOccurrences(of: "    ringing: 20s", with: "    ringing: 25s")
            .replacingOccurrences(of: "  - name: blocked\n    when:\n      caller: blocked\n", with: "  - name: blocked\n    when:\n      caller: \"+919999999999\"\n")
        #expect(edited != text)
        try Data(edited.utf8).write(to: support)
        let logCopy = new.path + ".jsonl"
        try Data(log.utf8).write(to: URL(fileURLWithPath: logCopy))
        defer { try? FileManager.default.removeItem(atPath: logCopy) }
        let report = try #require(try Self.replay(logCopy, old: rules, new: new.path).replay)
        await server.stop()
        #expect(report.decisions == 4 && report.calls == 3)
        #expect(report.unused == [.refusal: 1])
        #expect(report.notAsLogged == 0, "the old version is the one that wrote the log")
        #expect(report.groups.map { "\($0.oldRule ?? "-") -> \($0.newRule ?? "-") \($0.calls)/\($0.decisions)" }
            == ["vip -> vip 1/2", "blocked -> after-hours 1/1"])
    }
}
