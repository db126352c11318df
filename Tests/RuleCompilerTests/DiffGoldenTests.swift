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
        let output = DiffRenderer.render(diff, as: try #require(DiffRenderer.Format(rawValue: format)))
        // Paths as the repository has them, wherever it is checked out.
        let relative = output.replacingOccurrences(of: Self.directory.path + "/", with: "Diff/")
        try expectGolden(relative, Self.directory.appendingPathComponent("\(format).txt"))
    }

    /// Hours that change are said as spans of minutes when the calendar's name cannot say
    /// them (it holds in both versions, for other minutes): `business_hours` closing at
    /// 19:00 instead of 18:30 moves exactly Mon-Fri 18:30-19:00, holidays aside.
    @Test func changedHoursAreSaidAsSpansOfMinutes() throws {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("ringplan-hours-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Self.directory.appendingPathComponent("old"), to: copy)
        defer { try? FileManager.default.removeItem(at: copy) }
        let team = copy.appendingPathComponent("team.yaml")
        let text = try String(contentsOf: team, encoding: .utf8)
        #expect(text.contains(#""14:00-18:30""#))
        try Data(text.replacingOccurrences(of: #""14:00-18:30""#, with: #""14:00-19:00""#).utf8).write(to: team)
        let old = try Workspace.check(paths: [Self.directory.appendingPathComponent("old").path], analyze: false)
        let new = try Workspace.check(paths: [copy.path], analyze: false)
        let diff = try WorkspaceDiff(old: WorkspaceDiff.Version(old), new: WorkspaceDiff.Version(new))
        let words = diff.compared.flatMap { $0.regions.map(\.words) }
        #expect(!words.isEmpty)
        for said in words {
            #expect(said.contains("mon-fri 18:30-19:00 (not on the calendars' special days)") && !said.contains("business_hours"), "\(said)")
        }
    }

    /// Hours too scattered to read as spans (five a day) are said by the calendar's name in
    /// each version, since the name alone would say both "in" and "outside" it.
    @Test func aCalendarOfBothVersionsSaysWhichVersionsItIs() throws {
        func version(_ windows: [String]) throws -> WorkspaceDiff.Version {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ringplan-calendar-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let text = """
                ringplan: 1
                timezone: Asia/Kolkata
                country: IN
                agents: { day: "+919876500001", night: "+919876500002" }
                calendars:
                  business_hours:
                    weekly: { daily: [\(windows.map { "\"\($0)\"" }.joined(separator: ", "))] }
                rules:
                  - name: open
                    when: { time: business_hours }
                    dial: day
                  - name: closed
                    dial: night
                """
            try Data(text.utf8).write(to: directory.appendingPathComponent("desk.yaml"))
            let result = try Workspace.check(paths: [directory.path], analyze: false)
            #expect(!result.diagnostics.hasErrors, "\(result.diagnostics.all.map(\.message))")
            return WorkspaceDiff.Version(result)
        }
        let hours = [10, 12, 14, 16, 18]
        let diff = try WorkspaceDiff(old: version(hours.map { "\($0):00-\($0):30" }), new: version(hours.map { "\($0):00-\($0):45" }))
        #expect(diff.compared.flatMap { $0.regions.map(\.words) } == ["in `business_hours` (new), outside `business_hours` (old)"])
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
