import Foundation

/// Where the names of a rules directory are defined and used, for an editor's "go to
/// definition" and "find references": agents, groups, lists, calendars, tables and skills,
/// across included files. Built from the YAML of each file (unsaved texts first), so that
/// it works while a file does not check.
public struct NameIndex: Sendable {
    public enum Kind: String, Sendable {
        case agent, group, list, calendar, table, skill
    }

    /// A name where it is written: a definition's key (a skill's name), or a use.
    public struct Token: Sendable {
        public let name: String
        public let span: SourceSpan
        /// The kind it defines; nil for a use.
        public let defines: Kind?
        /// What a definition holds, in short (an agent's contact, a group's members).
        public var detail: String? = nil
    }

    /// By file (standardized path): its tokens, in order.
    private var tokens: [String: [Token]] = [:]
    /// By file: the files it includes.
    private var includes: [String: [String]] = [:]
    /// By file: a hash of the text it was read from, so that the next index reads again only
    /// the files that changed.
    private var fingerprints: [String: Int] = [:]

    static let sections: [String: Kind] = ["agents": .agent, "groups": .group, "lists": .list, "calendars": .calendar, "tables": .table]
    /// Keys whose values are never names, though they may look like one.
    static let notNames: Set<String> = ["name", "ringing", "conversation", "record", "hold_music", "caller_id", "text", "audio", "events", "busy",
                                        "strategy", "max_parallel", "weight", "by", "sticky_days", "key", "file", "timezone", "to_zone",
                                        "direction", "custom_field", "digits", "ics", "always"]

    /// Indexes the rule files of `paths` (files or directories) and everything they include;
    /// a file whose text is the same as in `previous` is not read again.
    public init(paths: [String], overlays: [String: [UInt8]] = [:], previous: NameIndex? = nil) {
        let texts = Dictionary(overlays.map { (Self.key($0.key), $0.value) }, uniquingKeysWith: { $1 })
        var pending = ((try? Workspace.ruleFiles(in: paths)) ?? []).map(Self.key)
        for path in texts.keys where Workspace.isRuleFileName((path as NSString).lastPathComponent)
            && paths.contains(where: { Self.key($0) == Self.key((path as NSString).deletingLastPathComponent) }) {
            pending.append(path)
        }
        while let path = pending.popLast() {
            guard tokens[path] == nil else { continue }
            tokens[path] = []
            guard let bytes = texts[path] ?? FileManager.default.contents(atPath: path).map({ [UInt8]($0) }), bytes.count <= YAMLLoader.maxFileBytes else {
                continue
            }
            let fingerprint = bytes.hashValue
            fingerprints[path] = fingerprint
            if let previous, previous.fingerprints[path] == fingerprint {
                tokens[path] = previous.tokens[path]
                includes[path] = previous.includes[path]
                pending += includes[path] ?? []
                continue
            }
            var diagnostics = Diagnostics()
            guard let root = YAMLLoader.load(SourceFile(path: path, bytes: bytes), into: &diagnostics), case .mapping(let entries) = root.content else {
                continue
            }
            var found: [Token] = []
            for entry in entries {
                switch entry.name {
                case "include":
                    let targets = Self.scalars(entry.value).map { Self.key(Workspace.resolve($0.scalar ?? "", from: path)) }
                    includes[path] = targets
                    pending += targets
                case "skills":
                    guard case .mapping(let skills) = entry.value.content else { continue }
                    for skill in skills {
                        if let name = skill.value.scalar {
                            found.append(Token(name: name, span: skill.value.span, defines: .skill, detail: "digits \(skill.name)"))
                        }
                    }
                case let section where Self.sections[section] != nil:
                    guard case .mapping(let definitions) = entry.value.content else { continue }
                    for definition in definitions {
                        found.append(Token(name: definition.name, span: definition.key.span, defines: Self.sections[section],
                                           detail: Self.detail(definition.value)))
                        if section == "groups" || section == "calendars" { Self.uses(in: definition.value, into: &found) }
                    }
                case "rules":
                    Self.uses(in: entry.value, into: &found)
                default:
                    break
                }
            }
            tokens[path] = found
        }
    }

