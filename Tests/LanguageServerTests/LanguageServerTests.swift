import Foundation
@testable import LanguageServer
import RuleCompiler
import Testing

/// An editor's side of the protocol over pipes: the server runs on a thread of its own, as
/// `ringplan lsp` runs it on stdio.
final class TestClient: @unchecked Sendable {
    let toServer = Pipe(), toClient = Pipe()
    let server: LanguageServer
    private let lock = NSCondition()
    private var received: [[String: Any]] = []
    private var exitCode: Int32?
    private var nextID = 1

    init(debounce: Double = 0.05) {
        server = LanguageServer(writer: MessageWriter(fileDescriptor: toClient.fileHandleForWriting.fileDescriptor), debounce: debounce)
        let input = toServer.fileHandleForReading.fileDescriptor
        Thread.detachNewThread { [self] in
            let code = server.run(input: input)
            lock.lock()
            exitCode = code
            lock.broadcast()
            lock.unlock()
        }
        let output = toClient.fileHandleForReading.fileDescriptor
        Thread.detachNewThread { [self] in
            var reader = MessageReader(fileDescriptor: output)
            while let message = reader.next() {
                guard case .body(let body) = message, let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { continue }
                lock.lock()
                received.append(object)
                lock.broadcast()
                lock.unlock()
            }
        }
    }

    func sendRaw(_ bytes: [UInt8]) {
        toServer.fileHandleForWriting.write(Data(bytes))
    }

    func send(_ object: [String: Any]) {
        let body = try! JSONSerialization.data(withJSONObject: object)
        sendRaw(Array("Content-Length: \(body.count)\r\n\r\n".utf8) + [UInt8](body))
    }

    func notify(_ method: String, _ params: [String: Any]) {
        send(["jsonrpc": "2.0", "method": method, "params": params])
    }

    /// Sends a request and waits for its response.
    func request(_ method: String, _ params: [String: Any] = [:]) throws -> [String: Any] {
        let id = nextID
        nextID += 1
        send(["jsonrpc": "2.0", "id": id, "method": method, "params": params])
        return try wait("the response to \(method)") { $0["id"] as? Int == id }
    }

    /// Waits for a message that `matches`, taking it (and what came before it) off the list.
    func wait(_ what: String, timeout: Double = 20, _ matches: ([String: Any]) -> Bool) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(timeout)
        lock.lock()
        defer { lock.unlock() }
        while true {
            if let index = received.firstIndex(where: matches) {
                let found = received[index]
                received.removeFirst(index + 1)
                return found
            }
            guard lock.wait(until: deadline) else { throw TestFailure("no \(what) within \(timeout) s; got \(received)") }
        }
    }

    /// The next diagnostics published for `uri` that `matches`.
    func diagnostics(_ uri: String, _ matches: ([[String: Any]]) -> Bool = { _ in true }) throws -> [[String: Any]] {
        let message = try wait("diagnostics for \(uri)") { message in
            guard message["method"] as? String == "textDocument/publishDiagnostics", let params = message["params"] as? [String: Any],
                  params["uri"] as? String == uri, let list = params["diagnostics"] as? [[String: Any]] else { return false }
            return matches(list)
        }
        return (message["params"] as? [String: Any])?["diagnostics"] as? [[String: Any]] ?? []
    }

    func initialize(root: URL) throws -> [String: Any] {
        let response = try request("initialize", ["processId": NSNull(), "rootUri": root.absoluteString, "capabilities": [:]])
        notify("initialized", [:])
        return response
    }

    /// `shutdown`, `exit`, and the server's exit code.
    func stop() throws -> Int32 {
        _ = try request("shutdown")
        notify("exit", [:])
        let deadline = Date().addingTimeInterval(10)
        lock.lock()
        defer { lock.unlock() }
        while exitCode == nil { guard lock.wait(until: deadline) else { throw TestFailure("the server did not exit") } }
        return exitCode!
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A copy of the example rules, removed when the test ends.
struct RulesCopy {
    let url: URL
    static let repositoryRules = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("rules")

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("ringplan-lsp-\(UUID().uuidString)").standardizedFileURL
        try FileManager.default.copyItem(at: Self.repositoryRules, to: url)
    }

    func uri(_ name: String) -> String { url.appendingPathComponent(name).standardizedFileURL.absoluteString }
    func text(_ name: String) throws -> String { try String(contentsOf: url.appendingPathComponent(name), encoding: .utf8) }
    func remove() { try? FileManager.default.removeItem(at: url) }
}

