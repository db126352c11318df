import ArgumentParser
import Foundation
import NIOCore
import NIOPosix
import Routing
import RuleCompiler

@main
struct Ringplan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ringplan",
        abstract: "Call-routing rules for Exotel's Connect applet.",
        subcommands: [Serve.self, Check.self, Test.self, Eval.self, Diff.self, Show.self, Bench.self, Schema.self, Number.self, Lsp.self]
    )

    /// ArgumentParser exits 64 on a usage error; Ringplan's contract is 2.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if let serve = command as? Serve {
                if let threads = serve.threads { NIOSingletons.groupLoopCountSuggestion = threads }
                // Tasks then run on the event loops that do the I/O, instead of hopping to
                // Swift's own thread pool and back on every request: on two cores the
                // extra threads and switches cost a third of the throughput. Only from the
                // main thread, before anything has suspended, which is here.
                _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
            }
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(Exit.usage.rawValue)
            }
            exit(withError: error)
        }
    }
}

/// Exit statuses shared by every subcommand: scripts and CI tell rule problems from usage problems.
enum Exit {
    /// Rule errors (or warnings under `--strict`), failed tests.
    static let failure = ExitCode(1)
    /// Usage or I/O errors: a missing path, an unreadable file.
    static let usage = ExitCode(2)
}

/// A rule-set file named on the command line, checked (with its includes) and lowered: its
/// errors are printed and exit 1; a path that does not exist or a file without `rules`, 2.
func loadRuleSet(_ path: String, analyze: Bool) throws -> (result: CheckResult, ruleSet: RuleSet, table: DecisionTable) {
    let result: CheckResult
    do {
        result = try Workspace.check(paths: [path], analyze: analyze)
    } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        throw Exit.usage
    }
    if result.diagnostics.hasErrors {
        FileHandle.standardError.write(Data(HumanRenderer(sources: result.sources).render(DiagnosticReport(result.diagnostics)).utf8))
        throw Exit.failure
    }
    guard let ruleSet = result.ruleSets.first(where: { $0.name == ((path as NSString).lastPathComponent as NSString).deletingPathExtension }) else {
        FileHandle.standardError.write(Data("error: \(path) is not a rule set (it has no `rules`)\n".utf8))
        throw Exit.usage
    }
    do {
        return (result, ruleSet, try result.tables[ruleSet.name] ?? DecisionTable(ruleSet: ruleSet))
    } catch {
        FileHandle.standardError.write(Data("error: cannot build an answer: \(error)\n".utf8))
        throw Exit.failure
    }
}
