import ConnectProtocol
import Routing

/// Reads a number list file: one E.164 number or prefix per line, `#` starts a comment,
/// blank lines are skipped. CRM exports run to millions of lines, so it works on bytes and
/// keeps numbers as integers.
enum ListFileReader {
    public static let maxFileBytes = 64 << 20
    static let maxReportedLines = 20

    static func read(_ bytes: [UInt8], path: String, home: Country, diagnostics: inout Diagnostics) -> NumberList {
        var numbers: [PhoneNumber] = []
        var prefixes = Set<String>()
        var bad = 0
        let lineCount = Lines.forEach(in: bytes) { lineNumber, line in
            var start = 0, end = line.count
            if let hash = line.firstIndex(of: UInt8(ascii: "#")) { end = hash }
            while start < end && isSpace(line[start]) { start += 1 }
            while end > start && isSpace(line[end - 1]) { end -= 1 }
            if start == end { return }
            let entry = UnsafeBufferPointer(rebasing: line[start..<end])
            // A valid number, the common line, costs no String; the rest (prefixes, and
            // numbers with a problem to report) take the rule files' path.
            if line[end - 1] != UInt8(ascii: "*"), case .success(let number) = E164.parse(bytes: entry) {
                numbers.append(number)
                return
            }
            let text = String(decoding: entry, as: UTF8.self)
            switch Numbers.atom(text, home: home) {
            case .success(.number(let number)):
                numbers.append(number)
            case .success(.prefix(let digits)):
                prefixes.insert(digits)
            case .success(.list), .success(.table):
                break
            case .failure(let problem):
                bad += 1
                if bad <= maxReportedLines {
                    let span = SourceSpan(file: path, start: .init(line: lineNumber, column: start + 1),
                                          end: .init(line: lineNumber, column: start + 1 + text.unicodeScalars.count))
                    diagnostics.error(problem.code, problem.message, at: span, help: problem.help)
                }
            }
        }
        if bad > maxReportedLines {
            diagnostics.error(.listFile, "\(bad - maxReportedLines) more invalid lines in this list file", at: .line(lineCount, in: path),
                              help: "list files hold one E.164 number (`+919845012345`) or prefix (`+9198450199*`) per line")
        }
        numbers.sort()
        var unique: [PhoneNumber] = []
        unique.reserveCapacity(numbers.count)
        for number in numbers where unique.last != number { unique.append(number) }
        return NumberList(name: "", numbers: unique, prefixes: prefixes.sorted())
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }
}
