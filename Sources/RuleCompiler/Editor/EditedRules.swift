/// Where a new version of a text differs from an old one, by whole lines: the lines before
/// `start` are the same in both, and so are the lines from `oldEnd` (old) and `newEnd`
/// (new) on. What was found in the unchanged lines of the old text still holds, moved.
public struct LineChange: Equatable, Sendable {
    /// 0-based line numbers.
    public let start: Int
    public let oldEnd: Int
    public let newEnd: Int

    public init(start: Int, oldEnd: Int, newEnd: Int) {
        self.start = start
        self.oldEnd = oldEnd
        self.newEnd = newEnd
    }

    /// The lines around the bytes that differ: the lines before the first differing byte's
    /// line are unchanged, and so are the whole lines of the longest common end that does
    /// not reach into them.
    public init(old: [UInt8], new: [UInt8]) {
        let newline = UInt8(ascii: "\n")
        let shorter = min(old.count, new.count)
        var prefix = 0
        while prefix < shorter, old[prefix] == new[prefix] { prefix += 1 }
        let lineStart = (old[..<prefix].lastIndex(of: newline) ?? -1) + 1
        var suffix = 0
        while suffix < shorter - lineStart, old[old.count - 1 - suffix] == new[new.count - 1 - suffix] { suffix += 1 }
        // Whole lines of the common end: from where it starts when that is a line's start in
        // both texts; else after its first line break; else (none) the last line changed too.
        let oldStart = old.count - suffix, newStart = new.count - suffix
        let oldTail: Int, last: Int
        if (oldStart == 0 || old[oldStart - 1] == newline) && (newStart == 0 || new[newStart - 1] == newline) {
            (oldTail, last) = (oldStart, 0)
        } else if let lineBreak = old[oldStart...].firstIndex(of: newline) {
            (oldTail, last) = (lineBreak + 1, 0)
        } else {
            (oldTail, last) = (old.count, 1)
        }
        let newTail = new.count - (old.count - oldTail)
        let start = Self.lines(old[..<lineStart])
        if prefix == shorter && old.count == new.count {
            self.init(start: start, oldEnd: start, newEnd: start)
        } else {
            self.init(start: start, oldEnd: start + Self.lines(old[lineStart..<oldTail]) + last,
                      newEnd: start + Self.lines(new[lineStart..<newTail]) + last)
        }
    }

    /// The line breaks in `bytes`.
    private static func lines(_ bytes: ArraySlice<UInt8>) -> Int {
        var count = 0
        for byte in bytes where byte == UInt8(ascii: "\n") { count += 1 }
        return count
    }

    public var isEmpty: Bool { start == oldEnd && start == newEnd }

    /// A 1-based line of the old text in the new one; nil when the change replaced it.
    public func line(_ old: Int) -> Int? {
        if old - 1 < start { return old }
        if old - 1 >= oldEnd { return old + newEnd - oldEnd }
        return nil
    }

    /// A diagnostic of the old text of `file` in the new text; nil when the change replaced
    /// its line. Its notes in the changed lines are left out; other files' places stay.
    public func moved(_ diagnostic: Diagnostic, in file: String) -> Diagnostic? {
        func moved(_ span: SourceSpan) -> SourceSpan? {
            guard span.file == file else { return span }
            guard let start = line(span.start.line) else { return nil }
            var span = span
            span.end.line += start - span.start.line
            span.start.line = start
            return span
        }
        var diagnostic = diagnostic
        if let span = diagnostic.span {
            guard let span = moved(span) else { return nil }
            diagnostic.span = span
        }
        diagnostic.notes = diagnostic.notes.compactMap { note in
            guard let span = note.span else { return note }
            return moved(span).map { .init(note.message, at: $0) }
        }
        return diagnostic
    }
}

/// An edit confined to a few rules of a rule file's `rules:` list, and a text in which
/// those rules can be checked alone, in their places: the file with every other rule's
/// lines left empty. On a rule file of thousands of rules that check takes milliseconds
/// where the whole file's takes the better part of a second, so the language server shows
/// the edited rules' diagnostics first and the rest of the file's from the last check,
/// moved, until the whole check ends.
///
/// What the edited rules' check cannot see: another rule of the same name (a duplicate),
/// and definitions the edit leaves unused or starts using; the whole check that follows
/// says those.
public struct EditedRules: Sendable {
    /// The change widened to whole rules (list items): the lines checked again.
    public let change: LineChange
    /// The change itself: what was found about the rules as a whole (the analyses') moves
    /// with it, for it is not found again here.
    public let exact: LineChange
    /// The new text with only the edited rules under `rules:`.
    public let text: [UInt8]

