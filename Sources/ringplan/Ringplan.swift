import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

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