    /// Scalar values that may be names, under `node`: not keys, not values of keys that never
    /// hold names (a rule's own `name`, durations, texts...).
    private static func uses(in node: Node, into found: inout [Token]) {
        switch node.content {
        case .scalar(let value, _):
            if !value.isEmpty { found.append(Token(name: value, span: node.span, defines: nil)) }
        case .sequence(let items):
            for item in items { uses(in: item, into: &found) }
        case .mapping(let entries):
            for entry in entries where !notNames.contains(entry.name) { uses(in: entry.value, into: &found) }
        }
    }

    /// A definition's value in one line: a scalar, a list of scalars, or a mapping's `file`.
    private static func detail(_ node: Node) -> String? {
        switch node.content {
        case .scalar(let value, _): value
        case .sequence(let items): items.compactMap(\.scalar).joined(separator: ", ")
        case .mapping(let entries): entries.first { $0.name == "file" }?.value.scalar.map { "file \($0)" }
        }
    }

    private static func scalars(_ node: Node) -> [Node] {
        switch node.content {
        case .scalar: [node]
        case .sequence(let items): items.filter { $0.scalar != nil }
        case .mapping: []
        }
    }

    public static func key(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// The name at a place of a file, if one is there.
    public func token(in file: String, at position: SourcePosition) -> Token? {
        tokens[Self.key(file)]?.first { $0.span.start <= position && position <= $0.span.end && $0.span.start.line == position.line }
    }

    /// The file and every file it includes, transitively.
    func scope(of file: String) -> Set<String> {
        var seen = Set<String>(), stack = [Self.key(file)]
        while let next = stack.popLast() {
            guard seen.insert(next).inserted else { continue }
            stack += includes[next] ?? []
        }
        return seen
    }

    /// Where the name at a place is defined: in the file's scope, else anywhere indexed.
    public func definitions(in file: String, at position: SourcePosition) -> [Token] {
        guard let token = token(in: file, at: position) else { return [] }
        if token.defines != nil { return [token] }
        let visible = scope(of: file)
        let all = tokens.flatMap { path, list in list.filter { $0.defines != nil && $0.name == token.name }.map { (path, $0) } }
        let near = all.filter { visible.contains($0.0) }
        return (near.isEmpty ? all : near).map(\.1).sorted { ($0.span.file, $0.span.start) < ($1.span.file, $1.span.start) }
    }

    /// Every use of the name at a place (and its definitions, with `declarations`), in the
    /// files that see the same definition.
    public func references(in file: String, at position: SourcePosition, declarations: Bool) -> [Token] {
        guard let token = token(in: file, at: position) else { return [] }
        let defined = definitions(in: file, at: position)
        let homes = Set(defined.map { Self.key($0.span.file) })
        var result: [Token] = []
        for (path, list) in tokens.sorted(by: { $0.key < $1.key }) {
            // A file sees the definition when it, or a file it includes, holds it.
            guard homes.isEmpty || !scope(of: path).isDisjoint(with: homes) else { continue }
            result += list.filter { $0.name == token.name && ($0.defines == nil || declarations) }
        }
        return result
    }

    /// Names defined in the file's scope, for completion; every name indexed while the file
    /// is not YAML (as it is while a flow list is being typed), since its includes are unknown.
    public func names(visibleFrom file: String) -> [Token] {
        let key = Self.key(file)
        let unread = tokens[key]?.isEmpty ?? true && includes[key] == nil
        let visible = scope(of: file)
        return tokens.sorted { $0.key < $1.key }.filter { unread || visible.contains($0.key) }.flatMap { $0.value.filter { $0.defines != nil } }
    }
}
