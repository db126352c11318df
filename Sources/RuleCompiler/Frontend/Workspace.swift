import ConnectProtocol
import Foundation
import Routing

/// A problem with the command line's paths, as opposed to the rules in them (exit 2).
public struct InputError: Error, Sendable, CustomStringConvertible {
    public let description: String
}

/// The result of checking some paths.
public struct CheckResult: Sendable {
    public var diagnostics: Diagnostics
    /// The rule sets without errors, by file order.
    public var ruleSets: [RuleSet]
    /// Every rule file found, rule sets and shared ones.
    public var files: [String]
    /// The decision tables the analyses built, by rule-set name, so that callers (the
    /// server's reloads) do not lower the same rules twice.
    public var tables: [String: DecisionTable] = [:]
    public let sources: SourceManager
    /// Where each rule's name is, by rule-set name and rule index (for reports that point at
    /// rules, such as `ringplan diff --format github`).
    public var ruleSpans: [String: [SourceSpan?]] = [:]
}

/// Reads rule files, follows includes and list files, and checks each file in its scope.
/// Every file is read and parsed once per run, however many rule sets include it.
public final class Workspace {
    public let sources = SourceManager()
    private var diagnostics = Diagnostics()
    var syntaxCache: [String: RuleFileSyntax?] = [:]
    /// Files whose reading or decoding reported errors: a scope with one of them lowers nothing.
    private var filesWithErrors = Set<String>()
    private var listCache: [String: (value: NumberList?, diagnostics: Diagnostics)] = [:]
    private var tableCache: [String: (value: TableFile?, diagnostics: Diagnostics)] = [:]
    private var calendarCache: [String: (value: CalendarFile?, diagnostics: Diagnostics)] = [:]

    /// Whether `check` runs the coverage analyses (shadowed rules, gaps).
    public var analyze = true
    /// Per file included by (or being) a rule set: the definitions its rule sets use.
    var usedIn: [String: Set<Definition>] = [:]
    var tables: [String: DecisionTable] = [:]
    var unjudged = Set<String>()
    var ruleSpans: [String: [SourceSpan?]] = [:]
    private var checkedFiles: [String] = []
    private var ruleSets: [RuleSet] = []
    /// Rule sets checked without the analyses, for `analyzed()`.
    private var unanalyzed: [(RuleSet, RuleFileSyntax)] = []
    /// Unsaved texts by path (an editor's open files, `ringplan lsp`): read instead of the disk.
    private var overlays: [String: [UInt8]] = [:]
    /// Data files read by earlier checks, reused while unchanged.
    private let dataFiles: DataFileCache?

    public init(overlays: [String: [UInt8]] = [:], dataFiles: DataFileCache? = nil) {
        self.overlays = Dictionary(overlays.map { (Self.key($0.key), $0.value) }, uniquingKeysWith: { $1 })
        self.dataFiles = dataFiles
    }

    /// What the checks so far reported.
    var diagnosticsSoFar: Diagnostics { diagnostics }

    func report(_ diagnostic: Diagnostic) { diagnostics.add(diagnostic) }

    /// Checks files and directories (a directory means its `*.yaml` files, without the
    /// `*.test.yaml` test files).
    /// `analyze`: also run the coverage analyses (and so lower each rule set).
    /// `overlays`: unsaved texts by path, read instead of the files (a directory's rule files
    /// include those of its overlays).
    /// `dataFiles`: list, table and calendar files read by earlier checks, read again only
    /// when they change (a language server checks after every edit).
    public static func check(paths: [String], analyze: Bool = true, overlays: [String: [UInt8]] = [:],
                             dataFiles: DataFileCache? = nil) throws(InputError) -> CheckResult {
        let workspace = Workspace(overlays: overlays, dataFiles: dataFiles)
        workspace.analyze = analyze
        return try workspace.check(paths: paths)
    }

