import ArgumentParser
import Foundation
import RuleCompiler

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check rule files against the rule language and Exotel's Connect schema.",
        discussion: "Exit status: 0 without errors, 1 with errors (or warnings under --strict), 2 for usage or I/O errors."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case human, plain, json, sarif, github
    }

    @Argument(help: "Rule files or directories of them (default: rules/).")
    var paths: [String] = []

    @Option(help: "Output format: human (source lines and carets), plain (one line each), json, sarif (SARIF 2.1.0) or github (workflow annotations).")
    var format: Format = .human

    @Flag(help: "Treat warnings as errors.")
    var strict = false

    @Flag(help: "Also show remarks: rules part of whose calls earlier rules take, with an example call.")
    var remarks = false

    func run() throws {
        let result: CheckResult
        do {
            result = try Workspace.check(paths: paths.isEmpty ? ["rules"] : paths)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw Exit.usage
        }
        let report = DiagnosticReport(result.diagnostics, strict: strict, remarks: remarks)
        // Machine formats list every diagnostic, not the first 100.
        func everything() -> [Diagnostic] { DiagnosticReport(result.diagnostics, limit: .max, strict: strict, remarks: remarks).shown }
        let output: String
        switch format {
        case .human: output = HumanRenderer(sources: result.sources).render(report)
        case .plain: output = PlainRenderer.render(report)
        case .json: output = JSONRenderer.render(everything())
        case .sarif: output = SARIFRenderer.render(everything())
        case .github: output = GitHubRenderer.render(everything())
        }
        FileHandle.standardOutput.write(Data(output.utf8))
        if report.failed { throw Exit.failure }
    }
}
