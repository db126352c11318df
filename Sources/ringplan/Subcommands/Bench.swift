import ArgumentParser
import Benchmarks
import Foundation

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure compiling a rule set and answering requests from it (release builds only).",
        discussion: """
            With a RULESET, measures that rule set; without, writes a deterministic synthetic rule set of \
            --rules rules, a list file of --numbers numbers and a CRM table of --table-rows rows (kept in --output \
            if given) and measures it.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: "A rule-set file to measure (default: a synthetic one).")
    var ruleSet: String?

    @Option(help: "Rules in the synthetic rule set.")
    var rules = 10_000

    @Option(help: "Numbers in the synthetic rule set's list file.")
    var numbers = 1_000_000

    @Option(help: "Rows of the synthetic rule set's CRM table, which some rules look up and some split on (0: no table).")
    var tableRows = 1_000_000

    @Option(help: "Requests to time.")
    var requests = 200_000

    @Option(help: "Requests to time on the (slow) reference evaluator (default: about ten seconds' worth).")
    var referenceRequests: Int?

    @Option(help: "Keep the synthetic rule set in this directory.")
    var output: String?

    @Flag(help: "Also time decisions with agent state in use: the synthetic rule set gets rules that dial `sticky`, and the server's state holds sticky callers and busy agents.")
    var agentState = false

    @Option(help: ArgumentHelp("Instead, time `ringplan diff --replay` of a decision log of this many lines, written by the server's code for the synthetic rule set, against an edited copy (kept in --output if given).",
                               valueName: "lines"))
    var replay: Int?

    @Option(help: "text: one line per figure; json: one object.")
    var format: Format = .text

    func run() throws {
        #if DEBUG
        FileHandle.standardError.write(Data("error: bench measures release builds only: swift run -c release ringplan bench\n".utf8))
        throw Exit.usage
        #else
        if let replay {
            try runReplay(lines: replay)
            return
        }
        var path = ruleSet
        var temporary: String?
        if path == nil {
            let directory = output ?? NSTemporaryDirectory() + "ringplan-bench-\(ProcessInfo.processInfo.processIdentifier)"
            if output == nil { temporary = directory }
            path = try SyntheticRuleSet.write(to: directory, rules: rules, numbers: numbers, tableRows: tableRows, sticky: agentState)
        }
        defer { if let temporary { try? FileManager.default.removeItem(atPath: temporary) } }
        var report: Benchmark.Report
        do {
            report = try Benchmark.run(path: path!, requests: requests, referenceRequests: referenceRequests, agentState: agentState)
            if ruleSet == nil && tableRows > 0 {
                let tableOnly = ((path! as NSString).deletingLastPathComponent as NSString).appendingPathComponent(SyntheticRuleSet.tableOnlyFile)
                report.tableLoadMilliseconds = try Benchmark.checkMilliseconds(path: tableOnly)
            }
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw Exit.failure
        }
        try print(format, report.lines, report)
        #endif
    }

    func runReplay(lines: Int) throws {
        let directory = output ?? NSTemporaryDirectory() + "ringplan-bench-\(ProcessInfo.processInfo.processIdentifier)"
        defer { if output == nil { try? FileManager.default.removeItem(atPath: directory) } }
        let report: ReplayBenchmark.Report
        do {
            report = try ReplayBenchmark.run(directory: directory, lines: lines, rules: rules, numbers: numbers, tableRows: tableRows)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw Exit.failure
        }
        try print(format, report.lines, report)
    }

    private func print(_ format: Format, _ lines: [String], _ report: some Encodable) throws {
        switch format {
        case .text:
            Swift.print(lines.joined(separator: "\n"))
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            Swift.print(String(decoding: try encoder.encode(report), as: UTF8.self))
        }
    }
}
