/// Why an answer cannot be built: each would make Exotel drop the call.
public enum AnswerError: Error, Equatable, Sendable {
    case noDestination
    case ringingOutOfRange(Int)
    case conversationOutOfRange(Int)
    case parallelAttemptsOutOfRange(Int)
    case invalidURL(String)
    case playbackText(length: Int)
    /// The generic Programmable Connect dials numbers only.
    case sipInConnectApplet(String)
}

/// The answer to one Connect request. It can only be built valid: every mandatory field,
/// every limit of `ConnectLimits`, numbers typed as E.164, SIP only where the applet takes
/// it, and an empty `destination` only as `nobody`. Encoding cannot fail.
public struct ConnectAnswer: Sendable, Hashable {
    public let applet: Applet
    public let destinationType: DestinationType
    /// Empty only for `nobody`.
    public let destinations: [Contact]
    /// `fetch_after_attempt`: true while a hunt has more destinations.
    public let fetchAfterAttempt: Bool?
    /// `parallel_ringing.max_parallel_attempts`, when ringing in parallel.
    public let parallelAttempts: Int?
    public let options: AnswerOptions

    public init(applet: Applet = .ccm, destinationType: DestinationType, destinations: [Contact], fetchAfterAttempt: Bool?,
                parallelAttempts: Int?, options: AnswerOptions) throws(AnswerError) {
        guard !destinations.isEmpty else { throw .noDestination }
        if !applet.dialsSIP, let sip = destinations.first(where: \.isSIP) { throw .sipInConnectApplet(sip.description) }
        if let ringing = options.ringing, !ConnectLimits.ringingSeconds.contains(ringing) { throw .ringingOutOfRange(ringing) }
        if let conversation = options.conversation, !ConnectLimits.conversationSeconds.contains(conversation) {
            throw .conversationOutOfRange(conversation)
        }
        if let parallelAttempts, !ConnectLimits.maxParallelAttempts.contains(parallelAttempts) {
            throw .parallelAttemptsOutOfRange(parallelAttempts)
        }
        var urls: [String] = []
        if case .custom(let url) = options.holdMusic { urls.append(url) }
        if case .audio(let url) = options.playback?.content { urls.append(url) }
        if let url = options.eventsURL { urls.append(url) }
        for url in urls where !Self.isHTTPURL(url) { throw .invalidURL(url) }
        if case .text(let text) = options.playback?.content,
           text.isEmpty || text.count > ConnectLimits.maxPlaybackTextLength {
            throw .playbackText(length: text.count)
        }
        self.init(applet: applet, destinationType: destinationType, destinations: destinations,
                  fetchAfterAttempt: fetchAfterAttempt, parallelAttempts: parallelAttempts, options: options, checked: ())
    }

    private init(applet: Applet, destinationType: DestinationType, destinations: [Contact], fetchAfterAttempt: Bool?,
                 parallelAttempts: Int?, options: AnswerOptions, checked: Void) {
        self.applet = applet
        self.destinationType = destinationType
        self.destinations = destinations
        self.fetchAfterAttempt = fetchAfterAttempt
        self.parallelAttempts = parallelAttempts
        self.options = options
    }

    /// Dial nobody, on purpose: an empty `destination` sends the call straight to the flow's
    /// "We didn't dial anyone" transition (voicemail, the Queue applet). Nothing else is
    /// said: there is no call for the options to shape. 1.0 keeps its mandatory
    /// `destination_type`, as `user`.
    public static func nobody(applet: Applet) -> ConnectAnswer {
        ConnectAnswer(applet: applet, destinationType: .user, destinations: [], fetchAfterAttempt: false,
                      parallelAttempts: nil, options: AnswerOptions(), checked: ())
    }

    public var dialsNobody: Bool { destinations.isEmpty }

    static func isHTTPURL(_ url: String) -> Bool {
        let lower = url.lowercased()
        return (lower.hasPrefix("http://") || lower.hasPrefix("https://")) && url.utf8.count <= ConnectLimits.maxURLLength
            && !url.contains(where: { $0.isWhitespace })
    }

