import ConnectProtocol

public struct Destination: Sendable, Hashable {
    public var type: DestinationType
    public var number: PhoneNumber
    /// The agent's name, for explanations; nil for an external number.
    public var agent: String?

    public init(type: DestinationType, number: PhoneNumber, agent: String?) {
        self.type = type
        self.number = number
        self.agent = agent
    }
}

public enum DialStrategy: Sendable, Hashable {
    /// One destination per fetch, in order, through `fetch_after_attempt`.
    case hunt
    /// All destinations at once, `max_parallel_attempts` at a time.
    case parallel(maxAttempts: Int)
}

public struct Dial: Sendable, Hashable {
    /// In dialling order, groups expanded, duplicates removed.
    public var destinations: [Destination]
    public var strategy: DialStrategy

    public init(destinations: [Destination], strategy: DialStrategy) {
        self.destinations = destinations
        self.strategy = strategy
    }
}
