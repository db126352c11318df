/// What a rule set answers to one request.
public enum Outcome: Sendable, Hashable {
    /// Rule `rule` decided and someone is dialled; `body` is the JSON for the request's
    /// Connect version.
    case answer(rule: Int, attempt: Int, body: ArraySlice<UInt8>)
    /// HTTP 200 with an empty `destination`: Exotel takes "We didn't dial anyone".
    case nobody(Nobody, body: ArraySlice<UInt8>)
    /// No rule matched, under `unmatched: fallback`: the server answers non-200 so that
    /// Exotel goes to the Fallback URL.
    case noMatch
    /// A re-fetch of a hunt whose last destination was already dialled, under
    /// `unmatched: fallback`.
    case huntExhausted(rule: Int)
    /// The rule's plan has no destination for this call at all (its lookups found nothing
    /// and have no `else`), under `unmatched: fallback`.
    case noDestination(rule: Int)

    /// Why nobody is dialled.
    public enum Nobody: Sendable, Hashable {
        /// The rule says `dial: nobody`.
        case rule(Int)
        /// No rule matched (`unmatched: nobody`).
        case noMatch
        /// The hunt of `rule` has no destination left (`unmatched: nobody`).
        case huntExhausted(rule: Int)
        /// The plan of `rule` has no destination for this call (`unmatched: nobody`).
        case noDestination(rule: Int)
        /// Every destination left in the plan of `rule` is busy on another call (`busy: skip`).
        case allBusy(rule: Int)
    }

    /// The HTTP status the server answers with.
    public var status: Int {
        switch self {
        case .answer, .nobody: return 200
        case .noMatch, .huntExhausted, .noDestination: return 422
        }
    }

    /// The body of a 200.
    public var body: ArraySlice<UInt8>? {
        switch self {
        case .answer(_, _, let body), .nobody(_, let body): return body
        case .noMatch, .huntExhausted, .noDestination: return nil
        }
    }

    /// The attempt an answer dials (busy agents may have moved it past the one asked for).
    public var answeredAttempt: Int? {
        if case .answer(_, let attempt, _) = self { return attempt }
        return nil
    }

    public var isAnswer: Bool {
        if case .answer = self { return true }
        return false
    }

    /// Whether a rule says `dial: nobody`.
    public var isNobodyByRule: Bool {
        if case .nobody(.rule, _) = self { return true }
        return false
    }

    /// Whether everyone left to dial is busy (which answers nobody whatever `unmatched` says).
    public var isAllBusy: Bool {
        if case .nobody(.allBusy, _) = self { return true }
        return false
    }

    /// The rule that decided (or whose hunt is exhausted).
    public var rule: Int? {
        switch self {
        case .answer(let rule, _, _), .huntExhausted(let rule), .noDestination(let rule), .nobody(.rule(let rule), _),
             .nobody(.huntExhausted(let rule), _), .nobody(.noDestination(let rule), _), .nobody(.allBusy(let rule), _):
            return rule
        case .noMatch, .nobody(.noMatch, _):
            return nil
        }
    }

    /// A stable word for logs and metrics: `dialled`, `nobody` or `fallback`.
    public var kind: String {
        switch self {
        case .answer: return "dialled"
        case .nobody: return "nobody"
        case .noMatch, .huntExhausted, .noDestination: return "fallback"
        }
    }

    /// Why, in words, when nobody is dialled: "rule `closed` dials nobody", "no rule
    /// matched", "the hunt of rule `vip` is exhausted". `names`: rule names by index.
    public func reason(names: (Int) -> String) -> String? {
        switch self {
        case .answer: return nil
        case .nobody(.rule(let rule), _): return "rule `\(names(rule))` dials nobody"
        case .noMatch, .nobody(.noMatch, _): return "no rule matched"
        case .huntExhausted(let rule), .nobody(.huntExhausted(let rule), _):
            return "the hunt of rule `\(names(rule))` is exhausted: no destination left"
        case .noDestination(let rule), .nobody(.noDestination(let rule), _):
            return "rule `\(names(rule))` has no destination for this call: its lookups found nothing and have no `else`"
        case .nobody(.allBusy(let rule), _):
            return "every destination left in the plan of rule `\(names(rule))` is busy on another call"
        }
    }
}
