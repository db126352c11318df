import Foundation
@testable import RuleCompiler
import Testing

@Suite struct EditedRulesTests {
    func change(_ old: String, _ new: String) -> LineChange {
        LineChange(old: Array(old.utf8), new: Array(new.utf8))
    }

    @Test func lineChangesAreTheLinesAroundTheDifferingBytes() {
        let text = "a\nb\nc\nd\n"
        #expect(change(text, text).isEmpty)
        #expect(change(text, "a\nB\nc\nd\n") == LineChange(start: 1, oldEnd: 2, newEnd: 2))
        #expect(change(text, "a\nb\nx\ny\nc\nd\n") == LineChange(start: 2, oldEnd: 2, newEnd: 4))
        #expect(change(text, "a\nd\n") == LineChange(start: 1, oldEnd: 3, newEnd: 1))
        // The last line, with and without its line break.
        #expect(change("a\nb", "a\nc") == LineChange(start: 1, oldEnd: 2, newEnd: 2))
        #expect(change("a\n", "a\nb\n") == LineChange(start: 1, oldEnd: 1, newEnd: 2))
        #expect(change("a\nb", "a\nb\nc") == LineChange(start: 1, oldEnd: 2, newEnd: 3))
        // A line repeated at the edges of the change: still the smallest.
        #expect(change("x\nx\nx\n", "x\nx\nx\nx\n") == LineChange(start: 3, oldEnd: 3, newEnd: 4))
        #expect(change("", "a") == LineChange(start: 0, oldEnd: 1, newEnd: 1))
    }

    @Test func diagnosticsMoveWithTheLinesAroundAChange() {
        let moves = LineChange(start: 4, oldEnd: 6, newEnd: 9)  // old lines 5-6 (1-based) became 5-9
        func at(_ line: Int, file: String = "a.yaml") -> SourceSpan {
            SourceSpan(file: file, start: .init(line: line, column: 3), end: .init(line: line, column: 8))
        }
        let before = Diagnostic(.unknownKey, "x", at: at(4), notes: [.init("after", at: at(7)), .init("inside", at: at(5)), .init("elsewhere", at: at(5, file: "b.yaml"))])
        let moved = moves.moved(before, in: "a.yaml")
        #expect(moved?.span == at(4))
        #expect(moved?.notes.map(\.message) == ["after", "elsewhere"])
        #expect(moved?.notes.first?.span == at(10))
        #expect(moved?.notes.last?.span == at(5, file: "b.yaml"))
        #expect(moves.moved(Diagnostic(.unknownKey, "x", at: at(6)), in: "a.yaml") == nil)
        #expect(moves.moved(Diagnostic(.unknownKey, "x", at: at(7)), in: "a.yaml")?.span == at(10))
        #expect(moves.line(3) == 3 && moves.line(5) == nil && moves.line(7) == 10)
    }

    static let file = """
        ringplan: 1
        agents:
          a: "+919876500001"
        rules:
          - name: one
            dial: a

          - name: two
            when: { caller: "+919876500002" }
            dial: a
          # a comment between rules
          - name: three
            dial: a
        defaults:
          ringing: 20s

        """

    func edited(_ old: String, _ new: String) -> EditedRules? {
        EditedRules(old: Array(old.utf8), new: Array(new.utf8))
    }

    @Test func anEditOfARuleKeepsThatRuleAloneInItsPlace() throws {
        let new = Self.file.replacingOccurrences(of: "dial: a\n  # a", with: "dial: b\n  # a")
        let rules = try #require(edited(Self.file, new))
        // Rule `two` (lines 8-11, 0-based 7..<11, its comment included), and nothing else.
        #expect(rules.change == LineChange(start: 7, oldEnd: 11, newEnd: 11))
        let lines = String(decoding: rules.text, as: UTF8.self).components(separatedBy: "\n")
        #expect(lines.count == new.components(separatedBy: "\n").count)
        #expect(lines[0..<4] == ["ringplan: 1", "agents:", "  a: \"+919876500001\"", "rules:"])
        #expect(lines[4..<7] == ["", "", ""])
        #expect(lines[7..<11] == ["  - name: two", "    when: { caller: \"+919876500002\" }", "    dial: b", "  # a comment between rules"])
        #expect(lines[11..<13] == ["", ""])
        #expect(lines[13..<15] == ["defaults:", "  ringing: 20s"])
        // A new rule inserted before `three`: read with `two` (a deletion there would join them).
        let inserted = try #require(edited(Self.file, Self.file.replacingOccurrences(of: "  - name: three", with: "  - name: between\n    dial: a\n  - name: three")))
        #expect(inserted.change == LineChange(start: 7, oldEnd: 11, newEnd: 13))
    }

