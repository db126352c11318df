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
