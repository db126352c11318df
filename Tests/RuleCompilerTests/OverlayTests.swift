import Foundation
@testable import RuleCompiler
import Testing

/// What the language server checks with: unsaved texts read instead of the files, and data
/// files kept from one check to the next while they do not change.
@Suite struct OverlayTests {
    static let ruleSet = """
        ringplan: 1
        agents: { a: "+919876500001" }
        lists:
          vip: { file: vip.txt }
        rules:
          - name: vip
            when: { caller: vip }
            dial: a
          - name: rest
            dial: a
        """

    @Test func unsavedTextsAreReadInsteadOfTheFiles() throws {
        let directory = try TemporaryDirectory(files: ["desk.yaml": Self.ruleSet, "vip.txt": "+919845012345\n"])
        defer { directory.remove() }
        let clean = try Workspace.check(paths: [directory.path], analyze: false)
        #expect(!clean.diagnostics.hasErrors)
        let typo = Self.ruleSet.replacingOccurrences(of: "dial: a\n", with: "dial: b\n")
        let overlaid = try Workspace.check(paths: [directory.path], analyze: false,
                                           overlays: [directory.url.appendingPathComponent("desk.yaml").path: Array(typo.utf8)])
        #expect(overlaid.diagnostics.all.contains { $0.message.contains("`b`") })
        // A file not saved yet is a rule file of its directory.
        let unsaved = try Workspace.check(paths: [directory.path], analyze: false,
                                          overlays: [directory.url.appendingPathComponent("new.yaml").path: Array(typo.utf8)])
        #expect(unsaved.files.contains { $0.hasSuffix("new.yaml") })
        #expect(unsaved.diagnostics.all.contains { $0.span?.file.hasSuffix("new.yaml") == true })
    }

    @Test func dataFilesAreKeptWhileTheyDoNotChange() throws {
        let directory = try TemporaryDirectory(files: ["desk.yaml": Self.ruleSet, "vip.txt": "+919845012345\n"])
        defer { directory.remove() }
        let cache = DataFileCache()
        let first = try Workspace.check(paths: [directory.path], analyze: false, dataFiles: cache)
        #expect(!first.diagnostics.hasErrors)
        #expect(cache.count == 1)
        let again = try Workspace.check(paths: [directory.path], analyze: false, dataFiles: cache)
        #expect(again.ruleSets.first?.lists.first?.numbers.count == 1)
        // Changed (another size): read again, and its mistake reported.
        try directory.write("vip.txt", "+919845012345\n12345\n")
        let changed = try Workspace.check(paths: [directory.path], analyze: false, dataFiles: cache)
        #expect(changed.diagnostics.all.contains { $0.span?.file.hasSuffix("vip.txt") == true }, "\(changed.diagnostics.all.map(\.message))")
        // An unsaved text of it is read, not the kept copy.
        let overlaid = try Workspace.check(paths: [directory.path], analyze: false,
                                           overlays: [directory.url.appendingPathComponent("vip.txt").path: Array("+919845012345\n+919845012346\n".utf8)],
                                           dataFiles: cache)
        #expect(!overlaid.diagnostics.hasErrors)
        #expect(overlaid.ruleSets.first?.lists.first?.numbers.count == 2)
    }
}