    /// Nil when the texts are the same or the change reaches outside the `rules:` list
    /// (definitions, settings): then every rule may read differently and only a whole check
    /// will do.
    public init?(old: [UInt8], new: [UInt8]) {
        let change = LineChange(old: old, new: new)
        let newLines = Lines(new), oldLines = Lines(old)
        guard !change.isEmpty, let block = Self.ruleItems(newLines), let oldBlock = Self.ruleItems(oldLines) else { return nil }
        // The lines around the change, so that a deletion joining two rules reads both.
        let first = max(change.start - 1, block.items.lowerBound)
        let last = min(max(change.newEnd, change.start + 1), block.items.upperBound)
        guard first < last else { return nil }
        // Whole items: from the start of the item holding `first` to the end of the one holding `last - 1`.
        let lower = block.starts.last { $0 <= first } ?? block.items.lowerBound
        let upper = block.starts.first { $0 >= last } ?? block.items.upperBound
        let widened = LineChange(start: lower, oldEnd: upper - (newLines.count - oldLines.count), newEnd: upper)
        // The old text's changed lines must be inside its own list too.
        guard widened.start >= oldBlock.items.lowerBound, widened.oldEnd <= oldBlock.items.upperBound,
              widened.start <= change.start, widened.newEnd >= change.newEnd else { return nil }
        self.change = widened
        exact = change
        var text: [UInt8] = []
        text.reserveCapacity(new.count)
        text += new[..<newLines.start(block.items.lowerBound)]
        text += repeatElement(UInt8(ascii: "\n"), count: lower - block.items.lowerBound)
        text += new[newLines.start(lower)..<newLines.start(upper)]
        text += repeatElement(UInt8(ascii: "\n"), count: block.items.upperBound - upper)
        text += new[newLines.start(block.items.upperBound)...]
        self.text = text
    }

    /// A text's lines as byte ranges, each with its line break.
    struct Lines {
        let bytes: [UInt8]
        /// Where each line starts; then the end of the text.
        private let starts: [Int]

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
            var starts = [0]
            for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") { starts.append(offset + 1) }
            starts.append(bytes.count)
            self.starts = starts
        }

        var count: Int { starts.count - 1 }

        /// Where line `number` (0-based) starts; the end of the text past the last line.
        func start(_ number: Int) -> Int { starts[min(number, count)] }

        subscript(number: Int) -> ArraySlice<UInt8> { bytes[starts[number]..<starts[number + 1]] }
    }

    /// The lines of the top-level `rules:` block list (from the first item to the next
    /// top-level key or the end) and the line of each item's `-`, read from indentation;
    /// nil when the file has no such list (no rules, or a flow list `rules: [...]`).
    static func ruleItems(_ lines: Lines) -> (items: Range<Int>, starts: [Int])? {
        let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), dash = UInt8(ascii: "-")
        func body(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
            line.drop { $0 == space || $0 == tab }
        }
        func isBlankOrComment(_ line: ArraySlice<UInt8>) -> Bool {
            let body = body(line)
            return body.first.map { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "#") } ?? true
        }
        let key = Array("rules:".utf8)
        guard let keyLine = (0..<lines.count).first(where: { number in
            let line = lines[number]
            return line.starts(with: key) && isBlankOrComment(line.dropFirst(key.count))
        }) else { return nil }
        guard let first = ((keyLine + 1)..<lines.count).first(where: { !isBlankOrComment(lines[$0]) }) else { return nil }
        let indent = lines[first].prefix { $0 == space }.count
        func isItem(_ line: ArraySlice<UInt8>) -> Bool {
            let rest = line.dropFirst(indent)
            guard line.prefix(indent).allSatisfy({ $0 == space }), rest.first == dash else { return false }
            let after = rest.dropFirst().first
            return after == nil || after == space || after == UInt8(ascii: "\n") || after == UInt8(ascii: "\r")
        }
        guard isItem(lines[first]) else { return nil }
        var starts: [Int] = []
        var end = lines.count
        for number in first..<lines.count {
            let line = lines[number]
            if isItem(line) {
                starts.append(number)
            } else if !isBlankOrComment(line) && line.first != space {
                end = number
                break
            }
        }
        return (first..<end, starts)
    }
}
