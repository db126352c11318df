import ConnectProtocol
import Routing

/// A lookup table's file as read: its keys checked and sorted, its values still text, since
/// whether `priya` is an agent depends on the rule set that uses the table.
struct TableFile: Sendable {
    /// Keys of a table keyed by caller: ascending, each once.
    var numbers: [PhoneNumber] = []
    /// Keys of a table keyed by custom field: ascending by UTF-8 bytes, each once.
    var texts: [String] = []
    /// The line of the first row, which in a table keyed by custom field may be a header:
    /// only the rule set's agents tell (see `Checker.dropHeader`).
    var firstLine: Int32?
    /// For each key, its value's index in `values`, and its line.
    var valueIDs: [Int32] = []
    var lines: [Int32] = []
    /// The distinct values as written, in order of first appearance.
    var values: [String] = []
    /// Where each value is written, its first `TableFileReader.maxReportedLines` rows.
    var places: [[SourceSpan]] = []
    /// How many rows give each value.
    var rowCounts: [Int] = []
}

/// Reads a lookup table file: CSV, one `key,value` row per line (fields may be double-quoted,
/// with `""` for a quote), blank lines skipped. CRM exports run to millions of rows, so it
/// works on bytes, keeps numbers as integers, and interns values. The two kinds of key differ
/// only in how a key is read and ordered (`KeyReading`).
enum TableFileReader {
    static let maxFileBytes = ListFileReader.maxFileBytes
    static let maxReportedLines = 20
    /// Longest custom-field key, in bytes (Exotel's `CustomField` is free text, but a key is an id).
    static let maxTextKeyBytes = 1000

    static func read(_ bytes: [UInt8], path: String, key: LookupTable.Key, home: Country, diagnostics: inout Diagnostics) -> TableFile {
        var file = TableFile()
        switch key {
        case .caller:
            // A first line whose key is no number is the header.
            let keys = read(bytes, path: path, into: &file, diagnostics: &diagnostics, reading: KeyReading<PhoneNumber>(
                isHeader: { !$0.startsWithNumber }, what: "the caller's number",
                parse: { field, line in
                    if !field.quoted, case .success(let number) = E164.parse(bytes: UnsafeBufferPointer(rebasing: line[field.range])) { return .success(number) }
                    return Numbers.number(field.text(line), home: home).mapError { KeyProblem(code: $0.code, message: $0.message, help: $0.help) }
                },
                precedes: <, describe: \.description))
            file.numbers = keys
        case .customField:
            // A first line may be a header: only the rule set's agents tell (`Checker.dropHeader`).
            file.texts = read(bytes, path: path, into: &file, diagnostics: &diagnostics, reading: KeyReading<String>(
                isHeader: { _ in false }, what: "the custom field's text",
                parse: { field, line in
                    let text = field.text(line)
                    guard !text.isEmpty else {
                        return .failure(KeyProblem(code: .tableFile, message: "the row has no key", help: "the first column is the `CustomField` text to match"))
                    }
                    guard text.utf8.count <= maxTextKeyBytes else {
                        return .failure(KeyProblem(code: .tableFile, message: "the key has \(text.utf8.count) bytes, over the limit of \(maxTextKeyBytes)", help: nil))
                    }
                    return .success(text)
                },
                precedes: { $0.utf8.lexicographicallyPrecedes($1.utf8) }, describe: { $0 }))
        }
        return file
    }

    /// How one kind of key is read from its field, told a header by, and ordered.
    struct KeyReading<Key> {
        let isHeader: (CSVLine) -> Bool
        /// What the first column holds, for messages.
        let what: String
        let parse: (CSVLine.Field, UnsafeBufferPointer<UInt8>) -> Result<Key, KeyProblem>
        let precedes: (Key, Key) -> Bool
        let describe: (Key) -> String
    }

    struct KeyProblem: Error {
        let code: DiagnosticCode
        let message: String
        let help: String?
    }