@Suite struct LanguageServerTests {
    @Test func lifecycleAndMalformedInput() throws {
        let client = TestClient()
        let rules = try RulesCopy()
        defer { rules.remove() }
        let initialized = try client.initialize(root: rules.url)
        let capabilities = try #require((initialized["result"] as? [String: Any])?["capabilities"] as? [String: Any])
        #expect(capabilities["documentSymbolProvider"] as? Bool == true)
        #expect((capabilities["textDocumentSync"] as? [String: Any])?["change"] as? Int == 2)
        // Not JSON; JSON that is no request; a header without a length; then a request that works.
        client.sendRaw(Array("Content-Length: 5\r\n\r\n{oops".utf8))
        #expect((try client.wait("a parse error") { ($0["error"] as? [String: Any])?["code"] as? Int == -32700 })["id"] is NSNull)
        client.send(["jsonrpc": "2.0", "id": 99, "params": [:]])
        #expect((try client.wait("an invalid request") { $0["id"] as? Int == 99 })["error"] != nil)
        client.sendRaw(Array("X-Nothing: 1\r\n\r\n".utf8))
        _ = try client.wait("a framing error") { ($0["error"] as? [String: Any])?["message"] as? String == "parse error: a message without a valid Content-Length header" }
        let unknown = try client.request("textDocument/rename", [:])
        #expect((unknown["error"] as? [String: Any])?["code"] as? Int == -32601)
        #expect(try client.stop() == 0)
    }

    /// A text over the loader's limit gets its diagnostic, and the server goes on answering.
    @Test func aFileOverTheLimitGetsADiagnostic() throws {
        let client = TestClient()
        let rules = try RulesCopy()
        defer { rules.remove() }
        _ = try client.initialize(root: rules.url)
        let big = rules.uri("big.yaml")
        let text = "ringplan: 1\n# " + String(repeating: "x", count: YAMLLoader.maxFileBytes) + "\n"
        client.notify("textDocument/didOpen", ["textDocument": ["uri": big, "languageId": "yaml", "version": 1, "text": text]])
        let found = try client.diagnostics(big) { !$0.isEmpty }
        #expect(found.contains { $0["code"] as? String == "RP0102" }, "\(found)")
        let symbols = try client.request("textDocument/documentSymbol", ["textDocument": ["uri": big]])
        #expect((symbols["result"] as? [Any])?.isEmpty == true)
        #expect(try client.stop() == 0)
    }

