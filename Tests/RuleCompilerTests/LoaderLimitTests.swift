import Foundation
import Testing
@testable import RuleCompiler

/// Hostile YAML: each must end in one clear error, never a hang, a crash or gigabytes.
@Suite struct LoaderLimitTests {
    func codes(_ text: String) -> [DiagnosticCode] {
        let (root, diagnostics) = loadYAML(text)
        #expect(root == nil)
        return diagnostics.all.map(\.code)
    }

    @Test func billionLaughsStopsAtTheFirstAnchor() {
        var text = "ringplan: 1\na: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n"
        for level in 1...9 {
            let previous = String(UnicodeScalar(UInt8(ascii: "a") + UInt8(level - 1)))
            let name = String(UnicodeScalar(UInt8(ascii: "a") + UInt8(level)))
            text += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ", ") + "]\n"
        }
        let found = codes(text)
        #expect(found.first == .anchorOrAlias)
        #expect(Set(found).isSubset(of: [.anchorOrAlias, .tooManyProblems]))
        #expect(found.count <= YAMLLoader.maxProblems + 1, "problems per file are capped")
    }

    @Test func aliasUsedAsAKeyIsRefused() {
        #expect(codes("a: &k x\n*k : 1\n").allSatisfy { $0 == .anchorOrAlias })
    }

    @Test func tenThousandDeepNestingIsRefused() {
        let deepLists = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(codes(deepLists) == [.nestingTooDeep])
        let deepMappings = String(repeating: "{a: ", count: 10_000) + "1" + String(repeating: "}", count: 10_000)
        #expect(codes(deepMappings) == [.nestingTooDeep])
        var block = ""
        for depth in 0..<200 { block += String(repeating: " ", count: depth) + "k:\n" }
        #expect(codes(block) == [.nestingTooDeep])
    }

    @Test func fiftyMegabyteFileIsRefusedBeforeParsing() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let line = Array("# padding padding padding padding padding padding padding padding\n".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(50 << 20)
        while bytes.count < 50 << 20 { bytes += line }
        try directory.write("big.yaml", bytes: bytes)
        let result = try Workspace.check(paths: [directory.path + "/big.yaml"])
        #expect(result.diagnostics.all.map(\.code) == [.fileTooLarge])
    }

    @Test func invalidUTF8IsReportedAtTheByte() {
        var diagnostics = Diagnostics()
        let bytes = Array("ringplan: 1\nagents:\n  a: \"".utf8) + [0xC3, 0x28] + Array("\"\n".utf8)
        let root = YAMLLoader.load(SourceFile(path: "bad.yaml", bytes: bytes), into: &diagnostics)
        #expect(root == nil)
        #expect(diagnostics.all.map(\.code) == [.invalidUTF8])
        #expect(diagnostics.all.first?.span?.start == SourcePosition(line: 3, column: 7))
    }

    @Test(arguments: [
        [0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82],
    ] as [[UInt8]])
    func malformedSequencesAreFound(_ sequence: [UInt8]) {
        let bytes = Array("ok ".utf8) + sequence
        let offset = bytes.withUnsafeBufferPointer { UTF8Validation.firstInvalidOffset($0) }
        #expect(offset == 3)
    }

    @Test func validMultibyteTextPasses() {
        let bytes = Array("name: \"प्रिया ✓ 😀\"\n".utf8)
        #expect(bytes.withUnsafeBufferPointer { UTF8Validation.firstInvalidOffset($0) } == nil)
    }

    @Test func spansAndPathsAreRecordedForKeysAndValues() throws {
        let (root, _) = loadYAML("ringplan: 1\nrules:\n  - name: vip\n    dial: { to: [priya, \"rahul\"] }\n")
        let root1 = try #require(root)
        guard case .mapping(let top) = root1.content, case .sequence(let rules) = top[1].value.content,
              case .mapping(let rule) = rules[0].content, case .mapping(let dial) = rule[1].value.content,
              case .sequence(let to) = dial[0].value.content else {
            Issue.record("unexpected shape")
            return
        }
        #expect(to[1].span.start == SourcePosition(line: 4, column: 25))
        #expect(to[1].span.end == SourcePosition(line: 4, column: 32))
        #expect(to[1].span.path == "rules[0].dial.to[1]")
        #expect(rule[1].key.span.start == SourcePosition(line: 4, column: 5))
        if case .scalar(_, let plain) = to[1].content { #expect(!plain) }
    }
}
