import Foundation

/// Every diagnostic (no cap: machines read all of it) as a JSON array, keys sorted so that
/// output is byte-for-byte stable.
public enum JSONRenderer {
    struct Location: Encodable {
        let file: String
        let line: Int
        let column: Int
        let endLine: Int
        let endColumn: Int

        init?(_ span: SourceSpan?) {
            guard let span else { return nil }
            file = span.file
            line = span.start.line
            column = span.start.column
            endLine = span.end.line
            endColumn = span.end.column
        }
    }

    struct Note: Encodable {
        let message: String
        let location: Location?

        func encode(to encoder: Encoder) throws {
            try location?.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(message, forKey: .message)
        }
    }

    struct Entry: Encodable {
        let diagnostic: Diagnostic

        func encode(to encoder: Encoder) throws {
            try Location(diagnostic.span)?.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(diagnostic.severity.rawValue, forKey: .severity)
            try container.encode(diagnostic.code.rawValue, forKey: .code)
            try container.encode(diagnostic.code.name, forKey: .name)
            try container.encode(diagnostic.message, forKey: .message)
            try container.encode(diagnostic.help, forKey: .help)
            try container.encode(diagnostic.span?.path ?? "", forKey: .path)
            try container.encode(diagnostic.notes.map { Note(message: $0.message, location: Location($0.span)) }, forKey: .notes)
        }
    }

    enum Keys: String, CodingKey { case severity, code, name, message, help, path, notes }

    public static func render(_ diagnostics: [Diagnostic]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(diagnostics.map(Entry.init))) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