    /// Diagnostics come from the unsaved text, with the code, the help and the place; a fix
    /// clears them; an edit of a shared file reaches the rule set that includes it.
    @Test func diagnosticsFollowTheUnsavedText() throws {
        let client = TestClient()
        let rules = try RulesCopy()
        defer { rules.remove() }
        _ = try client.initialize(root: rules.url)
        let support = rules.uri("support.yaml"), team = rules.uri("team.yaml")
        let text = try rules.text("support.yaml")
        let broken = text.replacingOccurrences(of: "to: [priya, rahul]", with: "to: [pirya, rahul]")
        #expect(broken != text)
        client.notify("textDocument/didOpen", ["textDocument": ["uri": support, "languageId": "yaml", "version": 1, "text": broken]])
        let found = try client.diagnostics(support) { !$0.isEmpty }
        let typo = try #require(found.first { ($0["message"] as? String)?.contains("pirya") == true })
        #expect(typo["severity"] as? Int == 1)
        #expect((typo["code"] as? String)?.hasPrefix("RP04") == true)
        #expect((typo["message"] as? String)?.contains("help: did you mean `priya`?") == true, "\(typo)")
        let line = broken.components(separatedBy: "\n").firstIndex { $0.contains("pirya") }!
        let start = try #require(((typo["range"] as? [String: Any])?["start"] as? [String: Any]))
        #expect(start["line"] as? Int == line)
        #expect(start["character"] as? Int == broken.components(separatedBy: "\n")[line].distance(of: "pirya"))

        // The example rules' notes (dates in the past, partly shadowed rules) stay; the errors go.
        func errors(_ list: [[String: Any]]) -> [[String: Any]] { list.filter { $0["severity"] as? Int == 1 } }
        client.notify("textDocument/didChange", ["textDocument": ["uri": support, "version": 2], "contentChanges": [["text": text]]])
        _ = try client.diagnostics(support) { errors($0).isEmpty }

        // Renaming an agent in the shared file breaks the rule sets that dial it, unopened or not.
        let teamText = try rules.text("team.yaml")
        client.notify("textDocument/didOpen", ["textDocument": ["uri": team, "languageId": "yaml", "version": 1,
                                                                "text": teamText.replacingOccurrences(of: "  rahul:", with: "  rahool:")]])
        let reached = try client.diagnostics(support) { list in errors(list).contains { ($0["message"] as? String)?.contains("rahul") == true } }
        #expect(!reached.isEmpty)
        client.notify("textDocument/didClose", ["textDocument": ["uri": team]])
        _ = try client.diagnostics(support) { errors($0).isEmpty }
        #expect(try client.stop() == 0)
    }

    /// Edits as editors send them (ranges in UTF-16); the edited rule's diagnostics come
    /// before the whole check's (here a second later), with the file's other diagnostics
    /// moved to their new lines, analyses' findings included; then the whole check agrees.
    @Test func theEditedRuleIsCheckedFirst() throws {
        let client = TestClient(debounce: 1.5)  // the edited rules' check after 0.5 s
        let rules = try RulesCopy()
        defer { rules.remove() }
        _ = try client.initialize(root: rules.url)
        let support = rules.uri("support.yaml")
        // A rule shadowed by `everyone-else`, after it.
        let text = try rules.text("support.yaml") + "\n  - name: never\n    dial:\n      to: sales\n"
        client.notify("textDocument/didOpen", ["textDocument": ["uri": support, "languageId": "yaml", "version": 1, "text": text]])
        func messages(_ list: [[String: Any]]) -> [String: Int] {
            Dictionary(list.map { (($0["code"] as? String ?? "") + " " + ($0["message"] as? String ?? "").prefix(40),
                                   (($0["range"] as? [String: Any])?["start"] as? [String: Any])?["line"] as? Int ?? -1) }) { a, _ in a }
        }
        let opened = messages(try client.diagnostics(support) { list in list.contains { $0["code"] as? String == "RP0500" } })
        let lines = text.components(separatedBy: "\n")
        let never = try #require(opened.first { $0.key.hasPrefix("RP0500") })
        #expect(never.value == lines.firstIndex { $0.contains("name: never") })

        // Two lines into `after-hours` (between the two), one range edit; `ringing: 90s` breaks it.
        let line = try #require(lines.firstIndex { $0.contains("to: \"+918047119999\"") })
        let edit: [String: Any] = ["range": ["start": ["line": line, "character": lines[line].utf16.count],
                                             "end": ["line": line, "character": lines[line].utf16.count]],
                                   "text": "\n    ringing: 90s\n    # over Exotel's limit"]
        let sent = Date()
        client.notify("textDocument/didChange", ["textDocument": ["uri": support, "version": 2], "contentChanges": [edit]])
        let first = messages(try client.diagnostics(support))
        #expect(Date().timeIntervalSince(sent) < 1.4, "the edited rule's diagnostics came with the whole check's")
        let limit = try #require(first.first { $0.key.hasPrefix("RP0305") }, "\(first)")
        #expect(limit.value == line + 1)
        #expect(first[never.key] == never.value + 2)
        #expect(first.count == opened.count + 1, "\(opened) \(first)")
        // The whole check agrees; the analyses do not run on a rule set with errors, so their
        // findings go.
        #expect(messages(try client.diagnostics(support)) == first)
        let analysed = messages(try client.diagnostics(support))
        #expect(analysed == first.filter { !$0.key.hasPrefix("RP05") }, "\(analysed)")
        #expect(try client.stop() == 0)
    }

