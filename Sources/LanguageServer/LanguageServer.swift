import Foundation
import RuleCompiler

/// `ringplan lsp`: the checker in the editor, over the Language Server Protocol (JSON-RPC
/// 2.0 on stdio). Messages are handled one at a time on `queue`, which owns the state;
/// checks run from the unsaved texts a moment after the last edit (`debounce`): the whole
/// workspace on `checking`, the edited rules alone on `quickChecking`; a check that a newer
/// edit overtook is not published.
public final class LanguageServer: @unchecked Sendable {
    /// A file the editor has open: its unsaved text.
    struct Document {
        var uri: String
        var text: String
        var version: Int
    }

    private let writer: MessageWriter
    private let queue = DispatchQueue(label: "ringplan.lsp")
    private let checking = DispatchQueue(label: "ringplan.lsp.check")
    /// Checks of the edited rules alone, which must not wait for a whole check.
    private let quickChecking = DispatchQueue(label: "ringplan.lsp.quick")
    /// List, table and calendar files, read again only when they change; shared by both checks.
    private let dataFiles = DataFileCache()
    /// Seconds from the last edit to the whole check (a third of it to the edited rules' check).
    private let debounce: Double

    // State, on `queue` only.
    private var root: String?
    private var documents: [String: Document] = [:]
    private var generation = 0
    private var shutdownRequested = false
    private var exitCode: Int32?

    public init(writer: MessageWriter, debounce: Double = 0.15) {
        self.writer = writer
        self.debounce = debounce
    }

    /// Serves messages from `input` until `exit` (0 after `shutdown`, 1 without) or the end
    /// of the input (1). Never exits on bad input: a malformed message gets a JSON-RPC error.
    public func run(input: Int32) -> Int32 {
        var reader = MessageReader(fileDescriptor: input)
        while let message = reader.next() {
            switch message {
            case .body(let body):
                queue.async { self.receive(body) }
            case .invalid(let reason):
                writer.send(Self.error(id: NSNull(), code: -32700, message: "parse error: \(reason)"))
            }
            if queue.sync(execute: { exitCode != nil }) { break }
        }
        return queue.sync { exitCode ?? 1 }
    }

    static func error(id: Any, code: Int, message: String) -> [String: Any] {
        ["jsonrpc": "2.0", "id": id, "error": ["code": code, "message": message]]
    }

    private func reply(_ id: Any, _ result: Any) {
        writer.send(["jsonrpc": "2.0", "id": id, "result": result])
    }

    private func notify(_ method: String, _ params: [String: Any]) {
        writer.send(["jsonrpc": "2.0", "method": method, "params": params])
    }

    // MARK: Dispatch

