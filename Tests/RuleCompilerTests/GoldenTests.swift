import Foundation
import Testing
@testable import RuleCompiler

/// The rendered diagnostics of each directory under `Golden/`, compared with
/// `Golden/<name>.<format>.txt`. `RECORD_GOLDEN=1 swift test` writes them anew; review the
/// diff before committing.
@Suite struct GoldenTests {
    static let record = ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1"
    static let repositoryRules = TestPaths.testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("rules").path

    static let directories: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: TestPaths.golden.path)) ?? []
        return names.filter { name in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: TestPaths.golden.appendingPathComponent(name).path, isDirectory: &isDirectory)
                && isDirectory.boolValue
        }.sorted()
    }()

    @Test func thereAreGoldenCases() {
        #expect(Self.directories.count >= 2)
    }

    @Test(arguments: directories, ["human", "plain", "json"])
    func rendering(_ name: String, _ format: String) throws {
        let directory = TestPaths.golden.appendingPathComponent(name).path
        let result = try Workspace.check(paths: [directory])
        let report = DiagnosticReport(result.diagnostics)
        var output: String
        switch format {
        case "human": output = HumanRenderer(sources: result.sources).render(report)
        case "plain": output = PlainRenderer.render(report)
        default: output = JSONRenderer.render(report.shown)
        }
        // Paths as a user who ran `ringplan check NAME` from Golden/ would see them.
        output = output.replacingOccurrences(of: TestPaths.golden.path + "/", with: "")
        try expectGolden(output, TestPaths.golden.appendingPathComponent("\(name).\(format).txt"))
    }
}