    @Test func theOutlineHoldsRulesAndDefinitions() throws {
        let client = TestClient()
        let rules = try RulesCopy()
        defer { rules.remove() }
        _ = try client.initialize(root: rules.url)
        let response = try client.request("textDocument/documentSymbol", ["textDocument": ["uri": rules.uri("support.yaml")]])
        let sections = try #require(response["result"] as? [[String: Any]])
        let names = sections.map { $0["name"] as? String ?? "" }
        #expect(names.contains("rules"))
        let ruleNames = (sections.first { $0["name"] as? String == "rules" }?["children"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(ruleNames == ["blocked", "vip", "after-hours", "support-line", "everyone-else"])
        #expect(try client.stop() == 0)
    }

    /// Go to definition crosses includes; references find every use in the files that see
    /// the definition, from the unsaved texts.
    @Test func definitionsAndReferencesOfNames() throws {
        let client = TestClient()
        let rules = try RulesCopy()
        defer { rules.remove() }
        _ = try client.initialize(root: rules.url)
        let support = rules.uri("support.yaml"), team = rules.uri("team.yaml")
        let supportLines = try rules.text("support.yaml").components(separatedBy: "\n")
        let line = supportLines.firstIndex { $0.contains("to: [priya, rahul]") }!
        let character = supportLines[line].distance(of: "priya")! + 2
        func place(_ response: [String: Any]) -> [String] {
            (response["result"] as? [[String: Any]] ?? []).map { location in
                let start = (location["range"] as? [String: Any])?["start"] as? [String: Any]
                return "\((location["uri"] as? String ?? "").split(separator: "/").last ?? ""):\(start?["line"] as? Int ?? -1):\(start?["character"] as? Int ?? -1)"
            }
        }
        let definition = try client.request("textDocument/definition", ["textDocument": ["uri": support], "position": ["line": line, "character": character]])
        #expect(place(definition) == ["team.yaml:4:2"])
        let references = try client.request("textDocument/references", ["textDocument": ["uri": team], "position": ["line": 4, "character": 3],
                                                                          "context": ["includeDeclaration": false]])
        #expect(place(references) == ["support.yaml:\(line):\(character - 2)", "team.yaml:10:10", "team.yaml:11:26"])
        // An unsaved use counts.
        let edited = try rules.text("sales.yaml").replacingOccurrences(of: "{ weight: 70, to: sales }", with: "{ weight: 70, to: [priya, sales] }")
        client.notify("textDocument/didOpen", ["textDocument": ["uri": rules.uri("sales.yaml"), "languageId": "yaml", "version": 1, "text": edited]])
        let more = try client.request("textDocument/references", ["textDocument": ["uri": team], "position": ["line": 4, "character": 3],
                                                                   "context": ["includeDeclaration": true]])
        #expect(place(more).count == 5, "\(place(more))")
        #expect(place(more).contains { $0.hasPrefix("sales.yaml:") })
        #expect(try client.stop() == 0)
    }

    /// Hovers: a key's meaning, limits and Exotel field from Grammar.md; a name's
    /// definition; what a rule decides. Completion of keys and names; the quick fix of a
    /// did-you-mean.
    @Test func hoversCompletionsAndQuickFixes() throws {
        let client = TestClient()
        let rules = try RulesCopy()
        defer { rules.remove() }
        _ = try client.initialize(root: rules.url)
        let support = rules.uri("support.yaml")
        let text = try rules.text("support.yaml")
        let lines = text.components(separatedBy: "\n")
        func at(_ needle: String, plus offset: Int = 1) -> [String: Any] {
            let line = lines.firstIndex { $0.contains(needle) }!
            return ["textDocument": ["uri": support], "position": ["line": line, "character": lines[line].distance(of: needle)! + offset]]
        }
        func hover(_ needle: String, plus offset: Int = 1) throws -> String {
            let response = try client.request("textDocument/hover", at(needle, plus: offset))
            return ((response["result"] as? [String: Any])?["contents"] as? [String: Any])?["value"] as? String ?? ""
        }
        let ringing = try hover("ringing: 20s")
        #expect(ringing.contains("**`ringing`** (Answer options"), "\(ringing)")
        #expect(ringing.contains("`max_ringing_duration`") && ringing.contains("1 to 60 seconds"))
        #expect(try hover("to: [priya").contains("`to`"))
        #expect(try hover("priya, rahul").contains("**agent `priya`**: `+919876500001`"))
        // A rule's hover says what the analyses found, once a check is published.
        client.notify("textDocument/didOpen", ["textDocument": ["uri": support, "languageId": "yaml", "version": 1, "text": text]])
        _ = try client.diagnostics(support)
        #expect(try hover("name: support-line", plus: 8).contains("decides only part of what its `when` describes"))

        // Completion: names in `to`, keys in a rule.
        var edited = lines
        let toLine = lines.firstIndex { $0.contains("to: [priya, rahul]") }!
        edited[toLine] = "      to: [pr"
        client.notify("textDocument/didChange", ["textDocument": ["uri": support, "version": 2], "contentChanges": [["text": edited.joined(separator: "\n")]]])
        let names = try client.request("textDocument/completion", ["textDocument": ["uri": support], "position": ["line": toLine, "character": 13]])
        let labels = ((names["result"] as? [String: Any])?["items"] as? [[String: Any]] ?? []).compactMap { $0["label"] as? String }
        #expect(labels == ["priya"], "\(labels)")
        edited[toLine] = "    ri"
        client.notify("textDocument/didChange", ["textDocument": ["uri": support, "version": 3], "contentChanges": [["text": edited.joined(separator: "\n")]]])
        let keys = try client.request("textDocument/completion", ["textDocument": ["uri": support], "position": ["line": toLine, "character": 6]])
        let keyLabels = ((keys["result"] as? [String: Any])?["items"] as? [[String: Any]] ?? []).compactMap { $0["label"] as? String }
        #expect(keyLabels == ["ringing"], "\(keyLabels)")

        // The quick fix writes what the help names.
        client.notify("textDocument/didChange", ["textDocument": ["uri": support, "version": 4],
                                                 "contentChanges": [["text": text.replacingOccurrences(of: "[priya, rahul]", with: "[pirya, rahul]")]]])
        let found = try client.diagnostics(support) { list in list.contains { ($0["data"] as? [String: Any])?["replacement"] as? String == "priya" } }
        let typo = try #require(found.first { ($0["data"] as? [String: Any])?["replacement"] != nil })
        let actions = try client.request("textDocument/codeAction", ["textDocument": ["uri": support], "range": typo["range"]!,
                                                                     "context": ["diagnostics": [typo]]])
        let action = try #require((actions["result"] as? [[String: Any]])?.first)
        #expect(action["title"] as? String == "write `priya`")
        let edit = (((action["edit"] as? [String: Any])?["changes"] as? [String: Any])?[support] as? [[String: Any]])?.first
        #expect(edit?["newText"] as? String == "priya")
        #expect(try client.stop() == 0)
    }

    /// The place of the cursor, from indentation alone.
    @Test func placesAreReadFromIndentation() {
        let text = """
            rules:
              - name: vip
                when:
                  caller: v
                dial:
                  steps:
                    - to: [pr
                      ri
                  split:
                    - weight: 10
            groups:
              support:
                - as
            """
        func place(_ line: Int, _ column: Int) -> EditorPlace { EditorPlace(text: text, line: line, column: column) }
        #expect(place(3, 15) == EditorPlace(parents: ["rules", "-", "when"], valueOf: "caller", prefix: "v"))
        #expect(place(6, 17) == EditorPlace(parents: ["rules", "-", "dial", "steps", "-"], valueOf: "to", prefix: "pr"))
        #expect(place(7, 12) == EditorPlace(parents: ["rules", "-", "dial", "steps", "-"], valueOf: nil, prefix: "ri"))
        #expect(place(1, 4) == EditorPlace(parents: ["rules", "-"], valueOf: nil, prefix: ""))
        #expect(place(12, 8) == EditorPlace(parents: ["groups"], valueOf: "support", prefix: "as"))
        #expect(KeyDocs.keys(parents: ["rules", "-", "when"]).map(\.key).contains("custom_field"))
        #expect(KeyDocs.hover(key: "ringing", parents: ["defaults"])?.contains("max_ringing_duration") == true)
        #expect(KeyDocs.hover(key: "ringing", parents: ["rules", "-", "when"]) == nil)
    }

    /// Hovers and completions say what Grammar.md says: the generated tables are its tables.
    @Test func keyDocsAreGrammarsTables() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", RulesCopy.repositoryRules.deletingLastPathComponent().appendingPathComponent("scripts/gen-key-docs.py").path, "--check"]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "run scripts/gen-key-docs.py after editing Grammar.md's key tables")
    }

    /// The quick fixes' text: a name, a national number's E.164 form, a duration's limit;
    /// nothing from help that names no exact text.
    @Test func quickFixesWriteWhatTheHelpNames() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ringplan-fix-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("""
            ringplan: 1
            country: IN
            agents: { priya: "09876500001" }
            rules:
              - name: all
                dial: priya
                ringing: 90s
            """.utf8).write(to: directory.appendingPathComponent("desk.yaml"))
        let result = try Workspace.check(paths: [directory.path], analyze: false)
        let replacements = result.diagnostics.all.compactMap { LanguageServer.replacement(in: $0.help) }.sorted()
        #expect(replacements == ["+919876500001", "60s"], "\(result.diagnostics.all.map { $0.help ?? "-" })")
        #expect(LanguageServer.replacement(in: "write `HH:MM-HH:MM` in 24-hour time") == nil)
    }

