import ArgumentParser
import Foundation
import RingplanServer
import Routing
import RuleCompiler

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show exactly which calls a change of the rules answers otherwise.",
        discussion: """
            `ringplan diff OLD NEW` compares rule files or directories; `ringplan diff --git REV [PATHS]` \
            compares the working tree's PATHS (default rules/) with the same paths at git revision REV. \
            Each rule set of both versions is compared from the classes of both versions' tables: every \
            region of calls whose deciding rule or answer changes, with a call of it as a query for \
            `ringplan eval`.
            Exit status, as diff(1): 0 no call changes, 1 some do (or a rule set came or went), 2 errors.
            """
    )


    @Argument(help: "OLD and NEW (files or directories); with --git, the working tree's paths (default rules/).")
    var paths: [String] = []

    @Option(help: ArgumentHelp("Compare the paths with the same paths at this git revision.", valueName: "rev"))
    var git: String?

    @Option(help: "Output format: human, json, markdown (for a pull-request comment) or github (workflow annotations).")
    var format: DiffRenderer.Format = .human

    @Option(help: ArgumentHelp("Also decide the requests of this decision log (written by `ringplan serve --log-numbers`; - for standard input) with both versions, and count the calls answered otherwise.",
                               valueName: "decisions.jsonl"))
    var replay: String?

    func validate() throws {
        if git == nil && paths.count != 2 {
            throw ValidationError("give OLD and NEW, or --git REV and the paths to compare (default rules/)")
        }
    }

    func run() throws {
        var diff: WorkspaceDiff
        do {
            let old: WorkspaceDiff.Version, new: WorkspaceDiff.Version
            if let git {
                let paths = paths.isEmpty ? ["rules"] : paths
                let checkout = try GitCheckout(revision: git, paths: paths)
                defer { checkout.remove() }
                (old, new) = (try Self.version(checkout.paths, label: "\(git)"), try Self.version(paths, label: "the working tree"))
            } else {
                (old, new) = (try Self.version([paths[0]], label: paths[0]), try Self.version([paths[1]], label: paths[1]))
            }
            // The replay needs only the rule sets: it runs beside the regions' computation.
            let (oldRuleSets, newRuleSets) = (old.ruleSets, new.ruleSets)
            let replayed = replay.map { path in Background { () throws -> ReplayReport in
                let replayer = try DecisionReplay(old: oldRuleSets, new: newRuleSets, path: path)
                try replayer.replay(file: path)
                return replayer.report
            } }
            diff = try WorkspaceDiff(old: old, new: new)
            diff.replay = try replayed?.value()
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw Exit.usage
        }
        FileHandle.standardOutput.write(Data(DiffRenderer.render(diff, as: format).utf8))
        if diff.changesRouting { throw Exit.failure }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// A version's rule sets, which must check without errors; paths that do not exist hold
    /// none (a directory added or removed by the change).
    static func version(_ paths: [String], label: String) throws -> WorkspaceDiff.Version {
        let existing = paths.filter { FileManager.default.fileExists(atPath: $0) }
        guard !existing.isEmpty else { return WorkspaceDiff.Version(ruleSets: []) }
        let result = try Workspace.check(paths: existing, analyze: false)
        let report = DiagnosticReport(result.diagnostics)
        guard !report.failed else {
            throw Failure(description: "the rules of \(label) have errors; `ringplan check` shows them:\n"
                + HumanRenderer(sources: result.sources).render(report))
        }
        return WorkspaceDiff.Version(result)
    }
}

/// Work on a thread of its own, whose result is waited for.
final class Background<Value>: @unchecked Sendable {
    private let done = DispatchGroup()
    // Written once by the work before `done` is left, read only after it is waited for.
    private var result: Result<Value, any Error>?

    init(_ work: @escaping @Sendable () throws -> Value) {
        done.enter()
        Thread.detachNewThread { [self] in
            result = Result(catching: work)
            done.leave()
        }
    }

    func value() throws -> Value {
        done.wait()
        return try result!.get()
    }
}

extension DiffRenderer.Format: ExpressibleByArgument {}

/// The paths at a git revision, written to a temporary directory by `git archive`.
struct GitCheckout {
    let directory: URL
    /// The given paths, within the directory (those the revision does not have are missing).
    let paths: [String]

    init(revision: String, paths: [String]) throws {
        let prefix = try Self.git(["rev-parse", "--show-prefix"]).trimmingCharacters(in: .whitespacesAndNewlines)
        guard (try? Self.git(["rev-parse", "--verify", "--quiet", revision + "^{commit}"])) != nil else {
            throw Diff.Failure(description: "`\(revision)` is no git revision here")
        }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ringplan-diff-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let archive = directory.appendingPathComponent("old.tar")
        // Paths the revision lacks are left out, so that a directory the change adds compares with nothing.
        let top = try Self.git(["rev-parse", "--show-toplevel"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let present = paths.map { Self.normalized(prefix + $0) }.filter { (try? Self.git(["cat-file", "-e", "\(revision):\($0)"])) != nil }
        if !present.isEmpty {
            // From the top, so that the archive's paths are the repository's whatever the directory.
            _ = try Self.git(["-C", top, "archive", "--format=tar", "--output=\(archive.path)", revision, "--"] + present)
            _ = try Self.run("/usr/bin/env", ["tar", "-xf", archive.path, "-C", directory.path])
        }
        let root = directory.appendingPathComponent(prefix)
        self.paths = paths.map { root.appendingPathComponent($0).path }
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    /// `a/./b/` as git names it: `a/b`.
    static func normalized(_ path: String) -> String {
        path.split(separator: "/").filter { $0 != "." && !$0.isEmpty }.joined(separator: "/")
    }

    static func git(_ arguments: [String]) throws -> String { try run("/usr/bin/env", ["git"] + arguments) }

    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Diff.Failure(description: "\(arguments.joined(separator: " ")) failed: \(String(decoding: errors, as: UTF8.self))")
        }
        return String(decoding: output, as: UTF8.self)
    }
}
