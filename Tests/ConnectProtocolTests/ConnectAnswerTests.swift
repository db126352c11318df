import ConnectProtocol
import Testing

@Suite struct ConnectAnswerTests {
    let priya = Contact.number(PhoneNumber(uncheckedDigits: "919876500001"))
    let asha = Contact.sip(try! SIPAddress.parse("sip:asha7f3a").get())

    private func text(_ answer: ConnectAnswer, _ version: ConnectVersion) -> String {
        String(decoding: answer.encoded(for: version), as: UTF8.self)
    }

    @Test func destinationTypeOnlyIn1_0() throws {
        let answer = try ConnectAnswer(destinationType: .user, destinations: [priya], fetchAfterAttempt: true, parallelAttempts: nil,
                                       options: AnswerOptions(ringing: 20, record: .dual, holdMusic: .operatorTone))
        #expect(text(answer, .v1_0)
            == #"{"fetch_after_attempt":true,"destination_type":"user","destination":[{"device_contact_uri":"+919876500001"}],"record":true,"recording_channels":"dual","max_ringing_duration":20,"music_on_hold":{"type":"operator_tone"}}"#)
        #expect(text(answer, .v1_1)
            == #"{"fetch_after_attempt":true,"destination":[{"contact_uri":"+919876500001"}],"record":true,"recording_channels":"dual","max_ringing_duration":20,"music_on_hold":{"type":"operator_tone"}}"#)
    }

    @Test func softphoneAgentsBesideNumbers() throws {
        let answer = try ConnectAnswer(destinationType: .user, destinations: [asha, priya], fetchAfterAttempt: nil, parallelAttempts: 2,
                                       options: AnswerOptions())
        #expect(text(answer, .v1_0)
            == #"{"destination_type":"user","destination":[{"device_contact_uri":"sip:asha7f3a"},{"device_contact_uri":"+919876500001"}],"parallel_ringing":{"activate":true,"max_parallel_attempts":2}}"#)
        #expect(text(answer, .v1_1)
            == #"{"destination":[{"contact_uri":"sip:asha7f3a"},{"contact_uri":"+919876500001"}],"parallel_ringing":{"activate":true,"max_parallel_attempts":2}}"#)
    }

    @Test func genericConnectAppletHasOneShape() throws {
        let answer = try ConnectAnswer(applet: .connect, destinationType: .user, destinations: [priya], fetchAfterAttempt: false,
                                       parallelAttempts: nil, options: AnswerOptions(ringing: 30))
        let expected = #"{"fetch_after_attempt":false,"destination":{"numbers":["+919876500001"]},"max_ringing_duration":30}"#
        #expect(text(answer, .v1_0) == expected)
        #expect(text(answer, .v1_1) == expected)
        #expect(throws: AnswerError.sipInConnectApplet("sip:asha7f3a")) {
            try ConnectAnswer(applet: .connect, destinationType: .user, destinations: [asha], fetchAfterAttempt: nil, parallelAttempts: nil,
                              options: AnswerOptions())
        }
    }

    @Test func nobodyInEveryShape() {
        #expect(text(.nobody(applet: .ccm), .v1_0) == #"{"fetch_after_attempt":false,"destination_type":"user","destination":[]}"#)
        #expect(text(.nobody(applet: .ccm), .v1_1) == #"{"fetch_after_attempt":false,"destination":[]}"#)
        #expect(text(.nobody(applet: .connect), .v1_1) == #"{"fetch_after_attempt":false,"destination":{"numbers":[]}}"#)
        #expect(ConnectAnswer.nobody(applet: .ccm).dialsNobody)
    }

    @Test func escapesText() throws {
        let answer = try ConnectAnswer(destinationType: .externalNumber, destinations: [priya], fetchAfterAttempt: nil, parallelAttempts: 2,
                                       options: AnswerOptions(record: .off, playback: Playback(content: .text("say \"hi\"\\\n\u{1}"), audience: .callee)))
        let text = text(answer, .v1_0)
        #expect(text.contains(#""parallel_ringing":{"activate":true,"max_parallel_attempts":2}"#))
        #expect(text.contains(#""record":false"#))
        #expect(!text.contains("recording_channels"))
        #expect(text.contains(#""start_call_playback":{"type":"text","value":"say \"hi\"\\\n\u0001","playback_to":"callee"}"#))
    }

    @Test func integersAndPlainStrings() {
        var bytes: [UInt8] = []
        for value in [0, 7, 42, -15, 1_795_000_000, Int.max, Int.min] {
            bytes.removeAll()
            JSONText.appendInteger(value, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == String(value))
        }
        #expect(JSONText.quoted("plain-CA1234") == #""plain-CA1234""#)
        #expect(JSONText.quoted("a\"b") == #""a\"b""#)
    }

    @Test func refusesWhatWouldDropTheCall() {
        #expect(throws: AnswerError.noDestination) {
            try ConnectAnswer(destinationType: .user, destinations: [], fetchAfterAttempt: nil, parallelAttempts: nil, options: AnswerOptions())
        }
        #expect(throws: AnswerError.ringingOutOfRange(61)) {
            try ConnectAnswer(destinationType: .user, destinations: [priya], fetchAfterAttempt: nil, parallelAttempts: nil, options: AnswerOptions(ringing: 61))
        }
        #expect(throws: AnswerError.conversationOutOfRange(0)) {
            try ConnectAnswer(destinationType: .user, destinations: [priya], fetchAfterAttempt: nil, parallelAttempts: nil, options: AnswerOptions(conversation: 0))
        }
        #expect(throws: AnswerError.parallelAttemptsOutOfRange(6)) {
            try ConnectAnswer(destinationType: .user, destinations: [priya], fetchAfterAttempt: nil, parallelAttempts: 6, options: AnswerOptions())
        }
        #expect(throws: AnswerError.invalidURL("ftp://x")) {
            try ConnectAnswer(destinationType: .user, destinations: [priya], fetchAfterAttempt: nil, parallelAttempts: nil, options: AnswerOptions(eventsURL: "ftp://x"))
        }
    }
}

