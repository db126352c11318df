import ConnectProtocol

public struct Destination: Sendable, Hashable {
    public var type: DestinationType
    public var contact: Contact
    /// The agent's name, for explanations; nil for an external number.
    public var agent: String?

    public init(type: DestinationType, contact: Contact, agent: String?) {
        self.type = type
        self.contact = contact
        self.agent = agent
    }

    /// How logs and explanations name it: the agent, else the number.
    public var name: String { agent ?? contact.description }
}

public enum DialStrategy: Sendable, Hashable {
    /// One destination per fetch, in order, through `fetch_after_attempt`.
    case hunt
    /// All destinations at once, `max_parallel_attempts` at a time.
    case parallel(maxAttempts: Int)
}

public struct Dial: Sendable, Hashable {
    /// In dialling order, groups expanded, duplicates removed; empty for `nobody`.
    public var destinations: [Destination]
    public var strategy: DialStrategy

    public init(destinations: [Destination], strategy: DialStrategy) {
        self.destinations = destinations
        self.strategy = strategy
    }

    /// `dial: nobody`: an empty `destination`, so that Exotel takes "We didn't dial anyone".
    public static let nobody = Dial(destinations: [], strategy: .hunt)

    public var isNobody: Bool { destinations.isEmpty }
}

/// What a call gets when no rule matches it, or when a hunt has no destination left
/// (`unmatched:`).
public enum Unmatched: String, Sendable, Hashable, CaseIterable {
    /// The empty answer of `dial: nobody` (HTTP 200): Exotel takes "We didn't dial anyone".
    case nobody
    /// A fast non-200, so that Exotel tries the Fallback URL.
    case fallback
}
