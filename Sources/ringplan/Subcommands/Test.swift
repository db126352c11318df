import ArgumentParser
import Foundation
import RuleCompiler

struct Test: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the test cases of *.test.yaml files against their rule sets.",
        discussion: "Exit status: 0 when every case passes, 1 when any fails (or the files have errors), 2 for usage or I/O errors."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case human, plain, json, sarif, github
    }

    @Argument(help: "Test files or directories of them (default: rules/).")
    var paths: [String] = []

    @Flag(help: "List the rules no test case reaches.")
    var coverage = false

    @Option(help: "Output format: human, plain (one line each), json, sarif (SARIF 2.1.0) or github (workflow annotations).")
    var format: Format = .human

    func run() throws {
        let report: TestRunner.Report
        do {
            report = try TestRunner.run(paths: paths.isEmpty ? ["rules"] : paths)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw Exit.usage
        }
        var diagnostics = report.diagnostics
        if coverage {
            for (file, rule, span) in report.uncovered {
                diagnostics.add(Diagnostic(.uncoveredRule, "rule `\(rule)` of `\(file)` is reached by no test case", at: span,
                                           help: "add a case whose request this rule decides"))
            }
        }
        // Uncovered rules are notes (information, not failures): shown whenever asked for.
        let shown = DiagnosticReport(diagnostics, remarks: coverage)
        let sorted = DiagnosticReport(diagnostics, limit: .max, remarks: coverage).shown
        let summary = "\(report.passed) passed, \(report.failed) failed"
            + (coverage && !report.uncovered.isEmpty ? ", \(report.uncovered.count) rule\(report.uncovered.count == 1 ? "" : "s") reached by no case" : "")
        switch format {
        case .human:
            var output = HumanRenderer(sources: report.sources).render(shown).components(separatedBy: "\n")
            // The renderer's own count line would repeat the summary below.
            if let last = output.last(where: { !$0.isEmpty }), last.hasSuffix("warnings") || last.hasSuffix("warning") {
                output.removeAll { $0 == last }
            }
            let body = output.joined(separator: "\n").trimmingCharacters(in: .newlines)
            if !body.isEmpty { print(body) }
            if coverage && report.uncovered.isEmpty { print("coverage: every rule is reached by a test case") }
            if report.files.isEmpty { print("no *.test.yaml files found") }
            print(summary)
        case .plain:
            print(PlainRenderer.render(shown), terminator: "")
            print(summary)
        case .json:
            print(JSONRenderer.render(sorted), terminator: "")
        case .sarif:
            print(SARIFRenderer.render(sorted), terminator: "")
        case .github:
            print(GitHubRenderer.render(sorted), terminator: "")
            print(summary)
        }
        if report.failed > 0 || report.diagnostics.hasErrors { throw Exit.failure }
    }
}
