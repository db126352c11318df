import Foundation

/// Checks a 200 body against Exotel's schema for its Connect version and applet, as the
/// protocol notes and Grammar.md ("What Exotel receives") state it: written apart from the
/// encoder, from JSON as Foundation parses it, so that a bug in one is not a bug in both.
public enum AnswerValidator {
    public enum Applet: Sendable { case ccm, connect }

    static let e164 = try! NSRegularExpression(pattern: #"^\+[1-9][0-9]{6,14}$"#)
    static let sip = try! NSRegularExpression(pattern: #"^sip:[A-Za-z0-9._-]{1,64}(@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*)?$"#)

    static func matches(_ regex: NSRegularExpression, _ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    static func isHTTPURL(_ value: Any?) -> Bool {
        guard let text = value as? String, text.utf8.count <= 2048, !text.contains(where: \.isWhitespace) else { return false }
        let lower = text.lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://")
    }

    /// Every way the body breaks the schema; empty when it is a valid answer.
    public static func problems(_ body: [UInt8], version: String, applet: Applet) -> [String] {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else { return ["not a JSON object"] }
        var problems: [String] = []
        func problem(_ text: String) { problems.append(text) }
        let optionKeys: Set<String> = ["outgoing_phone_number", "record", "recording_channels", "max_ringing_duration",
                                       "max_conversation_duration", "music_on_hold", "start_call_playback", "dial_passthru_event_url"]
        var allowed = optionKeys.union(["fetch_after_attempt", "destination", "parallel_ringing"])
        let typed = applet == .ccm && version == "1.0"
        if typed { allowed.insert("destination_type") }
        for key in object.keys where !allowed.contains(key) { problem("unexpected key \(key)") }

        // Whom to dial.
        var contacts: [String] = []
        switch applet {
        case .ccm:
            guard let list = object["destination"] as? [[String: Any]] else { return problems + ["destination is no array of objects"] }
            let key = version == "1.0" ? "device_contact_uri" : "contact_uri"
            for item in list {
                guard item.count == 1, let contact = item[key] as? String else { problem("destination entry \(item) is not {\(key): ...}"); continue }
                contacts.append(contact)
            }
        case .connect:
            guard let destination = object["destination"] as? [String: Any], destination.count == 1,
                  let numbers = destination["numbers"] as? [String] else { return problems + ["destination is not {numbers: [...]}"] }
            contacts = numbers
        }
        let type = object["destination_type"] as? String
        if typed && type != "user" && type != "external_number" { problem("destination_type \(type ?? "missing")") }
        for contact in contacts {
            let isSIP = matches(sip, contact)
            if !matches(e164, contact) && !isSIP { problem("contact \(contact) is neither E.164 nor sip:") }
            if isSIP && (applet == .connect || type == "external_number") { problem("sip contact \(contact) where only numbers may be") }
        }

        if contacts.isEmpty {
            // Dialling nobody: the empty answer and nothing else.
            if object["fetch_after_attempt"] as? Bool != false { problem("an empty destination without fetch_after_attempt: false") }
            for key in object.keys where key != "fetch_after_attempt" && key != "destination" && key != "destination_type" {
                problem("an empty destination with \(key)")
            }
            return problems
        }
        if let parallel = object["parallel_ringing"] {
            guard let ringing = parallel as? [String: Any], ringing.count == 2, ringing["activate"] as? Bool == true,
                  let attempts = ringing["max_parallel_attempts"] as? Int, (1...5).contains(attempts) else {
                return problems + ["parallel_ringing \(parallel)"]
            }
            // A parallel ring is one dial attempt: a plan's step that is not its last asks for
            // the next with `fetch_after_attempt: true`; the last says nothing.
            if let fetch = object["fetch_after_attempt"], fetch as? Bool != true { problem("fetch_after_attempt \(fetch) with parallel ringing") }
        } else if contacts.count != 1 {
            problem("\(contacts.count) destinations without parallel ringing")
        }
        if let fetch = object["fetch_after_attempt"], !(fetch is Bool) { problem("fetch_after_attempt \(fetch)") }

        // Options.
        if let caller = object["outgoing_phone_number"] {
            if !((caller as? String).map { matches(e164, $0) } ?? false) { problem("outgoing_phone_number \(caller)") }
        }
        if let record = object["record"], !(record is Bool) { problem("record \(record)") }
        if let channels = object["recording_channels"] {
            if object["record"] as? Bool != true || !["single", "dual"].contains(channels as? String ?? "") { problem("recording_channels \(channels)") }
        }
        for (key, range) in [("max_ringing_duration", 1...60), ("max_conversation_duration", 1...4500)] {
            if let value = object[key], !((value as? Int).map(range.contains) ?? false) { problem("\(key) \(value)") }
        }
        if let music = object["music_on_hold"] {
            let fields = music as? [String: Any] ?? [:]
            switch fields["type"] as? String {
            case "default_tone", "operator_tone": if fields.count != 1 { problem("music_on_hold \(music)") }
            case "custom_tone": if fields.count != 2 || !isHTTPURL(fields["value"]) { problem("music_on_hold \(music)") }
            default: problem("music_on_hold \(music)")
            }
        }
        if let playback = object["start_call_playback"] {
            let fields = playback as? [String: Any] ?? [:]
            let audience = fields["playback_to"]
            if let audience, !["both", "callee"].contains(audience as? String ?? "") { problem("playback_to \(audience)") }
            if fields.count != (audience == nil ? 2 : 3) { problem("start_call_playback \(playback)") }
            switch fields["type"] as? String {
            case "text":
                let text = fields["value"] as? String ?? ""
                if text.isEmpty || text.count > 1000 { problem("playback text of \(text.count) characters") }
            case "audio_url": if !isHTTPURL(fields["value"]) { problem("playback audio \(fields["value"] ?? "missing")") }
            default: problem("start_call_playback \(playback)")
            }
        }
        if let url = object["dial_passthru_event_url"], !isHTTPURL(url) { problem("dial_passthru_event_url \(url)") }
        return problems
    }
}