    /// The JSON body for `version`, fields in the order of the provider's sample. The
    /// generic Connect applet has one shape whatever the version.
    public func encoded(for version: ConnectVersion) -> [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        if let fetchAfterAttempt { json.field("fetch_after_attempt") { $0.bool(fetchAfterAttempt) } }
        switch applet {
        case .ccm:
            if version.carriesDestinationType { json.field("destination_type") { $0.string(destinationType.rawValue) } }
            json.field("destination") { writer in
                writer.beginArray()
                for contact in destinations {
                    writer.element { $0.beginObject(); $0.field(version.destinationKey) { $0.string(contact.description) }; $0.endObject() }
                }
                writer.endArray()
            }
        case .connect:
            json.field("destination") { writer in
                writer.beginObject()
                writer.field("numbers") { writer in
                    writer.beginArray()
                    for contact in destinations { writer.element { $0.string(contact.description) } }
                    writer.endArray()
                }
                writer.endObject()
            }
        }
        if let parallelAttempts {
            json.field("parallel_ringing") {
                $0.beginObject()
                $0.field("activate") { $0.bool(true) }
                $0.field("max_parallel_attempts") { $0.int(parallelAttempts) }
                $0.endObject()
            }
        }
        if let url = options.eventsURL { json.field("dial_passthru_event_url") { $0.string(url) } }
        if let callerID = options.callerID { json.field("outgoing_phone_number") { $0.string(callerID.description) } }
        if let record = options.record {
            json.field("record") { $0.bool(record != .off) }
            if record != .off { json.field("recording_channels") { $0.string(record.rawValue) } }
        }
        if let ringing = options.ringing { json.field("max_ringing_duration") { $0.int(ringing) } }
        if let conversation = options.conversation { json.field("max_conversation_duration") { $0.int(conversation) } }
        if let music = options.holdMusic {
            json.field("music_on_hold") {
                $0.beginObject()
                switch music {
                case .defaultTone: $0.field("type") { $0.string("default_tone") }
                case .operatorTone: $0.field("type") { $0.string("operator_tone") }
                case .custom(let url):
                    $0.field("type") { $0.string("custom_tone") }
                    $0.field("value") { $0.string(url) }
                }
                $0.endObject()
            }
        }
        if let playback = options.playback {
            json.field("start_call_playback") {
                $0.beginObject()
                switch playback.content {
                case .text(let text):
                    $0.field("type") { $0.string("text") }
                    $0.field("value") { $0.string(text) }
                case .audio(let url):
                    $0.field("type") { $0.string("audio_url") }
                    $0.field("value") { $0.string(url) }
                }
                if let audience = playback.audience { $0.field("playback_to") { $0.string(audience.rawValue) } }
                $0.endObject()
            }
        }
        json.endObject()
        return json.bytes
    }
}

/// A minimal compact JSON writer: answers are built once, at compile time.
struct JSONWriter {
    var bytes: [UInt8] = []
    private var needsComma: [Bool] = []

    mutating func beginObject() { bytes.append(UInt8(ascii: "{")); needsComma.append(false) }
    mutating func endObject() { bytes.append(UInt8(ascii: "}")); needsComma.removeLast() }
    mutating func beginArray() { bytes.append(UInt8(ascii: "[")); needsComma.append(false) }
    mutating func endArray() { bytes.append(UInt8(ascii: "]")); needsComma.removeLast() }

    private mutating func separate() {
        if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
    }

    mutating func field(_ name: String, _ value: (inout JSONWriter) -> Void) {
        separate()
        string(name)
        bytes.append(UInt8(ascii: ":"))
        value(&self)
    }

    mutating func element(_ value: (inout JSONWriter) -> Void) {
        separate()
        value(&self)
    }

    mutating func bool(_ value: Bool) { bytes += Array((value ? "true" : "false").utf8) }
    mutating func int(_ value: Int) { JSONText.appendInteger(value, to: &bytes) }

    mutating func string(_ value: String) { JSONText.appendString(value, to: &bytes) }
}

/// JSON string literals, for every JSON Ringplan writes by hand (answers, decision logs).
public enum JSONText {
    /// Appends `value` as a JSON string, escaping what JSON requires and nothing else.
    public static func appendString(_ value: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        // Most values (numbers, names, ids) need no escape: one copy.
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            bytes += value.utf8
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\n"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case UInt8(ascii: "\t"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends `value` in decimal, without making a String of it.
    public static func appendInteger(_ value: Int, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0) // 24 bytes: enough for 20 digits
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[23 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            bytes += buffer[(24 - count)...]
        }
    }

    /// `value` as a JSON string literal.
    public static func quoted(_ value: String) -> String {
        var bytes: [UInt8] = []
        appendString(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