    /// `check` in two steps, for a caller that shows the first result before the analyses
    /// end (the language server): checks without the analyses; `analyzed()` adds them to the
    /// same work, parsing and checking nothing again.
    public func check(paths: [String]) throws(InputError) -> CheckResult {
        var files = try Self.ruleFiles(in: paths)
        // A file the editor has open but has not saved yet is a rule file of its directory.
        if !overlays.isEmpty {
            let found = Set(files.map(Self.key)), directories = Set(paths.map(Self.key))
            for path in overlays.keys.sorted() where Self.isRuleFileName((path as NSString).lastPathComponent) && !found.contains(Self.key(path))
                && directories.contains(Self.key((path as NSString).deletingLastPathComponent)) {
                files.append(path)
            }
        }
        checkedFiles = files
        for path in files {
            if let ruleSet = check(file: path) { ruleSets.append(ruleSet) }
        }
        reportUnusedDefinitions()
        return result
    }

    /// The result of `check(paths:)` with the analyses of every rule set it found (run once).
    public func analyzed() -> CheckResult {
        for (ruleSet, syntax) in unanalyzed { analyze(ruleSet, syntax: syntax) }
        unanalyzed = []
        return result
    }

    private var result: CheckResult {
        CheckResult(diagnostics: diagnostics, ruleSets: ruleSets, files: checkedFiles, tables: tables, sources: sources, ruleSpans: ruleSpans)
    }

    /// The rule files `check` reads for one path (a directory's `*.yaml`, or the file).
    public static func ruleFilePaths(in path: String) throws(InputError) -> [String] {
        try ruleFiles(in: [path])
    }

    static func ruleFiles(in paths: [String]) throws(InputError) -> [String] {
        try files(in: paths, select: isRuleFileName)
    }

    static func isRuleFileName(_ name: String) -> Bool {
        (name.hasSuffix(".yaml") || name.hasSuffix(".yml")) && !name.hasSuffix(".test.yaml") && !name.hasPrefix(".")
    }