    @Test func positionsCountUTF16() {
        let positions = TextPositions("a: x\nname: \"é😀 pirya\"\n")
        // Column 11 (scalars) is `p`: after `name: "` (7 units), é (1), 😀 (2), a space (1).
        #expect(positions.lsp(SourcePosition(line: 2, column: 11)) == ["line": 1, "character": 11])
        #expect(positions.source(line: 1, character: 11) == SourcePosition(line: 2, column: 11))
        #expect(positions.lsp(SourcePosition(line: 9, column: 1)) == ["line": 8, "character": 0])
        // An incremental edit's range, found in the text: the same place; clamped to the
        // line (before `\r\n`) and to the text.
        let text = "a: x\r\nname: \"é😀 pirya\"\n"
        #expect(text[TextPositions.index(line: 1, character: 11, in: text)...].hasPrefix("pirya"))
        #expect(text[TextPositions.index(line: 0, character: 40, in: text)...].hasPrefix("\r\n"))
        #expect(TextPositions.index(line: 7, character: 0, in: text) == text.endIndex)
        #expect(TextPositions.index(line: 2, character: 3, in: text) == text.endIndex)
    }
}

extension String {
    /// The UTF-16 offset of `needle`, as LSP counts characters.
    func distance(of needle: String) -> Int? {
        range(of: needle).map { self[..<$0.lowerBound].utf16.count }
    }
}