    @Test func anEditOutsideTheRulesNeedsTheWholeCheck() {
        #expect(edited(Self.file, Self.file) == nil)
        #expect(edited(Self.file, Self.file.replacingOccurrences(of: "a: \"+919876500001\"", with: "a: \"+919876500003\"")) == nil)
        #expect(edited(Self.file, Self.file.replacingOccurrences(of: "ringing: 20s", with: "ringing: 25s")) == nil)
        #expect(edited(Self.file, Self.file.replacingOccurrences(of: "rules:\n", with: "rules: # all\n")) == nil)
        // Deleting the key after the list joins its lines to the last rule.
        #expect(edited(Self.file, Self.file.replacingOccurrences(of: "defaults:\n", with: "")) == nil)
        let flow = "ringplan: 1\nrules: [{ name: one, dial: nobody }]\n"
        #expect(edited(flow, flow.replacingOccurrences(of: "one", with: "two")) == nil)
    }

    /// The edited rules checked alone find, on their lines, what the whole check finds there:
    /// each rule of the example rule sets broken in several ways.
    @Test func theEditedRulesAloneFindWhatTheWholeCheckFinds() throws {
        let rules = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("rules")
        let breakages: [(String, String)] = [
            ("ringing: 20s", "ringing: 90s"), ("to: [priya, rahul]", "to: [pirya, rahul]"), ("caller: vip", "caller: vipp"),
            ("to: support", "to: \"98450 12345\""), ("max_parallel: 3", "max_parallel: 0\n      record: loud"),
            ("dial: nobody", "dial: nobody\n    ringing: 10s"), ("exophone: \"+918047112345\"", "exophone: \"+91804711\""),
            ("skill: support", "skill: supprt"), ("time: { not: business_hours }", "time: { not: business_hour }"),
            ("dial:\n      to: sales", "dial:\n      to: sales\n      strategy: sideways"),
        ]
        var compared = 0
        for name in ["support.yaml", "sales.yaml"] {
            let path = rules.appendingPathComponent(name).path
            let old = try String(contentsOfFile: path, encoding: .utf8)
            for (from, to) in breakages where old.contains(from) {
                let new = old.replacingOccurrences(of: from, with: to)
                let edit = try #require(edited(old, new), "\(name): \(from)")
                let whole = try Workspace.check(paths: [path], analyze: false, overlays: [path: Array(new.utf8)])
                let alone = try Workspace.check(paths: [path], analyze: false, overlays: [path: edit.text])
                // Places alike; the key paths count the rules checked (`rules[0]` for the one
                // checked alone), and the editor shows none.
                func inside(_ result: CheckResult) -> Set<Diagnostic> {
                    Set(result.diagnostics.all.compactMap { diagnostic in
                        guard var span = diagnostic.span, span.file == path,
                              span.start.line > edit.change.start && span.start.line <= edit.change.newEnd else { return nil }
                        var diagnostic = diagnostic
                        span.path = ""
                        diagnostic.span = span
                        return diagnostic
                    })
                }
                #expect(!inside(whole).filter { $0.severity == .error }.isEmpty, "\(name): \(to) is an error")
                #expect(inside(alone) == inside(whole), "\(name): \(from) -> \(to)")
                compared += 1
            }
        }
        #expect(compared >= 10)
    }
}
