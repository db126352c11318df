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
        let utf8 = text.utf8
        // The line's first byte: line breaks counted over the bytes (contiguous in a native
        // string; else walked).
        func lineStart(_ bytes: some Collection<UInt8>) -> Int? {
            guard line > 0 else { return 0 }
            var offset = 0, remaining = line
            for byte in bytes {
                offset += 1
                if byte == UInt8(ascii: "\n") {
                    remaining -= 1
                    if remaining == 0 { return offset }
                }
            }
            return nil
        }
        guard let start = utf8.withContiguousStorageIfAvailable(lineStart) ?? lineStart(utf8) else { return text.endIndex }
        let scalars = text.unicodeScalars
        var index = utf8.index(utf8.startIndex, offsetBy: start), units = 0
        while units < character, index != text.endIndex, scalars[index] != "\n", scalars[index] != "\r" {
            units += scalars[index].utf16.count
            index = scalars.index(after: index)
        }
        return index
    }
}
