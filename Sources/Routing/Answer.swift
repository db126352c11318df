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

/// The answer's optional fields after `defaults` are applied: nil leaves the field out.
public struct AnswerOptions: Sendable, Hashable {
    /// `max_ringing_duration`, seconds.
    public var ringing: Int?
    /// `max_conversation_duration`, seconds.
    public var conversation: Int?
    public var record: RecordingMode?
    public var holdMusic: HoldMusic?
    /// `outgoing_phone_number`.
    public var callerID: PhoneNumber?
    public var playback: Playback?
    /// `dial_passthru_event_url`.
    public var eventsURL: String?

    public init(ringing: Int? = nil, conversation: Int? = nil, record: RecordingMode? = nil, holdMusic: HoldMusic? = nil,
                callerID: PhoneNumber? = nil, playback: Playback? = nil, eventsURL: String? = nil) {
        self.ringing = ringing
        self.conversation = conversation
        self.record = record
        self.holdMusic = holdMusic
        self.callerID = callerID
        self.playback = playback
        self.eventsURL = eventsURL
    }

    /// Fields set here win; the rest come from `defaults`.
    public func overriding(_ defaults: AnswerOptions) -> AnswerOptions {
        AnswerOptions(
            ringing: ringing ?? defaults.ringing,
            conversation: conversation ?? defaults.conversation,
            record: record ?? defaults.record,
            holdMusic: holdMusic ?? defaults.holdMusic,
            callerID: callerID ?? defaults.callerID,
            playback: playback ?? defaults.playback,
            eventsURL: eventsURL ?? defaults.eventsURL
        )
    }
}
