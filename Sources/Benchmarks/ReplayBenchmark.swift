import ConnectProtocol
import Foundation
import RingplanServer
import Routing
import RuleCompiler

/// Measures `ringplan diff --replay`: a decision log written by the server's own code
/// (`ConnectService` and its JSON-lines log, under `--log-numbers`) for the synthetic rule
/// set, replayed against that rule set and an edited copy.
public enum ReplayBenchmark {
    public struct Report: Codable, Sendable {
        public var old: String
        public var new: String
        public var log: String
        public var logLines: Int
        public var logMegabytes: Double
        /// Reading and checking both versions (as `ringplan diff` does before replaying).
        public var checkMilliseconds: Double
        /// Building both versions' tables (part of `replayMilliseconds`).
        public var tablesMilliseconds: Double
        /// Building both versions' tables and replaying the log.
        public var replayMilliseconds: Double
        public var changedCalls: Int
        public var calls: Int
        public var groups: Int

        public var lines: [String] {
            [
                "log: \(log), \(logLines) lines, \(String(format: "%.0f", logMegabytes)) MB",
                "reading and checking both versions: \(String(format: "%.0f ms", checkMilliseconds))",
                "replay (both tables built, every line decided by both): \(String(format: "%.0f ms", replayMilliseconds)), "
                    + String(format: "of which %.0f ms building the tables; %.2f µs a line", tablesMilliseconds,
                             (replayMilliseconds - tablesMilliseconds) * 1000 / Double(max(1, logLines))),
                "calls answered otherwise: \(changedCalls) of \(calls), in \(groups) groups",
                "again, whole: time ringplan diff \(old) \(new) --replay \(log)",
            ]
        }
    }

    /// The edit of the new version: the calls no rule takes go to another team, and every
    /// rule that rings for 17 s (one in fifty) rings for 18 s.
    static func edit(_ text: String) -> String {
        text.replacingOccurrences(of: "    dial: team0\n", with: "    dial: team1\n")
            .replacingOccurrences(of: "    ringing: 17s\n", with: "    ringing: 18s\n")
    }

    /// Writes OLD (the synthetic rule set), NEW (edited) and a log of `lines` lines in
    /// `directory`, then times the replay.
    public static func run(directory: String, lines: Int, rules: Int, numbers: Int, tableRows: Int) throws -> Report {
        let old = (directory as NSString).appendingPathComponent("old"), new = (directory as NSString).appendingPathComponent("new")
        let log = (directory as NSString).appendingPathComponent("decisions.jsonl")
        try? FileManager.default.removeItem(atPath: new)
        try? FileManager.default.removeItem(atPath: log)
        let oldFile = try SyntheticRuleSet.write(to: old, rules: rules, numbers: numbers, tableRows: tableRows)
        try FileManager.default.copyItem(atPath: old, toPath: new)
        let newFile = (new as NSString).appendingPathComponent((oldFile as NSString).lastPathComponent)
        try Data(edit(try String(contentsOfFile: newFile, encoding: .utf8)).utf8).write(to: URL(fileURLWithPath: newFile))
        try writeLog(rules: old, to: log, lines: lines)

        let start = Benchmark.monotonicNanoseconds()
        let before = try Workspace.check(paths: [old], analyze: false), after = try Workspace.check(paths: [new], analyze: false)
        guard !before.diagnostics.hasErrors else { throw Benchmark.Failure.diagnostics(before) }
        guard !after.diagnostics.hasErrors else { throw Benchmark.Failure.diagnostics(after) }
        let checked = Benchmark.monotonicNanoseconds()
        let replay = try DecisionReplay(old: before.ruleSets, new: after.ruleSets, path: log)
        let built = Benchmark.monotonicNanoseconds()
        try replay.replay(file: log)
        let replayed = Benchmark.monotonicNanoseconds()
        let report = replay.report
        let size = (try? FileManager.default.attributesOfItem(atPath: log)[.size] as? Int) ?? 0
        return Report(old: old, new: new, log: log, logLines: report.lines, logMegabytes: Double(size) / 1e6,
                      checkMilliseconds: Double(checked - start) / 1e6, tablesMilliseconds: Double(built - checked) / 1e6,
                      replayMilliseconds: Double(replayed - checked) / 1e6,
                      changedCalls: report.changedCalls, calls: report.calls, groups: report.groups.count)
    }

    /// The log of `lines` decisions: the synthesizer's calls, each a first fetch, and a
    /// re-fetch after every answer that asks for one (a hunt's next attempt), as Exotel
    /// sends them. A minute of calls a thousand at a time.
    static func writeLog(rules: String, to path: String, lines: Int) throws {
        let store = RuleStore(directory: rules)
        let loaded = store.reload(trigger: "bench")
        guard loaded.outcome == .loaded, let table = store.current?.tables["synthetic"] else {
            throw Benchmark.Failure.notARuleSet(rules + ": " + loaded.diagnostics)
        }
        let sink = try JSONLinesSink(path: path)
        let service = ConnectService(store: store, ledger: HuntLedger(), metrics: ServerMetrics(), decisions: DecisionLog(sink: sink),
                                     token: nil, logNumbers: true)
        var synthesizer = RequestSynthesizer(ruleSet: table.ruleSet)
        var written = 0, now: Int64 = 1_795_000_000
        while written < lines {
            let query = synthesizer.query()
            var reply = service.answer(name: "synthetic", query: Substring(query), versionHeader: "1.1", now: now)
            written += 1
            var attempt = 1
            while written < lines, String(decoding: reply.body, as: UTF8.self).contains("\"fetch_after_attempt\":true"), attempt < 4 {
                reply = service.answer(name: "synthetic", query: Substring(query + "&DialCallStatus=no-answer"), versionHeader: "1.1", now: now + 20)
                written += 1
                attempt += 1
            }
            if written % 1_000 == 0 { now += 60 }
        }
        sink.flush()
    }
}
