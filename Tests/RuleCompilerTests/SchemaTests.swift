import Foundation
import Testing
@testable import RuleCompiler

/// `ringplan schema` against real validation (Python's jsonschema, reading YAML as the YAML
/// language server does): it accepts the example files and every valid corpus case, and
/// rejects every unknown-key and wrong-type case of the corpus.
@Suite struct SchemaTests {
    static let repository = TestPaths.testsDirectory.deletingLastPathComponent().deletingLastPathComponent()

    func validate(_ files: [String], in directory: String) throws -> [String: String] {
        let schema = directory + "/.schema.json"
        try Data(RuleSchema.json().utf8).write(to: URL(fileURLWithPath: schema))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.repository.appendingPathComponent("scripts/validate-schema.py").path, schema] + files
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
        var results: [String: String] = [:]
        for line in output.split(separator: "\n") {
            guard let colon = line.range(of: ": ") else { continue }
            results[String(line[..<colon.lowerBound])] = String(line[colon.upperBound...])
        }
        return results
    }

    @Test func acceptsTheExampleRules() throws {
        let files = try ["rules", "examples/hours"].flatMap { folder in
            let path = Self.repository.appendingPathComponent(folder).path
            return try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".yaml") }.map { path + "/" + $0 }
        }
        let results = try validate(files, in: NSTemporaryDirectory())
        #expect(results.count == files.count)
        for file in files { #expect(results[file] == "ok", "\(file): \(results[file] ?? "no result")") }
    }

    @Test func judgesTheCorpusAsTheCheckerDoes() throws {
        let cases = try CorpusCase.load()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var expected: [String: Bool] = [:] // path -> must be valid
        for (index, testCase) in cases.enumerated() {
            let shapeErrors = testCase.expect.filter { $0.hasPrefix("RP0200 ") || $0.hasPrefix("RP0201 ") }
            guard testCase.expect.isEmpty || !shapeErrors.isEmpty else { continue }
            for (name, text) in testCase.files where name.hasSuffix(".yaml") {
                let path = "\(directory.path)/\(index)-\(name)"
                try directory.write("\(index)-\(name)", text)
                if testCase.expect.isEmpty {
                    expected[path] = true
                } else if shapeErrors.contains(where: { $0.contains(" \(name):") }) {
                    expected[path] = false
                }
            }
        }
        #expect(expected.values.filter { !$0 }.count >= 12)
        let results = try validate(Array(expected.keys), in: directory.path)
        for (path, valid) in expected {
            let result = results[path] ?? "no result"
            #expect((result == "ok") == valid, "\(path) should be \(valid ? "accepted" : "rejected"): \(result)")
        }
    }
}
