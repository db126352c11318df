import Foundation

/// What each key of the rule language means, where it may stand, and what it becomes: the
/// key tables of Grammar.md, read into `KeyDocs+Generated.swift` by
/// `scripts/gen-key-docs.py` (a test fails when Grammar.md changes without it).
public enum KeyDocs {
    struct Table {
        let section: String
        let columns: [String]
        let rows: [(key: String, cells: [String])]
    }

    /// The tables whose keys may stand inside `parents` (the keys above the place, list
    /// items as "-"), most specific first.
    static func tables(for parents: [String], testFile: Bool) -> [Table] {
        func named(_ prefix: String) -> Table? { tables.first { $0.section.hasPrefix(prefix) } }
        if testFile { return [named("Test files")].compactMap { $0 } }
        let keys = parents.filter { $0 != "-" }
        guard let first = keys.first else { return [named("Top-level keys")].compactMap { $0 } }
        let options = named("Answer options")
        switch first {
        case "defaults": return [options].compactMap { $0 }
        case "tables" where keys.count == 2: return [named("`tables`")].compactMap { $0 }
        case "calendars" where keys.count == 2: return [named("`calendars`")].compactMap { $0 }
        case "rules":
            switch keys.last {
            case "rules": return [named("`rules`"), options].compactMap { $0 }
            case "when": return [named("`when`")].compactMap { $0 }
            case "dial", "steps", "split": return [named("`dial`"), options].compactMap { $0 }
            default: return []
            }
        default: return []
        }
    }

    /// Markdown for a key written inside `parents`; nil for a key the language does not have there.
    public static func hover(key: String, parents: [String], testFile: Bool = false) -> String? {
        for table in tables(for: parents, testFile: testFile) {
            guard let row = table.rows.first(where: { $0.key == key }) else { continue }
            var text = "**`\(key)`** (\(table.section))\n"
            for (column, cell) in zip(table.columns, row.cells) where !cell.isEmpty {
                text += "\n- \(column): \(cell)"
            }
            return text
        }
        return nil
    }

    /// The keys that may stand inside `parents`, with a line on each.
    public static func keys(parents: [String], testFile: Bool = false) -> [(key: String, detail: String)] {
        var seen = Set<String>()
        return tables(for: parents, testFile: testFile).flatMap { table in
            table.rows.compactMap { row in
                guard seen.insert(row.key).inserted else { return nil }
                return (row.key, row.cells.first ?? "")
            }
        }
    }
}

/// Where the cursor is in a rule file's text, read from indentation alone, so that it works
/// in a file being typed that is not YAML yet: the keys above it, and the key whose value
/// it is in (nil where a key may be written).
public struct EditorPlace: Equatable, Sendable {
    /// Lists whose items are mappings of keys.
    static let listsOfMappings: Set<String> = ["rules", "steps", "split", "cases", "fetches"]

    /// Outermost first; a list item is "-".
    public var parents: [String]
    public var valueOf: String?
    /// The word being typed, before the cursor.
    public var prefix: String

    public init(parents: [String], valueOf: String?, prefix: String) {
        self.parents = parents
        self.valueOf = valueOf
        self.prefix = prefix
    }

    /// `line` 0-based, `column` in Unicode scalars, 0-based.
    public init(text: String, line: Int, column: Int) {
        self.init(lines: TextLines.split(text), line: line, column: column)
    }

