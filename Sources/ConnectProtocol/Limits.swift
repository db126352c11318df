/// Exotel Connect's limits, in one place so that a correction is a one-line change.
/// Source: Exotel's support article "CCM Programmable Connect" (version 1.0's response table).
public enum ConnectLimits {
    /// `max_ringing_duration`, seconds.
    public static let ringingSeconds: ClosedRange<Int> = 1...60
    /// `max_conversation_duration`, seconds (75 minutes).
    public static let conversationSeconds: ClosedRange<Int> = 1...4500
    /// `parallel_ringing.max_parallel_attempts`. Sources give 5 or 10; the seed's example is 5,
    /// and an answer over Exotel's cap silently drops the call, so we hold the lower one.
    public static let maxParallelAttempts: ClosedRange<Int> = 1...5
    /// E.164: at most 15 digits after the `+`, country code included.
    public static let maxE164Digits = 15
    /// The shortest numbers in service have 7 digits with their country code (St Helena,
    /// Niue); anything shorter is a typo or a fragment, not a number to dial.
    public static let minE164Digits = 7
    /// Longest URL we put in an answer (`music_on_hold`, playback audio, `dial_passthru_event_url`).
    public static let maxURLLength = 2048
    /// Longest text-to-speech playback we put in an answer.
    public static let maxPlaybackTextLength = 1000
    /// Exotel waits this long for an answer before it goes to the Fallback URL.
    public static let answerTimeoutSeconds = 5
}