@Suite struct SIPAddressTests {
    @Test func readsAddresses() throws {
        #expect(try SIPAddress.parse("sip:priya7f3a").get() == SIPAddress.parse("sip:priya7f3a").get())
        let hosted = try SIPAddress.parse("sip:naveen.h-37_a@Acme.Exotel.com").get()
        #expect(hosted.user == "naveen.h-37_a")
        #expect(hosted.host == "acme.exotel.com")
        #expect(hosted.description == "sip:naveen.h-37_a@acme.exotel.com")
    }

    @Test func reportsEachProblem() {
        #expect(SIPAddress.parse("+919876500001") == .failure(.notSIP))
        #expect(SIPAddress.parse("SIP:priya") == .failure(.schemeCase))
        #expect(SIPAddress.parse("sip:") == .failure(.emptyUser))
        #expect(SIPAddress.parse("sip:@host") == .failure(.emptyUser))
        #expect(SIPAddress.parse("sip:pri ya") == .failure(.invalidUserCharacter(" ", offset: 7)))
        #expect(SIPAddress.parse("sip:priya@") == .failure(.invalidHost("")))
        #expect(SIPAddress.parse("sip:priya@a..b") == .failure(.invalidHost("a..b")))
        #expect(SIPAddress.parse("sip:priya@-a.b") == .failure(.invalidHost("-a.b")))
        #expect(SIPAddress.parse("sip:" + String(repeating: "a", count: 65)) == .failure(.userTooLong(65)))
    }

    @Test func dialWhomNumberFindsTheUserWithOrWithoutHost() {
        let key = SIPAddress.userKey(of: "priya7f3a")
        for text in ["sip:priya7f3a", "SIP:priya7f3a", "sip:priya7f3a@acme.exotel.com", "sip%3Apriya7f3a"] {
            let request = ConnectRequest(query: "DialWhomNumber=" + text)
            #expect(request.lexed.dialWhom == .sipUser(key), "\(text)")
        }
        #expect(ConnectRequest(query: "DialWhomNumber=sip%3Apriya7f3b").lexed.dialWhom != .sipUser(key))
        #expect(ConnectRequest(query: "DialWhomNumber=sip:").lexed.dialWhom == nil)
        // A fuzzing finding: bytes no SIP user holds (here invalid UTF-8, which the plain
        // reading's String repairs) made the two readings hash different users. Such a user
        // is no agent's: neither reading keeps it.
        #expect(ConnectRequest(query: "DialWhomNumber=sip%3Aash%FF%00").lexed.dialWhom == nil)
        #expect(ConnectRequest(query: "DialWhomNumber=sip:ash%20a").lexed.dialWhom == nil)
    }
}