    /// The same from a text's lines (an editor keeps them between requests).
    public init(lines: [Substring], line: Int, column: Int) {
        let current = line < lines.count ? String(lines[line]) : ""
        let before = String(current.unicodeScalars.prefix(column))
        prefix = String(before.reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }.reversed())
        // The key whose value the cursor is in: `key: ...` or `key: [a, ...` on this line, or a
        // `- item` under a key.
        let body = before.drop { $0 == " " }
        var parents: [String] = []
        let indent = before.prefix { $0 == " " }.count
        var valueOf: String?
        if let colon = body.firstIndex(of: ":"), !body[..<colon].contains(" ") || body.hasPrefix("- ") {
            valueOf = String(body[..<colon]).replacingOccurrences(of: "- ", with: "").trimmingCharacters(in: .whitespaces)
            // A list item's key: the item, inside its list, whose key is less indented than the dash.
            if body.hasPrefix("- ") { parents.insert("-", at: 0) }
        }
        // A list item's value (`- pri`): the value of the list's key, found above.
        let itemOfList = valueOf == nil && (body.hasPrefix("- ") || body == "-")
        // Keys above, each less indented than what is below it.
        var limit = indent
        var index = line - 1
        while index >= 0 && limit > 0 {
            // Most lines are skipped (deeper than the limit): read their bytes, make no String.
            let text = lines[index]
            let depth = text.utf8.prefix { $0 == UInt8(ascii: " ") }.count
            index -= 1
            guard depth < limit, let first = text.utf8.dropFirst(depth).first, first != UInt8(ascii: "#"),
                  first != UInt8(ascii: "\r") else { continue }
            var item = text.dropFirst(depth)
            var itemDepth = depth
            if item.hasPrefix("- ") {
                // `- name: x` is a key of a list item: the item, then its list.
                item = item.dropFirst(2)
                itemDepth += 2
                if itemDepth < limit, let colon = item.firstIndex(of: ":"), !item[..<colon].contains(" ") {
                    parents.insert(String(item[..<colon]), at: 0)
                }
                parents.insert("-", at: 0)
                limit = depth
                continue
            }
            if let colon = item.firstIndex(of: ":"), !item[..<colon].contains(" ") {
                parents.insert(String(item[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "\"'")), at: 0)
            }
            limit = depth
        }
        if itemOfList, let key = parents.last {
            if Self.listsOfMappings.contains(key) {
                // `- na` under `rules:` starts an item whose keys are being written.
                parents.append("-")
            } else {
                valueOf = key
                parents.removeLast()
            }
        }
        self.parents = parents
        self.valueOf = valueOf
    }
}

extension EditorPlace {
    /// The key at `column` (0-based, in Unicode scalars) of a line of `text`, and the keys
    /// above it, read from indentation: no parse of the file, which may be large.
    public static func key(lines: [Substring], line: Int, column: Int) -> (key: String, parents: [String])? {
        guard line < lines.count else { return nil }
        let scalars = Array(lines[line].unicodeScalars)
        var start = scalars.firstIndex { $0 != " " } ?? scalars.count
        let item = start + 1 < scalars.count && scalars[start] == "-" && scalars[start + 1] == " "
        if item { start += 2 }
        guard let colon = scalars[start...].firstIndex(of: ":"), column >= start, column <= colon else { return nil }
        let key = String(String.UnicodeScalarView(scalars[start..<colon]))
        guard !key.isEmpty, !key.contains(" ") else { return nil }
        // The place just before the key: a list item's key sits inside the item.
        var parents = EditorPlace(lines: lines, line: line, column: item ? start - 2 : start).parents
        if item, let list = parents.last {
            if !listsOfMappings.contains(list) { return nil }
            parents.append("-")
        } else if item {
            return nil
        }
        return (key.trimmingCharacters(in: CharacterSet(charactersIn: "\"'")), parents)
    }
}

extension Node {
    /// The key at `position` and the keys above it (a list item as "-"), when the position is
    /// on a key of this tree.
    public func key(at position: SourcePosition) -> (key: String, parents: [String])? {
        func visit(_ node: Node, _ parents: [String]) -> (String, [String])? {
            switch node.content {
            case .scalar: return nil
            case .sequence(let items):
                for item in items where item.span.start <= position && position <= item.span.end {
                    if let found = visit(item, parents + ["-"]) { return found }
                }
                return nil
            case .mapping(let entries):
                for entry in entries {
                    if entry.key.span.start <= position && position <= entry.key.span.end { return (entry.name, parents) }
                    if entry.value.span.start <= position && position <= entry.value.span.end, let found = visit(entry.value, parents + [entry.name]) {
                        return found
                    }
                }
                return nil
            }
        }
        return visit(self, [])
    }
}
