import Foundation
import Testing

let installedNeovim: String? = ["/usr/bin/nvim", "/usr/local/bin/nvim"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// `ringplan lsp` with a real editor's client: Neovim's, headless, driven by
/// `Editors/nvim-lsp.lua`. Enabled when `nvim` is installed (`.ci/run` installs Debian's).
@Suite(.enabled(if: installedNeovim != nil)) struct EditorTests {
    @Test func neovimShowsTheDiagnostics() throws {
        let binary = try #require(CLITests.binary, "build the package first: swift build")
        let copy = try CLITests().brokenCopy("support.yaml") { $0.replacingOccurrences(of: "to: [priya, rahul]", with: "to: [pirya, rahul]") }
        defer { try? FileManager.default.removeItem(at: copy) }
        let out = copy.appendingPathComponent("nvim.json")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: installedNeovim!)
        process.arguments = ["--headless", "-u", "NONE", "-n", "-c",
                             "luafile " + CLITests.packageRoot.appendingPathComponent("Tests/RingplanCLITests/Editors/nvim-lsp.lua").path]
        process.environment = ProcessInfo.processInfo.environment.merging([
            "RINGPLAN_BIN": binary.path, "RINGPLAN_FILE": copy.appendingPathComponent("rules/support.yaml").path, "RINGPLAN_OUT": out.path,
        ]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(90)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning { process.terminate() }
        let data = try Data(contentsOf: out)
        let result = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(result["attached"] as? Bool == true)
        let diagnostics = result["diagnostics"] as? [[String: Any]] ?? []
        let typo = try #require(diagnostics.first { ($0["message"] as? String)?.contains("pirya") == true }, "\(diagnostics)")
        #expect(typo["severity"] as? Int == 1)
        #expect((typo["message"] as? String)?.contains("did you mean `priya`?") == true)
        let lines = try String(contentsOf: copy.appendingPathComponent("rules/support.yaml"), encoding: .utf8).components(separatedBy: "\n")
        #expect(typo["line"] as? Int == lines.firstIndex { $0.contains("pirya") })
        #expect((result["hover"] as? String)?.contains("max_ringing_duration") == true, "\(result)")
        #expect((result["definition"] as? String)?.hasSuffix("/team.yaml") == true, "\(result)")
        // After the edit: the new error at its line, the typo still at its own (above the edit).
        let edited = try #require(result["edited"] as? Int)
        let after = result["after"] as? [[String: Any]] ?? []
        #expect(after.contains { $0["code"] as? String == "RP0305" && $0["line"] as? Int == edited }, "\(after)")
        #expect(after.contains { ($0["message"] as? String)?.contains("pirya") == true && $0["line"] as? Int == typo["line"] as? Int }, "\(after)")
    }
}
