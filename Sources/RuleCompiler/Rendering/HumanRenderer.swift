/// Renders diagnostics as swiftc does: the location, the message, then the source line with
/// a caret under the offending token, notes the same way, and the help.
public struct HumanRenderer: Sendable {
    let sources: SourceManager

    public init(sources: SourceManager) { self.sources = sources }

    public func render(_ report: DiagnosticReport) -> String {
        var output = report.shown.map(render).joined()
        if report.omitted > 0 {
            output += "... and \(report.omitted) more \(report.omitted == 1 ? "diagnostic" : "diagnostics") not shown\n"
        }
        if report.errors + report.warnings > 0 {
            output += "\(Self.count(report.errors, "error")), \(Self.count(report.warnings, "warning"))\n"
        }
        return output
    }

    static func count(_ value: Int, _ noun: String) -> String { "\(value) \(noun)\(value == 1 ? "" : "s")" }

    public func render(_ diagnostic: Diagnostic) -> String {
        var output = "\(PlainRenderer.location(diagnostic.span))\(diagnostic.severity.rawValue)[\(diagnostic.code.rawValue)]: \(diagnostic.message)\n"
        output += snippet(diagnostic.span)
        if let help = diagnostic.help { output += "   = help: \(help)\n" }
        for note in diagnostic.notes {
            output += "\(PlainRenderer.location(note.span))note: \(note.message)\n"
            output += snippet(note.span)
        }
        return output
    }

    /// The source line and a caret line under the span (to the end of the line when the
    /// span runs over several).
    func snippet(_ span: SourceSpan?) -> String {
        guard let span, let file = sources.file(span.file), let rawLine = file.line(span.start.line) else { return "" }
        // Tabs become one space each, so columns (in Unicode scalars) still line up.
        let line = String(String.UnicodeScalarView(rawLine.unicodeScalars.map { $0 == "\t" ? " " : $0 }))
        let width = line.unicodeScalars.count
        let start = min(max(span.start.column, 1), width + 1)
        let end = span.end.line == span.start.line ? min(max(span.end.column, start + 1), width + 1) : width + 1
        let number = String(span.start.line)
        let gutter = String(repeating: " ", count: number.count)
        let caret = String(repeating: " ", count: start - 1) + "^" + String(repeating: "~", count: max(0, end - start - 1))
        return "\(gutter) |\n\(number) | \(line)\n\(gutter) | \(caret)\n"
    }
}

/// `file:line:col: severity[CODE]: message`, one line each, as compilers print for tools.
public enum PlainRenderer {
    public static func render(_ report: DiagnosticReport) -> String {
        report.shown.map(render).joined()
    }

    public static func render(_ diagnostic: Diagnostic) -> String {
        var output = "\(location(diagnostic.span))\(diagnostic.severity.rawValue)[\(diagnostic.code.rawValue)]: \(diagnostic.message)"
        if let help = diagnostic.help { output += " (help: \(help))" }
        output += "\n"
        for note in diagnostic.notes {
            output += "\(location(note.span))note: \(note.message)\n"
        }
        return output
    }

    static func location(_ span: SourceSpan?) -> String {
        guard let span else { return "" }
        return "\(span.file):\(span.start.line):\(span.start.column): "
    }
}
