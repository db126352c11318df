/// Reads one mapping against the keys it may have: reports a wrong type, unknown keys (with
/// a suggestion) and missing required keys, each at the offending token.
struct MappingReader {
    let node: Node
    private var entries: [String: MappingEntry] = [:]
    /// Keys in source order, for sections whose keys are names (`agents:`).
    private(set) var ordered: [MappingEntry] = []

    /// `keys == nil` accepts any key (a section of names).
    /// `context` names the mapping in unknown-key messages ("in a rule"); `expected` says what
    /// it should be when it is not a mapping at all.
    init?(_ node: Node, expected: String, context: String? = nil, keys: [String]?, diagnostics: inout Diagnostics) {
        guard case .mapping(let list) = node.content else {
            diagnostics.error(.wrongType, "expected \(expected), found \(node.kindDescription)", at: node.span)
            return nil
        }
        self.node = node
        for entry in list {
            if let keys, !keys.contains(entry.name) {
                diagnostics.error(.unknownKey, "unknown key `\(entry.name)` in \(context ?? expected)", at: entry.key.span,
                                  help: Suggestions.help(for: entry.name, in: keys) ?? "expected one of \(keys.map { "`\($0)`" }.joined(separator: ", "))")
                continue
            }
            entries[entry.name] = entry
            ordered.append(entry)
        }
    }

    subscript(key: String) -> Node? { entries[key]?.value }

    func keySpan(_ key: String) -> SourceSpan? { entries[key]?.key.span }

    func required(_ key: String, in what: String, diagnostics: inout Diagnostics) -> Node? {
        if let value = entries[key]?.value { return value }
        diagnostics.error(.missingKey, "\(what) has no `\(key)`", at: node.span.firstToken)
        return nil
    }
}

extension SourceSpan {
    /// The span's start, one column wide: where a parent mapping begins.
    var firstToken: SourceSpan {
        SourceSpan(file: file, start: start, end: SourcePosition(line: start.line, column: start.column + 1), path: path)
    }
}

/// Scalar and list readers shared by every section.
enum Read {
    /// A non-empty scalar.
    static func text(_ node: Node, expected: String, diagnostics: inout Diagnostics) -> Text? {
        guard let value = node.scalar, !node.isPlainNull else {
            diagnostics.error(.wrongType, "expected \(expected), found \(node.kindDescription)", at: node.span)
            return nil
        }
        return Text(value: value, span: node.span)
    }

    /// A scalar or a list of scalars.
    static func texts(_ node: Node, expected: String, diagnostics: inout Diagnostics) -> [Text] {
        if case .sequence(let items) = node.content {
            return items.compactMap { text($0, expected: expected, diagnostics: &diagnostics) }
        }
        return text(node, expected: expected, diagnostics: &diagnostics).map { [$0] } ?? []
    }

    /// A condition: a value, a list (ORed), or `{ not: ... }`.
    static func match(_ node: Node, expected: String, diagnostics: inout Diagnostics) -> MatchSyntax? {
        switch node.content {
        case .scalar:
            return text(node, expected: expected, diagnostics: &diagnostics).map(MatchSyntax.item)
        case .sequence(let items):
            if items.isEmpty {
                diagnostics.error(.empty, "empty list: a condition needs at least one value", at: node.span)
                return nil
            }
            let matches = items.compactMap { match($0, expected: expected, diagnostics: &diagnostics) }
            return matches.count == items.count ? .anyOf(matches, span: node.span) : nil
        case .mapping:
            guard let reader = MappingReader(node, expected: "a `{ not: ... }` or `{ in: ... }` condition", keys: ["not", "in"],
                                             diagnostics: &diagnostics) else { return nil }
            if let name = reader["in"] {
                if let not = reader.keySpan("not") {
                    diagnostics.error(.conflictingKeys, "a condition has `not` or `in`, not both", at: not,
                                      help: "write `{ not: { in: NAME } }`")
                    return nil
                }
                return Read.text(name, expected: "a table or list name", diagnostics: &diagnostics).map { .member($0, span: node.span) }
            }
            guard let inner = reader.required("not", in: "the condition", diagnostics: &diagnostics),
                  let negated = match(inner, expected: expected, diagnostics: &diagnostics) else { return nil }
            return .not(negated, span: node.span)
        }
    }
}
