import Foundation
import Testing
@testable import RuleCompiler

/// One case of the YAML corpus: rule files, and the diagnostics they must give, each as
/// `CODE file:line:col` (an empty list: the files are clean and every rule set lowers).
struct CorpusCase: CustomTestStringConvertible, Sendable {
    let corpusFile: String
    let note: String
    let files: [(name: String, text: String)]
    let expect: [String]
    /// Extra requirement for valid cases: how many rule sets must lower.
    let ruleSets: Int?
    /// Whether remarks (severity note, such as partly shadowed rules) are expected too.
    let remarks: Bool

    var testDescription: String { "\(corpusFile): \(note)" }

    /// Strict: a misspelt key in the corpus fails loudly rather than testing nothing.
    static func load() throws -> [CorpusCase] {
        let names = try FileManager.default.contentsOfDirectory(atPath: TestPaths.corpus.path).filter { $0.hasSuffix(".yaml") }.sorted()
        var cases: [CorpusCase] = []
        for name in names {
            let text = try String(contentsOf: TestPaths.corpus.appendingPathComponent(name), encoding: .utf8)
            let (root, diagnostics) = loadYAML(text, path: name)
            guard let root, case .mapping(let top) = root.content, top.count == 1, top[0].name == "cases",
                  case .sequence(let items) = top[0].value.content else {
                throw CorpusError("\(name): expected `cases:` with a list (\(diagnostics.all.map(\.message)))")
            }
            for item in items {
                guard case .mapping(let entries) = item.content else { throw CorpusError("\(name): a case is not a mapping") }
                var note: String?, files: [(String, String)] = [], expect: [String]?, ruleSets: Int?, remarks = false
                for entry in entries {
                    switch (entry.name, entry.value.content) {
                    case ("note", .scalar(let value, _)): note = value
                    case ("files", .mapping(let list)): files = list.map { ($0.name, $0.value.scalar ?? "") }
                    case ("expect", .sequence(let list)): expect = list.compactMap(\.scalar)
                    case ("rule_sets", .scalar(let value, _)): ruleSets = Int(value)
                    case ("remarks", .scalar(let value, _)): remarks = value == "true"
                    default: throw CorpusError("\(name):\(entry.key.span.start.line): unknown or malformed key `\(entry.name)`")
                    }
                }
                guard let note, !files.isEmpty, let expect else {
                    throw CorpusError("\(name):\(item.span.start.line): a case needs `note`, `files` and `expect`")
                }
                cases.append(CorpusCase(corpusFile: name, note: note, files: files, expect: expect, ruleSets: ruleSets, remarks: remarks))
            }
        }
        return cases
    }
}

struct CorpusError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

@Suite struct CorpusTests {
    static let cases = (try? CorpusCase.load()) ?? []

    @Test func corpusLoadsAndIsLargeEnough() throws {
        let cases = try CorpusCase.load()
        #expect(cases.count >= 60)
        let notes = cases.map(\.note)
        #expect(Set(notes).count == notes.count, "notes must be unique")
    }

    @Test(arguments: cases)
    func corpusCase(_ testCase: CorpusCase) throws {
        let directory = try TemporaryDirectory(files: Dictionary(testCase.files, uniquingKeysWith: { $1 }))
        defer { directory.remove() }
        let result = try Workspace.check(paths: [directory.path])
        let shown = DiagnosticReport(result.diagnostics, limit: .max, remarks: testCase.remarks).shown
        let actual = shown.map { summary($0, relativeTo: directory.path) }
        let rendered = shown.map(PlainRenderer.render).joined()
        #expect(actual == testCase.expect.sorted(by: Self.sourceOrder), "\n\(rendered)")
        if testCase.expect.isEmpty {
            let expected = testCase.ruleSets ?? 1
            #expect(result.ruleSets.count == expected, "rule sets lowered")
        }
    }

    /// Orders `CODE file:line:col` strings as diagnostics are sorted: file, line, column, code.
    static func sourceOrder(_ lhs: String, _ rhs: String) -> Bool {
        func key(_ text: String) -> (String, Int, Int, String) {
            let parts = text.split(separator: " ")
            guard parts.count == 2 else { return ("", 0, 0, text) }
            let location = parts[1].split(separator: ":")
            return (String(location[0]), Int(location[safe: 1] ?? "") ?? 0, Int(location[safe: 2] ?? "") ?? 0, String(parts[0]))
        }
        return key(lhs) < key(rhs)
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
