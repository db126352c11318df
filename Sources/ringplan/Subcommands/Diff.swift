import ArgumentParser
import Foundation
import Routing
import RuleCompiler

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show exactly which calls a change of the rules answers otherwise.",
        discussion: """
            OLD and NEW are rule files or directories of them. Each rule set of both is compared from \
            the classes of both versions' tables: every region of calls whose deciding rule or answer \
            changes, with a call of it as a query for `ringplan eval`.
            Exit status, as diff(1): 0 no call changes, 1 some do (or a rule set came or went), 2 errors.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case human, json
    }

    @Argument(help: "The rules before the change: a file or a directory.")
    var old: String

    @Argument(help: "The rules after the change: a file or a directory.")
    var new: String

    @Option(help: "Output format: human or json.")
    var format: Format = .human

    func run() throws {
        let diff: WorkspaceDiff
        do {
            diff = try WorkspaceDiff(old: try Self.ruleSets(old), new: try Self.ruleSets(new))
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw Exit.usage
        }
        let output = switch format {
        case .human: DiffRenderer.human(diff)
        case .json: DiffRenderer.json(diff)
        }
        FileHandle.standardOutput.write(Data(output.utf8))
        if diff.changesRouting { throw Exit.failure }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The rule sets of a version, which must check without errors.
    static func ruleSets(_ path: String) throws -> [RuleSet] {
        let result = try Workspace.check(paths: [path], analyze: false)
        let report = DiagnosticReport(result.diagnostics)
        guard !report.failed else {
            throw Failure(description: "\(path) has errors; `ringplan check \(path)` shows them:\n"
                + HumanRenderer(sources: result.sources).render(report))
        }
        return result.ruleSets
    }
}
