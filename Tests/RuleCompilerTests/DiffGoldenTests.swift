import Foundation
import Routing
@testable import RuleCompiler
import Testing

/// `ringplan diff`'s reports of one change to the example rules (`Diff/old` -> `Diff/new`):
/// `vip` moved below `after-hours` with its list renamed, a split's weights changed, a rule
/// set added. Compared with `Diff/<format>.txt`; `RECORD_GOLDEN=1 swift test` writes them anew.
@Suite struct DiffGoldenTests {
    static let directory = TestPaths.testsDirectory.appendingPathComponent("Diff")

    static func diff() throws -> WorkspaceDiff {
        func version(_ name: String) throws -> WorkspaceDiff.Version {
            let result = try Workspace.check(paths: [directory.appendingPathComponent(name).path], analyze: false)
            #expect(!result.diagnostics.hasErrors, "\(result.diagnostics.all.map(\.message))")
            return WorkspaceDiff.Version(result)
        }
        return try WorkspaceDiff(old: version("old"), new: version("new"))
    }

    @Test(arguments: ["human", "json", "markdown", "github"])
    func report(_ format: String) throws {
        let diff = try Self.diff()
        #expect(diff.changesRouting)
        let output = switch format {
        case "human": DiffRenderer.human(diff)
        case "json": DiffRenderer.json(diff)
        case "markdown": DiffRenderer.markdown(diff)
        default: DiffRenderer.github(diff)
        }
        // Paths as the repository has them, wherever it is checked out.
        let relative = output.replacingOccurrences(of: Self.directory.path + "/", with: "Diff/")
        try expectGolden(relative, Self.directory.appendingPathComponent("\(format).txt"))
    }

    /// What the change does, said without the renderers: the VIP callers out of hours go to
    /// `after-hours`, the split moves callers (a plan that depends on the call, compared
    /// whole), the renamed list changes nothing, and `night` is new.
    @Test func theChangeIsWhatWasEdited() throws {
        let diff = try Self.diff()
        #expect(diff.added == ["night"])
        #expect(diff.removed.isEmpty)
        let regions = diff.compared.flatMap { ruleSet in ruleSet.regions.map { "\(ruleSet.new.name): \($0.oldRule ?? "-") -> \($0.newRule ?? "-")" } }
        #expect(regions == ["sales: new-business -> new-business", "support: vip -> after-hours"])
        // In words: the names that hold for all of a region's calls, and those for none.
        #expect(diff.compared.flatMap { $0.regions.map(\.words) }
            == ["callers not in table `rm`, in `business_hours`", "callers in list `key-accounts`, callers in list `vip`, outside `business_hours`"])
    }
}
