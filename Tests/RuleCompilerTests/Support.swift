import Foundation
import Testing
@testable import RuleCompiler

/// Where the test sources are, for the corpus and golden files (read in place, so that
/// re-recording writes back into the repository).
enum TestPaths {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let corpus = testsDirectory.appendingPathComponent("Corpus")
    static let golden = testsDirectory.appendingPathComponent("Golden")
}

/// Compares `output` with a golden file, or writes it there under `RECORD_GOLDEN=1`.
func expectGolden(_ output: String, _ url: URL, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
    if GoldenTests.record {
        try Data(output.utf8).write(to: url)
        return
    }
    let expected = try String(contentsOf: url, encoding: .utf8)
    #expect(output == expected, "re-record with RECORD_GOLDEN=1 if the change is intended", sourceLocation: sourceLocation)
}

/// A fresh directory holding the given files, removed by `remove()`.
struct TemporaryDirectory {
    let url: URL

    init(files: [String: String] = [:]) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("ringplan-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, text) in files { try write(name, text) }
    }

    var path: String { url.path }

    func write(_ name: String, _ text: String) throws {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
    }

    func write(_ name: String, bytes: [UInt8]) throws {
        try Data(bytes).write(to: url.appendingPathComponent(name))
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Loads a YAML text with the project's own loader, for tests that read YAML fixtures.
func loadYAML(_ text: String, path: String = "test.yaml") -> (Node?, Diagnostics) {
    var diagnostics = Diagnostics()
    let node = YAMLLoader.load(SourceFile(path: path, bytes: Array(text.utf8)), into: &diagnostics)
    return (node, diagnostics)
}

/// `CODE file:line:col`, the corpus's way of writing an expected diagnostic.
func summary(_ diagnostic: Diagnostic, relativeTo directory: String) -> String {
    guard let span = diagnostic.span else { return diagnostic.code.rawValue }
    var file = span.file
    if file.hasPrefix(directory + "/") { file.removeFirst(directory.count + 1) }
    return "\(diagnostic.code.rawValue) \(file):\(span.start.line):\(span.start.column)"
}