    /// Each path that is a file, and the files of each directory whose names `select`
    /// takes, sorted; a missing path is a usage error.
    static func files(in paths: [String], select: (String) -> Bool) throws(InputError) -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw InputError(description: "no such file or directory: \(path)")
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else {
                throw InputError(description: "cannot read directory: \(path)")
            }
            files += names.filter(select).sorted().map { (path as NSString).appendingPathComponent($0) }
        }
        return files
    }

    /// Checks one file in its scope; returns its rule set when it is one without errors.
    func check(file path: String) -> RuleSet? {
        guard let syntax = syntax(of: path) else { return nil }
        let scope = scope(of: syntax)
        var checker = Checker(files: scope, loadList: { [unowned self] file, definingFile, country, diagnostics in
            self.list(file, definedIn: definingFile, country: country, diagnostics: &diagnostics)
        }, loadTable: { [unowned self] file, key, definingFile, country, diagnostics in
            self.table(file, key: key, definedIn: definingFile, country: country, diagnostics: &diagnostics)
        }, loadCalendarFile: { [unowned self] file, definingFile, zone, diagnostics in
            self.calendarFile(file, definedIn: definingFile, zone: zone, diagnostics: &diagnostics)
        })
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        var ruleSet = checker.check(name: name)
        diagnostics.append(contentsOf: checker.diagnostics)
        if scope.contains(where: { filesWithErrors.contains(Self.key($0.path)) }) { ruleSet = nil }
        if syntax.isRuleSet {
            // What a rule set with errors uses is not known: judge none of its files.
            for file in scope {
                if ruleSet == nil { unjudged.insert(Self.key(file.path)) }
                usedIn[Self.key(file.path), default: []].formUnion(checker.used)
            }
        }
        if let ruleSet {
            ruleSpans[ruleSet.name] = syntax.rules?.map { $0.name?.span } ?? []
            if analyze { self.analyze(ruleSet, syntax: syntax) } else { unanalyzed.append((ruleSet, syntax)) }
        }
        return ruleSet
    }

    // MARK: Files

    /// Reads a file of at most `limit` bytes, reporting why not at `span` (or the file itself).
    private func read(_ path: String, limit: Int, reportAt span: SourceSpan?, into diagnostics: inout Diagnostics) -> [UInt8]? {
        if let text = overlays[Self.key(path)] {
            guard text.count <= limit else {
                diagnostics.error(.fileTooLarge, "`\(path)` is larger than the limit of \(limit) bytes", at: span ?? .line(1, in: path),
                                  help: "split it into several files")
                return nil
            }
            return text
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            diagnostics.error(.io, "cannot read `\(path)`", at: span ?? .line(1, in: path))
            return nil
        }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: limit + 1) else {
            diagnostics.error(.io, "cannot read `\(path)`", at: span ?? .line(1, in: path))
            return nil
        }
        if data.count > limit {
            diagnostics.error(.fileTooLarge, "`\(path)` is larger than the limit of \(limit) bytes", at: span ?? .line(1, in: path),
                              help: "split it into several files")
            return nil
        }
        return [UInt8](data)
    }

    private static func key(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// The file's syntax tree, parsed once; nil when it cannot be read or parsed.
    func syntax(of path: String) -> RuleFileSyntax? {
        let key = Self.key(path)
        if let cached = syntaxCache[key] { return cached }
        var result: RuleFileSyntax?
        if let bytes = read(path, limit: YAMLLoader.maxFileBytes, reportAt: nil, into: &diagnostics) {
            let source = SourceFile(path: path, bytes: bytes)
            sources.add(source)
            let before = diagnostics.all.count
            if let root = YAMLLoader.load(source, into: &diagnostics) {
                result = RuleFileSyntax.decode(root, path: path, diagnostics: &diagnostics)
            }
            if diagnostics.all[before...].contains(where: { $0.severity == .error }) { filesWithErrors.insert(key) }
        }
        syntaxCache[key] = result
        return result
    }

    /// The file and everything it includes, depth first, each file once, the file last.
    private func scope(of main: RuleFileSyntax) -> [RuleFileSyntax] {
        var order: [RuleFileSyntax] = []
        var done = Set<String>()
        var path: [(key: String, file: String)] = []
        func visit(_ file: RuleFileSyntax) {
            let key = Self.key(file.path)
            path.append((key, file.path))
            for include in file.includes {
                let target = Self.resolve(include.value, from: file.path)
                let targetKey = Self.key(target)
                if let loopStart = path.firstIndex(where: { $0.key == targetKey }) {
                    let chain = path[loopStart...].map(\.file) + [target]
                    diagnostics.error(.includeCycle, "include cycle: \(chain.map { "`\($0)`" }.joined(separator: " -> "))", at: include.span,
                                      help: "move the shared definitions into a file that includes nothing")
                    continue
                }
                if done.contains(targetKey) { continue }
                guard overlays[targetKey] != nil || FileManager.default.fileExists(atPath: target) else {
                    let directory = (target as NSString).deletingLastPathComponent
                    let siblings = (try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory)) ?? []
                    diagnostics.error(.includeNotFound, "included file `\(target)` does not exist", at: include.span,
                                      help: Suggestions.help(for: include.value, in: siblings.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") })
                                          ?? "paths are relative to the including file")
                    done.insert(targetKey)
                    continue
                }
                guard let included = syntax(of: target) else {
                    done.insert(targetKey)
                    continue
                }
                if included.isRuleSet {
                    diagnostics.error(.includedRuleSet, "`\(target)` is a rule set (it has `rules`); only files of shared definitions can be included",
                                      at: include.span, help: "move the shared definitions into their own file and include that")
                    done.insert(targetKey)
                    continue
                }
                visit(included)
            }
            path.removeLast()
            done.insert(key)
            order.append(file)
        }
        visit(main)
        return order
    }

    static func resolve(_ relative: String, from file: String) -> String {
        if relative.hasPrefix("/") { return relative }
        let directory = (file as NSString).deletingLastPathComponent
        let joined = directory.isEmpty ? relative : (directory as NSString).appendingPathComponent(relative)
        return (joined as NSString).standardizingPath
    }

    /// A list file, read and checked once per home country.
    private func list(_ file: Text, definedIn definingFile: String, country: Country, diagnostics: inout Diagnostics) -> NumberList? {
        dataFile(file, definedIn: definingFile, variant: country.isoCode, cache: &listCache, kind: "list", code: .listFile,
                 limit: ListFileReader.maxFileBytes, diagnostics: &diagnostics) { bytes, path, local in
            ListFileReader.read(bytes, path: path, home: country, diagnostics: &local)
        }
    }

    /// A table file, read and its keys checked once per home country and kind of key (its
    /// values are resolved per rule set, whose agents they name).
    private func table(_ file: Text, key: LookupTable.Key, definedIn definingFile: String, country: Country,
                       diagnostics: inout Diagnostics) -> TableFile? {
        dataFile(file, definedIn: definingFile, variant: country.isoCode + "\u{0}" + key.rawValue, cache: &tableCache, kind: "table",
                 code: .tableFile, limit: TableFileReader.maxFileBytes, diagnostics: &diagnostics) { bytes, path, local in
            TableFileReader.read(bytes, path: path, key: key, home: country, diagnostics: &local)
        }
    }

    /// An iCalendar file, read once per zone it is read in.
    private func calendarFile(_ file: Text, definedIn definingFile: String, zone: String, diagnostics: inout Diagnostics) -> CalendarFile? {
        dataFile(file, definedIn: definingFile, variant: zone, cache: &calendarCache, kind: "iCalendar", code: .icsFile,
                 limit: ICSFileReader.maxFileBytes, diagnostics: &diagnostics) { bytes, path, local in
            ICSFileReader.read(bytes, path: path, zone: zone, diagnostics: &local)
        }
    }

    /// A file a definition names, relative to the file that names it, read once per path
    /// and `variant` (what the reading depends on): a missing or oversized file is reported
    /// at the name, a file with errors gives nothing, and its diagnostics are given again to
    /// every rule set that uses it.
    private func dataFile<Value>(_ file: Text, definedIn definingFile: String, variant: String,
                                 cache: inout [String: (value: Value?, diagnostics: Diagnostics)], kind: String, code: DiagnosticCode,
                                 limit: Int, diagnostics: inout Diagnostics,
                                 read: (_ bytes: [UInt8], _ path: String, _ diagnostics: inout Diagnostics) -> Value) -> Value? {
        let path = Self.resolve(file.value, from: definingFile)
        let key = Self.key(path) + "\u{0}" + variant
        if let cached = cache[key] {
            diagnostics.append(contentsOf: cached.diagnostics)
            return cached.value
        }
        let stamp = dataFiles != nil && overlays[Self.key(path)] == nil ? FileStamp(path: path) : nil
        if let stamp, let entry = dataFiles?[key], entry.stamp == stamp, let value = entry.value as? Value? {
            sources.add(entry.source)
            cache[key] = (value, entry.diagnostics)
            diagnostics.append(contentsOf: entry.diagnostics)
            return value
        }
        var local = Diagnostics()
        var value: Value?
        if !FileManager.default.fileExists(atPath: path) {
            local.error(code, "\(kind) file `\(path)` does not exist", at: file.span, help: "paths are relative to the file that names them")
        } else if let bytes = self.read(path, limit: limit, reportAt: file.span, into: &local) {
            let source = SourceFile(path: path, bytes: bytes)
            sources.add(source)
            value = read(bytes, path, &local)
            if local.hasErrors { value = nil }
            // Kept for the next check when what it says is about the file alone (not at the
            // place that names it, which an edit moves).
            if let stamp, local.all.allSatisfy({ $0.span?.file == path }) {
                dataFiles?[key] = DataFileCache.Entry(stamp: stamp, value: value, diagnostics: local, source: source)
            }
        }
        cache[key] = (value, local)
        diagnostics.append(contentsOf: local)
        return value
    }
}

/// List, table and calendar files read by earlier checks, by path and reading, with the
/// size, modification time and inode they had: a check reuses an entry while the file has
/// not changed. Shared by checks on several threads (the language server's).
public final class DataFileCache: @unchecked Sendable {
    struct Entry {
        let stamp: FileStamp
        let value: Any?
        let diagnostics: Diagnostics
        let source: SourceFile
    }

    private var entries: [String: Entry] = [:]
    private let lock = NSLock()

    public init() {}

    var count: Int { lock.withLock { entries.count } }

    subscript(key: String) -> Entry? {
        get { lock.withLock { entries[key] } }
        set { lock.withLock { entries[key] = newValue } }
    }
}
