/// A position in a source file: 1-based line, and 1-based column counted in Unicode scalars
/// (what libyaml counts, and what editors show for the text of rule files).
public struct SourcePosition: Sendable, Hashable, Comparable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }
}

/// Where a token is: the file as the user named it, its start and end (end exclusive), and
/// its data path in the document such as `rules[3].dial.to[1]`. Made once, at the parse
/// boundary; nothing downstream computes positions.
public struct SourceSpan: Sendable, Hashable {
    public var file: String
    public var start: SourcePosition
    public var end: SourcePosition
    public var path: String

    public init(file: String, start: SourcePosition, end: SourcePosition, path: String = "") {
        self.file = file
        self.start = start
        self.end = end
        self.path = path
    }

    /// A span covering a whole line's text, for list files and file-level problems.
    public static func line(_ line: Int, in file: String, columns: Range<Int> = 1..<2) -> SourceSpan {
        SourceSpan(file: file, start: .init(line: line, column: columns.lowerBound),
                   end: .init(line: line, column: columns.upperBound))
    }
}
