/// A text's lines as an editor counts them (LSP's lines, the checker's line numbers less one).
public enum TextLines {
    /// Split on the UTF-8 bytes: splitting a `String` on `"\n"` walks grapheme clusters (slow on
    /// a large file) and leaves `\r\n`, one cluster, unsplit.
    public static func split(_ text: String) -> [Substring] {
        var lines: [Substring] = []
        let utf8 = text.utf8
        var start = utf8.startIndex, index = start
        while index != utf8.endIndex {
            if utf8[index] == UInt8(ascii: "\n") {
                let before = utf8.index(before: index)
                let end = index > start && utf8[before] == UInt8(ascii: "\r") ? before : index
                lines.append(text[start..<end])
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        lines.append(text[start..<utf8.endIndex])
        return lines
    }
}