    /// The rows of a file: values interned into `file`, keys returned ascending, each once
    /// (a repeat is reported with both lines: an error when the values differ).
    private static func read<Key>(_ bytes: [UInt8], path: String, into file: inout TableFile, diagnostics: inout Diagnostics,
                                  reading: KeyReading<Key>) -> [Key] {
        var rows: [(key: Key, value: Int32, line: Int32)] = []
        var valueIDs: [String: Int32] = [:]
        var bad = 0
        func report(_ code: DiagnosticCode, _ message: String, line: Int, column: Int, width: Int, help: String?) {
            bad += 1
            guard bad <= maxReportedLines else { return }
            let span = SourceSpan(file: path, start: .init(line: line, column: column), end: .init(line: line, column: column + max(width, 1)))
            diagnostics.error(code, message, at: span, help: help)
        }
        var sawFirstLine = false
        let lineCount = Lines.forEach(in: bytes) { lineNumber, line in
            guard let fields = CSVLine(line) else {
                report(.tableFile, "unbalanced quote in this row", line: lineNumber, column: 1, width: line.count, help: "close the quoted field with `\"`")
                return
            }
            if fields.isBlank { return }
            let isFirst = !sawFirstLine
            sawFirstLine = true
            if isFirst && reading.isHeader(fields) { return }
            guard fields.count == 2 else {
                report(.tableFile, "expected `key,value`, found \(fields.count) field\(fields.count == 1 ? "" : "s")", line: lineNumber,
                       column: 1, width: line.count, help: "a table file holds two columns: \(reading.what), then the agent or number to dial")
                return
            }
            let keyField = fields.field(0), valueField = fields.field(1)
            let key: Key
            switch reading.parse(keyField, line) {
            case .success(let parsed): key = parsed
            case .failure(let problem):
                report(problem.code, problem.message, line: lineNumber, column: keyField.column,
                       width: keyField.text(line).unicodeScalars.count, help: problem.help)
                return
            }
            let valueText = valueField.text(line)
            guard !valueText.isEmpty else {
                report(.tableFile, "the row for `\(reading.describe(key))` has no value", line: lineNumber, column: valueField.column, width: 1,
                       help: "give the agent or E.164 number to dial, or remove the row")
                return
            }
            if file.firstLine == nil { file.firstLine = Int32(lineNumber) }
            let id: Int32
            if let known = valueIDs[valueText] {
                id = known
            } else {
                id = Int32(file.values.count)
                valueIDs[valueText] = id
                file.values.append(valueText)
                file.places.append([])
                file.rowCounts.append(0)
            }
            file.rowCounts[Int(id)] += 1
            if file.places[Int(id)].count < maxReportedLines {
                file.places[Int(id)].append(SourceSpan(file: path, start: .init(line: lineNumber, column: valueField.column),
                                                       end: .init(line: lineNumber, column: valueField.column + valueText.unicodeScalars.count)))
            }
            rows.append((key, id, Int32(lineNumber)))
        }
        rows.sort { reading.precedes($0.key, $1.key) || (!reading.precedes($1.key, $0.key) && $0.line < $1.line) }
        var keys: [Key] = []
        keys.reserveCapacity(rows.count)
        file.valueIDs.reserveCapacity(rows.count)
        file.lines.reserveCapacity(rows.count)
        var firstLine: Int32 = 0
        for row in rows {
            if let last = keys.last, !reading.precedes(last, row.key) {
                let earlier = file.values[Int(file.valueIDs[file.valueIDs.count - 1])]
                let same = file.valueIDs[file.valueIDs.count - 1] == row.value
                if !same { bad += 1 }
                if same || bad <= maxReportedLines {
                    let with = same ? "the same value" : "different values: `\(earlier)` and `\(file.values[Int(row.value)])`"
                    diagnostics.add(Diagnostic(.tableFile, "`\(reading.describe(row.key))` is in the table twice, with \(with)",
                                               at: .line(Int(row.line), in: path), severity: same ? .warning : nil,
                                               notes: [.init("first here", at: .line(Int(firstLine), in: path))],
                                               help: same ? "remove the repeated row" : "keep the row with the right value and remove the other"))
                }
                continue
            }
            firstLine = row.line
            keys.append(row.key)
            file.valueIDs.append(row.value)
            file.lines.append(row.line)
        }
        if bad > maxReportedLines {
            diagnostics.error(.tableFile, "\(bad - maxReportedLines) more problems in this table file", at: .line(lineCount, in: path),
                              help: "table files hold `key,value` rows: \(reading.what), then an agent or E.164 number")
        }
        return keys
    }
}

/// The fields of one CSV line, found without copying it.
struct CSVLine {
    struct Field {
        /// The bytes of the field, without its quotes and the spaces around it.
        let range: Range<Int>
        let quoted: Bool
        /// 1-based, in bytes (table files are ASCII in practice; see `SourceSpan`).
        var column: Int { range.lowerBound + 1 }

        func text(_ line: UnsafeBufferPointer<UInt8>) -> String {
            let raw = String(decoding: UnsafeBufferPointer(rebasing: line[range]), as: UTF8.self)
            return quoted ? raw.replacingOccurrences(of: "\"\"", with: "\"") : raw
        }
    }

    /// The first two fields (rows have two; an array per line cost a million allocations).
    private var first = Field(range: 0..<0, quoted: false)
    private var second = Field(range: 0..<0, quoted: false)
    private(set) var count = 0
    private(set) var isBlank = true
    private(set) var startsWithNumber = false

    func field(_ index: Int) -> Field { index == 0 ? first : second }

    /// Nil when a quoted field is not closed.
    init?(_ line: UnsafeBufferPointer<UInt8>) {
        var end = line.count
        if end > 0 && line[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        func isSpace(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        var index = 0
        while true {
            while index < end && isSpace(line[index]) { index += 1 }
            var field: Field
            if index < end && line[index] == UInt8(ascii: "\"") {
                let start = index + 1
                var cursor = start
                while true {
                    guard cursor < end else { return nil }
                    if line[cursor] == UInt8(ascii: "\"") {
                        if cursor + 1 < end && line[cursor + 1] == UInt8(ascii: "\"") { cursor += 2; continue }
                        break
                    }
                    cursor += 1
                }
                field = Field(range: start..<cursor, quoted: true)
                index = cursor + 1
                while index < end && line[index] != UInt8(ascii: ",") { index += 1 }
            } else {
                let start = index
                while index < end && line[index] != UInt8(ascii: ",") { index += 1 }
                var stop = index
                while stop > start && isSpace(line[stop - 1]) { stop -= 1 }
                field = Field(range: start..<stop, quoted: false)
            }
            if !field.range.isEmpty || field.quoted { isBlank = false }
            if count == 0 { first = field } else if count == 1 { second = field }
            count += 1
            if index >= end { break }
            index += 1 // the comma
        }
        if count > 1 { isBlank = false }
        if !first.range.isEmpty {
            let byte = line[first.range.lowerBound]
            startsWithNumber = byte == UInt8(ascii: "+") || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
        }
    }
}
