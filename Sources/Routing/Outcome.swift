/// What a rule set answers to one request.
public enum Outcome: Sendable, Hashable {
    /// Rule `rule` decided; `body` is the JSON for the request's Connect version.
    case answer(rule: Int, attempt: Int, body: ArraySlice<UInt8>)
    /// No rule matched: the server answers non-200 so that Exotel goes to the Fallback URL.
    case noMatch
    /// A re-fetch of a hunt whose last destination was already dialled.
    case huntExhausted(rule: Int)

    public var isAnswer: Bool {
        if case .answer = self { return true }
        return false
    }

    public var rule: Int? {
        switch self {
        case .answer(let rule, _, _), .huntExhausted(let rule): return rule
        case .noMatch: return nil
        }
    }
}
