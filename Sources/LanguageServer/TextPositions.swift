import RuleCompiler

/// Converts between the checker's positions (1-based line, 1-based column in Unicode
/// scalars) and LSP's (0-based line, 0-based character in UTF-16 code units) for one text.
struct TextPositions {
    /// Each line's text, without its line break.
    let lines: [Substring]

    init(_ text: String) {
        lines = TextLines.split(text)
    }


    /// LSP's position of a checker's position (clamped to the text).
    func lsp(_ position: SourcePosition) -> [String: Int] {
        let line = max(0, position.line - 1)
        guard line < lines.count else { return ["line": line, "character": 0] }
        let scalars = lines[line].unicodeScalars
        let taken = scalars.prefix(max(0, position.column - 1))
        return ["line": line, "character": taken.reduce(0) { $0 + $1.utf16.count }]
    }

    func lsp(_ span: SourceSpan) -> [String: Any] {
        ["start": lsp(span.start), "end": lsp(span.end)]
    }

    /// The checker's position of LSP's (clamped to the text).
    func source(line: Int, character: Int) -> SourcePosition {
        guard line >= 0, line < lines.count else { return SourcePosition(line: line + 1, column: 1) }
        var units = 0, column = 1
        for scalar in lines[line].unicodeScalars {
            if units >= character { break }
            units += scalar.utf16.count
            column += 1
        }
        return SourcePosition(line: line + 1, column: column)
    }

    /// The index of LSP's position in `text` (clamped to its line and to the text), found
    /// without splitting the text into lines: an incremental edit of a large file.
    static func index(line: Int, character: Int, in text: String) -> String.Index {
        var text = text
        text.makeContiguousUTF8()
        let lineStart: Int? = text.utf8.withContiguousStorageIfAvailable { bytes in
            var offset = 0
            for _ in 0..<max(0, line) {
                guard let newline = bytes[offset...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
                offset = newline + 1
            }
            return offset
        } ?? nil
        guard let lineStart else { return text.endIndex }
        var index = text.utf8.index(text.utf8.startIndex, offsetBy: lineStart), units = 0
        let scalars = text.unicodeScalars
        while units < character, index != text.endIndex, scalars[index] != "\n", scalars[index] != "\r" {
            units += scalars[index].utf16.count
            index = scalars.index(after: index)
        }
        return index
    }
}
