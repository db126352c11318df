public enum Severity: String, Sendable, Hashable, Comparable, Codable {
    case error, warning, note

    private var rank: Int {
        switch self {
        case .error: return 0
        case .warning: return 1
        case .note: return 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// A diagnostic is a value; renderers decide how it looks.
public struct Diagnostic: Sendable, Hashable {
    public struct Note: Sendable, Hashable {
        public var message: String
        public var span: SourceSpan?

        public init(_ message: String, at span: SourceSpan?) {
            self.message = message
            self.span = span
        }
    }

    public var code: DiagnosticCode
    public var severity: Severity
    public var message: String
    /// Nil only for problems with no place in a file (a missing path on the command line).
    public var span: SourceSpan?
    public var notes: [Note]
    /// The fix, when we know one: "did you mean `priya`?".
    public var help: String?

    public init(_ code: DiagnosticCode, _ message: String, at span: SourceSpan?, severity: Severity? = nil,
                notes: [Note] = [], help: String? = nil) {
        self.code = code
        self.severity = severity ?? code.defaultSeverity
        self.message = message
        self.span = span
        self.notes = notes
        self.help = help
    }

    /// Sort order of output: file, position, then code.
    static func inSourceOrder(_ lhs: Diagnostic, _ rhs: Diagnostic) -> Bool {
        let left = lhs.span, right = rhs.span
        if left?.file != right?.file { return (left?.file ?? "") < (right?.file ?? "") }
        if left?.start != right?.start {
            return (left?.start ?? .init(line: 0, column: 0)) < (right?.start ?? .init(line: 0, column: 0))
        }
        if lhs.code != rhs.code { return lhs.code.rawValue < rhs.code.rawValue }
        return lhs.message < rhs.message
    }
}
