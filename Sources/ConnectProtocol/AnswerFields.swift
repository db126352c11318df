/// The values of the Connect answer's optional fields, as the rule language names them.
/// The JSON field names and per-version spellings live with the encoder.

/// `destination_type`: one answer dials one kind of destination.
public enum DestinationType: String, Sendable, Hashable, Codable {
    case user
    case externalNumber = "external_number"
}

/// `record` and `recording_channels`.
public enum RecordingMode: String, Sendable, Hashable, CaseIterable {
    case off, single, dual
}

/// `music_on_hold`.
public enum HoldMusic: Sendable, Hashable {
    case defaultTone
    case operatorTone
    /// `custom_tone` with an http(s) audio URL.
    case custom(url: String)
}

/// `start_call_playback`.
public struct Playback: Sendable, Hashable {
    public enum Content: Sendable, Hashable {
        case text(String)
        case audio(url: String)
    }
    /// `playback_to`.
    public enum Audience: String, Sendable, Hashable, CaseIterable {
        case both, callee
    }
    public let content: Content
    public let audience: Audience?

    public init(content: Content, audience: Audience?) {
        self.content = content
        self.audience = audience
    }
}

/// The `Direction` request parameter.
public enum CallDirection: String, Sendable, Hashable, CaseIterable {
    case incoming
    case outboundDial = "outbound-dial"

    /// The request's `Direction`; nil for unknown values (`outbound-api`...). Byte
    /// comparisons: `init(rawValue:)` goes through a slower string switch.
    public static func parse(bytes: UnsafeBufferPointer<UInt8>) -> CallDirection? {
        if bytes.equals("incoming") { return .incoming }
        if bytes.equals("outbound-dial") { return .outboundDial }
        return nil
    }
}