    private func receive(_ body: [UInt8]) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) else {
            writer.send(Self.error(id: NSNull(), code: -32700, message: "parse error: the message is not JSON"))
            return
        }
        guard let message = object as? [String: Any], let method = message["method"] as? String else {
            // A response to a request of ours (we send none) or no message at all.
            if let message = object as? [String: Any], message["result"] != nil || message["error"] != nil { return }
            writer.send(Self.error(id: (object as? [String: Any])?["id"] ?? NSNull(), code: -32600, message: "invalid request: no method"))
            return
        }
        let id = message["id"]
        let params = message["params"] as? [String: Any] ?? [:]
        if shutdownRequested && method != "exit" {
            if let id { writer.send(Self.error(id: id, code: -32600, message: "the server is shutting down")) }
            return
        }
        switch method {
        case "initialize": initialize(id ?? NSNull(), params)
        case "initialized": break
        case "shutdown":
            shutdownRequested = true
            reply(id ?? NSNull(), NSNull())
        case "exit": exitCode = shutdownRequested ? 0 : 1
        case "textDocument/didOpen": didOpen(params)
        case "textDocument/didChange": didChange(params)
        case "textDocument/didClose": didClose(params)
        case "textDocument/didSave": scheduleCheck()
        case "textDocument/documentSymbol":
            if let id { reply(id, documentSymbols(params)) }
        case "textDocument/definition":
            if let id { reply(id, locations(params) { index, file, position in index.definitions(in: file, at: position) }) }
        case "textDocument/hover":
            if let id { reply(id, hover(params) ?? NSNull()) }
        case "textDocument/completion":
            if let id { reply(id, completion(params)) }
        case "textDocument/codeAction":
            if let id { reply(id, codeActions(params)) }
        case "textDocument/references":
            let declarations = (params["context"] as? [String: Any])?["includeDeclaration"] as? Bool ?? true
            if let id { reply(id, locations(params) { index, file, position in index.references(in: file, at: position, declarations: declarations) }) }
        default:
            // Requests we do not serve get an error; notifications we do not know are ignored,
            // as the protocol asks ($/ ones included).
            if let id { writer.send(Self.error(id: id, code: -32601, message: "method not found: \(method)")) }
        }
    }

    private func initialize(_ id: Any, _ params: [String: Any]) {
        if let folders = params["workspaceFolders"] as? [[String: Any]], let uri = folders.first?["uri"] as? String {
            root = Self.path(uri)
        } else if let uri = params["rootUri"] as? String {
            root = Self.path(uri)
        } else if let path = params["rootPath"] as? String {
            root = path
        }
        reply(id, [
            "capabilities": [
                "positionEncoding": "utf-16",
                "textDocumentSync": ["openClose": true, "change": 2, "save": ["includeText": false]] as [String: Any],
                "documentSymbolProvider": true,
                "definitionProvider": true,
                "referencesProvider": true,
                "hoverProvider": true,
                "completionProvider": ["triggerCharacters": [" ", "[", ",", "-"]] as [String: Any],
                "codeActionProvider": ["codeActionKinds": ["quickfix"]] as [String: Any],
            ] as [String: Any],
            "serverInfo": ["name": "ringplan"],
        ])
    }

    // MARK: Documents

    static func path(_ uri: String) -> String? {
        guard let url = URL(string: uri), url.isFileURL else { return nil }
        return url.standardizedFileURL.path
    }

    static func uri(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.absoluteString }

    private func didOpen(_ params: [String: Any]) {
        guard let item = params["textDocument"] as? [String: Any], let uri = item["uri"] as? String, let path = Self.path(uri),
              let text = item["text"] as? String else { return }
        documents[path] = Document(uri: uri, text: text, version: item["version"] as? Int ?? 0)
        // Without a workspace folder, the directory of the first file opened.
        if root == nil { root = (path as NSString).deletingLastPathComponent }
        scheduleCheck()
    }

    /// Incremental sync, as the server asks (each change a range and its new text; a change
    /// without a range is the whole text): an edit of a large file sends a line, not the file.
    private func didChange(_ params: [String: Any]) {
        guard let item = params["textDocument"] as? [String: Any], let uri = item["uri"] as? String, let path = Self.path(uri),
              let changes = params["contentChanges"] as? [[String: Any]] else { return }
        var text = documents[path]?.text ?? ""
        for change in changes {
            guard let newText = change["text"] as? String else { continue }
            if let range = change["range"] as? [String: Any], let start = Self.position(range["start"]), let end = Self.position(range["end"]) {
                let lower = TextPositions.index(line: start.line, character: start.character, in: text)
                let upper = max(lower, TextPositions.index(line: end.line, character: end.character, in: text))
                text.replaceSubrange(lower..<upper, with: newText)
            } else {
                text = newText
            }
        }
        documents[path, default: Document(uri: uri, text: "", version: 0)].text = text
        documents[path]?.version = item["version"] as? Int ?? 0
        scheduleCheck()
    }

    static func position(_ value: Any?) -> (line: Int, character: Int)? {
        guard let position = value as? [String: Any], let line = position["line"] as? Int, let character = position["character"] as? Int else { return nil }
        return (line, character)
    }

    private func didClose(_ params: [String: Any]) {
        guard let item = params["textDocument"] as? [String: Any], let uri = item["uri"] as? String, let path = Self.path(uri) else { return }
        documents[path] = nil
        scheduleCheck()
    }

    // MARK: Diagnostics

    /// Checks the workspace `debounce` seconds after the last edit, off the message queue:
    /// the edited rules alone first when the edit allows (`quickCheck`), then everything
    /// without the analyses (names, numbers, Exotel's limits), then the analyses (shadowed
    /// rules, gaps), which take longest on a large rule set. A step a newer edit overtook
    /// is neither run nor published.
    private func scheduleCheck() {
        generation += 1
        refreshIndex()
        let scheduled = generation
        // The edited rules' check takes milliseconds: it waits for a shorter pause in typing.
        queue.asyncAfter(deadline: .now() + debounce / 3) { [self] in
            if scheduled == generation { quickCheck(scheduled, texts: documents.mapValues(\.text)) }
        }
        queue.asyncAfter(deadline: .now() + debounce) { [self] in
            guard scheduled == generation, let root else { return }
            let texts = documents.mapValues(\.text)
            let overlays = texts.mapValues { Array($0.utf8) }
            checking.async { [self] in
                let current = { self.queue.sync { scheduled == self.generation } }
                guard current() else { return }
                let workspace = Workspace(overlays: overlays, dataFiles: dataFiles)
                workspace.analyze = false
                guard let checked = try? workspace.check(paths: [root]) else { return }
                queue.async { [self] in
                    if scheduled == generation { publish(checked, analysed: false, texts: texts) }
                }
                guard current() else { return }
                let analysed = workspace.analyzed()
                queue.async { [self] in
                    if scheduled == generation { publish(analysed, analysed: true, texts: texts) }
                }
            }
        }
    }

    /// When one open rule file changed, within its `rules:` list, since its diagnostics were
    /// last shown: checks the edited rules alone, in their places (`EditedRules`), beside a
    /// whole check that may be running, and shows their diagnostics with the rest of the
    /// file's last ones, moved to their new lines. Skipped when the rules alone do not read
    /// as YAML (an alias to a rule left out), which the whole check then reports.
    private func quickCheck(_ scheduled: Int, texts: [String: String]) {
        let changed = texts.filter { path, text in shown[path]?.text != text }
        guard changed.count == 1, let (path, text) = changed.first, let base = shown[path], let baseText = base.text else { return }
        quickChecking.async { [self] in
            var overlays = texts.mapValues { Array($0.utf8) }
            guard let edited = EditedRules(old: Array(baseText.utf8), new: overlays[path]!) else { return }
            overlays[path] = edited.text
            guard let result = try? Workspace.check(paths: [path], analyze: false, overlays: overlays, dataFiles: dataFiles),
                  !result.diagnostics.all.contains(where: { $0.code == .yamlSyntax }) else { return }
            let fresh = result.diagnostics.all.filter { diagnostic in
                guard let span = diagnostic.span, NameIndex.key(span.file) == path else { return false }
                return span.start.line > edited.change.start && span.start.line <= edited.change.newEnd
            }
            queue.async { [self] in
                // A whole check published meanwhile is newer than the base this moved.
                guard scheduled == generation, shown[path]?.text == baseText else { return }
                // The analyses' findings stay until the analyses run again, moved with the edit.
                let kept = base.diagnostics.compactMap { diagnostic in
                    diagnostic.span.flatMap { span in
                        (diagnostic.code.rawValue.hasPrefix("RP05") ? edited.exact : edited.change).moved(diagnostic, in: span.file)
                    }
                }
                send([path: kept + fresh], texts: [path: text])
            }
        }
    }

    /// Every file's diagnostics, and an empty list for files that had some and have none now.
    /// A check without the analyses carries the findings last shown, moved with the edits
    /// since, until new ones come, so that they do not blink out at each edit.
    private func publish(_ result: CheckResult, analysed: Bool, texts: [String: String]) {
        var byFile: [String: [Diagnostic]] = [:]
        var seen = Set<Diagnostic>()
        // A file included by several rule sets is checked in each: its findings once.
        for diagnostic in result.diagnostics.all where seen.insert(diagnostic).inserted {
            guard let span = diagnostic.span else { continue }
            byFile[NameIndex.key(span.file), default: []].append(diagnostic)
        }
        if !analysed {
            for (path, last) in shown {
                let findings = last.diagnostics.filter { $0.code.rawValue.hasPrefix("RP05") }
                guard !findings.isEmpty else { continue }
                var change: LineChange?
                if let old = last.text, let new = texts[path], old != new { change = LineChange(old: Array(old.utf8), new: Array(new.utf8)) }
                byFile[path, default: []] += findings.compactMap { finding in
                    guard let change else { return finding }
                    return finding.span.flatMap { change.moved(finding, in: $0.file) }
                }
            }
        }
        send(byFile, texts: texts, clearing: Set(shown.filter { !$0.value.diagnostics.isEmpty }.keys).subtracting(byFile.keys))
        // Open files without diagnostics are shown too: the base of the next quick check.
        for (path, text) in texts where byFile[path] == nil { shown[path] = (text, []) }
    }

    /// Publishes `byFile`'s diagnostics (and none for `clearing`), and keeps them as shown,
    /// with the texts they were found in.
    private func send(_ byFile: [String: [Diagnostic]], texts: [String: String], clearing: Set<String> = []) {
        func positionsOf(_ path: String) -> TextPositions { positions(of: path) }
        for path in Set(byFile.keys).union(clearing).sorted() {
            let diagnostics = (byFile[path] ?? []).map { diagnostic -> [String: Any] in
                var message = diagnostic.message
                if let help = diagnostic.help { message += "\nhelp: \(help)" }
                var object: [String: Any] = [
                    "range": positionsOf(path).lsp(diagnostic.span!),
                    "severity": diagnostic.severity == .error ? 1 : diagnostic.severity == .warning ? 2 : 3,
                    "code": diagnostic.code.rawValue,
                    "source": "ringplan",
                    "message": message,
                ]
                let related = diagnostic.notes.compactMap { note -> [String: Any]? in
                    guard let span = note.span else { return nil }
                    let file = NameIndex.key(span.file)
                    return ["location": ["uri": Self.uri(file), "range": positionsOf(file).lsp(span)], "message": note.message]
                }
                if !related.isEmpty { object["relatedInformation"] = related }
                // The help names the exact text to write: the quick fix writes it.
                if let replacement = Self.replacement(in: diagnostic.help) { object["data"] = ["replacement": replacement] }
                return object
            }
            var params: [String: Any] = ["uri": documents[path]?.uri ?? Self.uri(path), "diagnostics": diagnostics]
            if let version = documents[path]?.version { params["version"] = version }
            notify("textDocument/publishDiagnostics", params)
            shown[path] = (texts[path], byFile[path] ?? [])
        }
    }

    /// What was last shown for each file, and the unsaved text it was found in (nil: the
    /// file on disk).
    private var shown: [String: (text: String?, diagnostics: [Diagnostic])] = [:]

    /// "did you mean `priya`?" (a name, a number's E.164 form, a duration's limit): `priya`.
    static func replacement(in help: String?) -> String? {
        guard let help, help.hasPrefix("did you mean `") else { return nil }
        let inner = help.dropFirst("did you mean `".count).prefix { $0 != "`" }
        return inner.isEmpty ? nil : String(inner)
    }

    /// Quick fixes for the diagnostics the editor sends back that carry a replacement.
    private func codeActions(_ params: [String: Any]) -> [[String: Any]] {
        guard let item = params["textDocument"] as? [String: Any], let uri = item["uri"] as? String,
              let diagnostics = (params["context"] as? [String: Any])?["diagnostics"] as? [[String: Any]] else { return [] }
        return diagnostics.compactMap { diagnostic in
            guard let replacement = (diagnostic["data"] as? [String: Any])?["replacement"] as? String, let range = diagnostic["range"] else { return nil }
            return ["title": "write `\(replacement)`", "kind": "quickfix", "diagnostics": [diagnostic], "isPreferred": true,
                    "edit": ["changes": [uri: [["range": range, "newText": replacement]]]]]
        }
    }

    // MARK: Hover and completion

    private func place(_ params: [String: Any]) -> (path: String, text: String, line: Int, position: SourcePosition)? {
        guard let item = params["textDocument"] as? [String: Any], let uri = item["uri"] as? String, let path = Self.path(uri),
              let place = params["position"] as? [String: Any], let line = place["line"] as? Int, let character = place["character"] as? Int else { return nil }
        let text = documents[path]?.text ?? (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return (path, text, line, positions(of: path).source(line: line, character: character))
    }

    /// A key's meaning, limits and Exotel field (Grammar.md's tables); a name's definition;
    /// for a rule's name, which calls it decides.
    private func hover(_ params: [String: Any]) -> [String: Any]? {
        guard let (path, text, line, position) = place(params) else { return nil }
        func markdown(_ value: String) -> [String: Any] { ["contents": ["kind": "markdown", "value": value]] }
        // From the line and the indentation above it: no parse of a file that may be large.
        let lines = positions(of: path).lines
        if let (key, parents) = EditorPlace.key(lines: lines, line: line, column: position.column - 1) {
            return KeyDocs.hover(key: key, parents: parents, testFile: path.hasSuffix(".test.yaml")).map(markdown)
        }
        let place = EditorPlace(lines: lines, line: line, column: position.column - 1)
        if place.valueOf == "name", place.parents == ["rules", "-"] {
            // A rule's name: what the analyses found for the rule there (findings are made at
            // its name), as shown: moved with the edits since the analyses ran.
            let findings = (shown[path]?.diagnostics ?? []).filter { diagnostic in
                diagnostic.span?.start.line == position.line && diagnostic.code.rawValue.hasPrefix("RP05")
            }
            let name = String(lines[line].split(separator: ":", maxSplits: 1).last ?? "").trimmingCharacters(in: .whitespaces)
            let said = findings.isEmpty ? ["decides calls: no earlier rule takes all of what its `when` describes"]
                : findings.map { $0.message }
            return markdown("**rule `\(name)`**\n\n" + said.map { "- " + $0 }.joined(separator: "\n"))
        }
        guard let index = nameIndex(line: line, in: path), let token = index.token(in: path, at: position) else { return nil }
        let definitions = index.definitions(in: path, at: position)
        guard !definitions.isEmpty else { return nil }
        return markdown(definitions.map { definition in
            let file = (definition.span.file as NSString).lastPathComponent
            return "**\(definition.defines?.rawValue ?? "name") `\(token.name)`**" + (definition.detail.map { ": `\($0)`" } ?? "")
                + "  \ndefined in `\(file)`, line \(definition.span.start.line)"
        }.joined(separator: "\n\n"))
    }

    /// Keys where a key may stand; names where a name may (agents and groups in `to`, lists
    /// in `caller`, calendars in `time`...), from the unsaved text, valid YAML or not.
    private func completion(_ params: [String: Any]) -> [String: Any] {
        guard let (path, text, line, position) = place(params) else { return ["isIncomplete": false, "items": []] }
        let place = EditorPlace(lines: positions(of: path).lines, line: line, column: position.column - 1)
        var items: [[String: Any]] = []
        if let key = place.valueOf {
            let kinds: Set<NameIndex.Kind>
            switch key {
            case "to", "else", "dial": kinds = [.agent, .group]
            case "caller", "exophone": kinds = [.list]
            case "time", "except": kinds = [.calendar]
            case "skill": kinds = [.skill]
            case "lookup", "in": kinds = [.table]
            default: kinds = place.parents == ["groups"] ? [.agent] : []
            }
            var seen = Set<String>()
            for token in nameIndex(line: line, in: path)?.names(visibleFrom: path) ?? [] where kinds.contains(token.defines!) && seen.insert(token.name).inserted {
                items.append(["label": token.name, "kind": token.defines == .agent ? 6 : 21, "detail": "\(token.defines!.rawValue)" + (token.detail.map { " \($0)" } ?? "")])
            }
            if kinds.contains(.agent) && key != "else" { items += ["sticky", "nobody"].map { ["label": $0, "kind": 14, "detail": "reserved"] } }
        } else {
            items = KeyDocs.keys(parents: place.parents, testFile: path.hasSuffix(".test.yaml")).map { key, detail in
                ["label": key, "kind": 10, "detail": detail, "insertText": key + ": "]
            }
        }
        return ["isIncomplete": false, "items": items.filter { ($0["label"] as? String)?.hasPrefix(place.prefix) ?? false }]
    }

    // MARK: Names

    /// The names of the workspace as the unsaved texts of `generation` have them, with the
    /// line count of each text it read. Made again in the background after each edit.
    private var index: (generation: Int, value: NameIndex, lines: [String: [Substring]])?
    private let indexing = DispatchQueue(label: "ringplan.lsp.names")

    /// The index for a request at `line` of `path`: the current one; else, while the new one
    /// is being made, the last one when no open file gained or lost lines and the request's
    /// line is the same in both (a large file's YAML takes a few hundred milliseconds to read
    /// again, and most edits change a value in place).
    private func nameIndex(line: Int? = nil, in path: String? = nil) -> NameIndex? {
        guard let root else { return nil }
        if let index, index.generation == generation { return index.value }
        if let index, let line, let path,
           documents.allSatisfy({ index.lines[$0.key]?.count == positions(of: $0.key).lines.count }),
           Self.line(line, of: positions(of: path).lines) == Self.line(line, of: index.lines[path] ?? positions(of: path).lines) {
            return index.value
        }
        let texts = documents.mapValues(\.text)
        let made = NameIndex(paths: [root], overlays: texts.mapValues { Array($0.utf8) }, previous: index?.value)
        index = (generation, made, texts.mapValues(TextLines.split))
        return made
    }

    /// Makes the index of the current texts off the message queue, after an edit.
    private func refreshIndex() {
        guard let root else { return }
        let scheduled = generation, texts = documents.mapValues(\.text), previous = index?.value
        indexing.async { [self] in
            let made = NameIndex(paths: [root], overlays: texts.mapValues { Array($0.utf8) }, previous: previous)
            let lines = texts.mapValues(TextLines.split)
            queue.async { [self] in
                guard scheduled == generation else { return }
                index = (scheduled, made, lines)
            }
        }
    }


    static func line(_ number: Int, of lines: [Substring]) -> Substring? { number < lines.count ? lines[number] : nil }

    /// A text document position request's file and place, answered with `find`'s tokens as locations.
    private func locations(_ params: [String: Any], _ find: (NameIndex, String, SourcePosition) -> [NameIndex.Token]) -> [[String: Any]] {
        guard let item = params["textDocument"] as? [String: Any], let uri = item["uri"] as? String, let path = Self.path(uri),
              let place = params["position"] as? [String: Any], let line = place["line"] as? Int, let character = place["character"] as? Int,
              let index = nameIndex(line: line, in: path) else { return [] }
        let position = positions(of: path).source(line: line, character: character)
        return find(index, path, position).map { token in
            let file = NameIndex.key(token.span.file)
            return ["uri": documents[file]?.uri ?? Self.uri(file), "range": positions(of: file).lsp(token.span)]
        }
    }

    /// A file's positions, from its unsaved text or the disk; kept until the next edit (a
    /// large file's lines take milliseconds to find, and a reply may hold many locations).
    private func positions(of path: String) -> TextPositions {
        if let cached = positionsCache[path], cached.generation == generation { return cached.value }
        let made = TextPositions(documents[path]?.text ?? (try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
        positionsCache[path] = (generation, made)
        return made
    }

    private var positionsCache: [String: (generation: Int, value: TextPositions)] = [:]

    // MARK: Outline

    /// The file's rules and definitions, for the editor's outline.
    private func documentSymbols(_ params: [String: Any]) -> [[String: Any]] {
        guard let item = params["textDocument"] as? [String: Any], let uri = item["uri"] as? String, let path = Self.path(uri) else { return [] }
        let text = documents[path]?.text ?? (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        guard let syntax = RuleFileSyntax.parse(path: path, bytes: Array(text.utf8)) else { return [] }
        let positions = TextPositions(text)
        func symbol(_ name: Text, kind: Int, detail: String? = nil) -> [String: Any] {
            var object: [String: Any] = ["name": name.value, "kind": kind, "range": positions.lsp(name.span),
                                         "selectionRange": positions.lsp(name.span)]
            if let detail { object["detail"] = detail }
            return object
        }
        func section(_ title: String, _ children: [[String: Any]]) -> [String: Any]? {
            guard let first = children.first?["range"] as? [String: Any], let last = children.last?["range"] as? [String: Any] else { return nil }
            let range: [String: Any] = ["start": first["start"]!, "end": last["end"]!]
            return ["name": title, "kind": 3, "range": range, "selectionRange": first, "children": children]
        }
        // LSP's SymbolKind: 3 namespace, 12 function, 13 variable, 14 constant, 18 array, 19 object, 23 struct.
        return [
            section("agents", syntax.agents.map { symbol($0.name, kind: 13, detail: $0.contact.value) }),
            section("groups", syntax.groups.map { symbol($0.name, kind: 18, detail: $0.members.map(\.value).joined(separator: ", ")) }),
            section("lists", syntax.lists.map { symbol($0.name, kind: 18) }),
            section("tables", syntax.tables.map { symbol($0.name, kind: 19, detail: $0.file.value) }),
            section("calendars", syntax.calendars.map { symbol($0.name, kind: 23) }),
            section("skills", syntax.skills.map { symbol($0.skill, kind: 14, detail: "digits \($0.digits.value)") }),
            section("rules", (syntax.rules ?? []).compactMap { rule in rule.name.map { symbol($0, kind: 12) } }),
        ].compactMap { $0 }
    }
}
