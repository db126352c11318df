/// Collects diagnostics across stages. Not thread-safe: one per check run.
public struct Diagnostics: Sendable {
    public private(set) var all: [Diagnostic] = []

    public init() {}

    public mutating func add(_ diagnostic: Diagnostic) { all.append(diagnostic) }

    public mutating func error(_ code: DiagnosticCode, _ message: String, at span: SourceSpan?,
                               notes: [Diagnostic.Note] = [], help: String? = nil) {
        all.append(Diagnostic(code, message, at: span, notes: notes, help: help))
    }

    public mutating func append(contentsOf other: Diagnostics) { all.append(contentsOf: other.all) }

    public var hasErrors: Bool { all.contains { $0.severity == .error } }

    /// Sorted by file and position, without exact repeats (a shared file is checked once
    /// per rule set that includes it).
    public func sorted() -> [Diagnostic] {
        var seen = Set<Diagnostic>()
        return all.filter { seen.insert($0).inserted }.sorted(by: Diagnostic.inSourceOrder)
    }
}

/// What `check` reports: the diagnostics shown, and how many more there were.
public struct DiagnosticReport: Sendable {
    public var shown: [Diagnostic]
    public var omitted: Int
    public var errors: Int
    public var warnings: Int

    public static let defaultLimit = 100

    /// `remarks`: include the `note` diagnostics (such as partly shadowed rules), which are
    /// information, not problems, and hidden by default.
    public init(_ diagnostics: Diagnostics, limit: Int = DiagnosticReport.defaultLimit, strict: Bool = false, remarks: Bool = false) {
        var all = diagnostics.sorted().filter { remarks || $0.severity != .note }
        if strict {
            all = all.map { diagnostic in
                var promoted = diagnostic
                if promoted.severity == .warning { promoted.severity = .error }
                return promoted
            }
        }
        errors = all.count { $0.severity == .error }
        warnings = all.count { $0.severity == .warning }
        shown = Array(all.prefix(limit))
        omitted = all.count - shown.count
    }

    public var failed: Bool { errors > 0 }
}
