import Foundation

/// SARIF 2.1.0: one run of the `ringplan` driver, every diagnostic code as a rule with its
/// help, each result with its region (columns in Unicode code points, as we count them).
public enum SARIFRenderer {
    public static func render(_ diagnostics: [Diagnostic], toolVersion: String = "1") -> String {
        let codes = DiagnosticCode.allCases
        let rules: [[String: Any]] = codes.map { code in
            [
                "id": code.rawValue,
                "name": code.name,
                "shortDescription": ["text": code.summary],
                "fullDescription": ["text": code.summary],
                "help": ["text": "\(code.summary); see Grammar.md, code \(code.rawValue)"],
                "defaultConfiguration": ["level": level(code.defaultSeverity)],
            ]
        }
        let results: [[String: Any]] = diagnostics.map { diagnostic in
            var result: [String: Any] = [
                "ruleId": diagnostic.code.rawValue,
                "ruleIndex": codes.firstIndex(of: diagnostic.code) ?? 0,
                "level": level(diagnostic.severity),
                "message": ["text": diagnostic.help.map { "\(diagnostic.message) (\($0))" } ?? diagnostic.message],
            ]
            if let location = location(diagnostic.span) { result["locations"] = [location] }
            let related = diagnostic.notes.enumerated().compactMap { index, note -> [String: Any]? in
                guard var location = location(note.span) else { return nil }
                location["id"] = index
                location["message"] = ["text": note.message]
                return location
            }
            if !related.isEmpty { result["relatedLocations"] = related }
            return result
        }
        let log: [String: Any] = [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [[
                "tool": ["driver": ["name": "ringplan", "version": toolVersion,
                                    "rules": rules]],
                "columnKind": "unicodeCodePoints",
                "results": results,
            ] as [String: Any]],
        ]
        return ReadableJSON.string(log)
    }

    static func level(_ severity: Severity) -> String {
        switch severity {
        case .error: return "error"
        case .warning: return "warning"
        case .note: return "note"
        }
    }

    static func location(_ span: SourceSpan?) -> [String: Any]? {
        guard let span else { return nil }
        return ["physicalLocation": [
            "artifactLocation": ["uri": span.file],
            "region": ["startLine": span.start.line, "startColumn": span.start.column,
                       "endLine": span.end.line, "endColumn": span.end.column],
        ] as [String: Any]]
    }
}

/// GitHub Actions workflow commands (`::error file=...::message`). GitHub shows ten per
/// step, so the most severe come first, then one summary line.
public enum GitHubRenderer {
    public static let annotationLimit = 10

    public static func render(_ diagnostics: [Diagnostic]) -> String {
        let ordered = diagnostics.enumerated().sorted { lhs, rhs in
            lhs.element.severity != rhs.element.severity ? lhs.element.severity < rhs.element.severity : lhs.offset < rhs.offset
        }.map(\.element)
        var output = ""
        for diagnostic in ordered.prefix(annotationLimit) {
            let command = diagnostic.severity == .error ? "error" : diagnostic.severity == .warning ? "warning" : "notice"
            var properties: [String] = []
            if let span = diagnostic.span {
                properties += ["file=\(property(span.file))", "line=\(span.start.line)", "col=\(span.start.column)",
                               "endLine=\(span.end.line)", "endColumn=\(span.end.column)"]
            }
            properties.append("title=\(property("\(diagnostic.code.rawValue) \(diagnostic.code.name)"))")
            var message = diagnostic.message
            if let help = diagnostic.help { message += "\nhelp: \(help)" }
            for note in diagnostic.notes {
                message += "\nnote: \(note.message)" + (note.span.map { " (\($0.file):\($0.start.line):\($0.start.column))" } ?? "")
            }
            output += "::\(command) \(properties.joined(separator: ","))::\(data(message))\n"
        }
        let errors = diagnostics.count { $0.severity == .error }, warnings = diagnostics.count { $0.severity == .warning }
        let hidden = max(0, diagnostics.count - annotationLimit)
        output += "ringplan: \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
            + (hidden > 0 ? " (\(hidden) more not annotated; run `ringplan check` for all)" : "") + "\n"
        return output
    }

    /// Escaping of workflow command data and properties.
    static func data(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
    }

    static func property(_ text: String) -> String {
        data(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
