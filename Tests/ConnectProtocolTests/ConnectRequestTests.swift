@testable import ConnectProtocol
import Testing

@Suite struct ConnectRequestTests {
    static let realQuery = "CallSid=b3f1c0d2e4a5968778695a4b3c2d1e0f&CallFrom=09901320691&CallTo=08069891522&Direction=incoming&Created=Wed%2C+31+Jul+2024+16%3A42%3A56&DialCallDuration=0&StartTime=2024-07-31+16%3A42%3A56&EndTime=1970-01-01+05%3A30%3A00&CallType=call-attempt&DialWhomNumber=&flow_id=11754&tenant_id=1409&From=09901320691&To=08069891522&CurrentTime=2024-07-31+16%3A43%3A02&digits=%222%22"

    @Test func parsesTheProductionExample() {
        let request = ConnectRequest(query: Self.realQuery)
        #expect(request.callSid == "b3f1c0d2e4a5968778695a4b3c2d1e0f")
        #expect(request.callFrom == "09901320691")
        #expect(request.callTo == "08069891522")
        #expect(request.direction == "incoming")
        #expect(request.currentTime == "2024-07-31 16:43:02")
        #expect(request.digits == "2")
        #expect(request.dialWhomNumber == nil)
        #expect(request.parameterCount == 16)
    }

    /// The split key of a call hashes the decoded CallSid, without building a String.
    @Test func callSidKeyHashesTheDecodedValue() {
        for query in ["CallSid=b3f1c0d2e4a5968778695a4b3c2d1e0f", "CallSid=a%2Bb+c%zz", "CallSid=", "CallSid=null", "From=1", "CallSid=%6e%75%6c%6c"] {
            let request = ConnectRequest(query: query)
            #expect(request.callSidKey == request.callSid.map { FNV1a.hash($0.utf8) }, "\(query)")
        }
        #expect(ConnectRequest(query: "CallSid=ab").callSidKey == FNV1a.hash("ab".utf8))
        // Fuzzing finding: `%99` decodes to a byte no UTF-8 text holds. The key hashes the
        // bytes as sent; the String `callSid` repairs them, so it cannot be the key's source.
        let invalid = ConnectRequest(query: "CallSid=b8f1+100%99x")
        #expect(invalid.callSidBytes == Array("b8f1 100".utf8) + [0x99, UInt8(ascii: "x")])
        #expect(invalid.callSidKey == invalid.callSidBytes.map { FNV1a.hash($0) })
        #expect(invalid.callSidKey != invalid.callSid.map { FNV1a.hash($0.utf8) })
    }

    @Test func nullAndEmptyMeanAbsent() {
        let request = ConnectRequest(query: "CallFrom=null&digits=%22null%22&DialCallStatus=null&CallTo=&RecordingUrl=null&Direction")
        #expect(request.callFrom == nil)
        #expect(request.digits == nil)
        #expect(request.dialCallStatus == nil)
        #expect(request.callTo == nil)
        #expect(request.direction == nil)
        #expect(ConnectRequest(query: "digits=%22%22").digits == nil)
        #expect(ConnectRequest(query: "digits=3").digits == "3")
    }

    @Test func callFromWinsOverFromAndFirstOccurrenceWins() {
        let request = ConnectRequest(query: "From=0111&CallFrom=0222&CallFrom=0333&To=0444")
        #expect(request.callFrom == "0222")
        #expect(request.callTo == "0444")
    }

    @Test func decodesPercentAndPlus() {
        let request = ConnectRequest(query: "CallFrom=%2B919845012345&CurrentTime=2026-11-25+10%3a15%3A00&CallSid=a%ZZb%4")
        #expect(request.callFrom == "+919845012345")
        #expect(request.currentTime == "2026-11-25 10:15:00")
        #expect(request.callSid == "a%ZZb%4", "malformed escapes stay literal")
    }

    @Test func lexesFromDecodedValuesAndAbsentOccurrencesDoNotWin() {
        let request = ConnectRequest(query: "CallFrom=null&CallFrom=%2B91+98450+12345&CallTo=&To=08047112345"
                                     + "&CurrentTime=2026-11-25+10%3A15%3A00&Direction=incoming&digits=%2212%23%22&DialWhomNumber=")
        #expect(request.callFrom == "+91 98450 12345", "an absent first occurrence leaves room for the next")
        #expect(request.lexed.caller?.e164(home: .india)?.description == "+919845012345")
        #expect(request.lexed.exophone?.e164(home: .india)?.description == "+918047112345")
        #expect(request.lexed.wallSeconds == WallClockTime(parsing: "2026-11-25 10:15:00")?.secondsSinceEpochAsUTC)
        #expect(request.lexed.direction == .incoming)
        #expect(request.lexed.digits == KeyPresses("12#"))
        #expect(request.lexed.dialWhom == nil)
        // Equal by the values kept, not by the text.
        #expect(ConnectRequest(query: "CallSid=a&x=1") == ConnectRequest(query: "x=2&CallSid=a"))
        #expect(ConnectRequest(query: "CallSid=a") != ConnectRequest(query: "CallSid=b"))
    }

    @Test func ignoresUnknownAndEmptyParameters() {
        let request = ConnectRequest(query: "&&x=1&CallFrom=1&&=&y")
        #expect(request.callFrom == "1")
        #expect(request.parameterCount == 4)
        #expect(ConnectRequest(query: "").parameterCount == 0)
    }

    @Test func wallClockTimes() {
        #expect(WallClockTime(parsing: "2024-07-31 16:43:02")?.description == "2024-07-31 16:43:02")
        #expect(WallClockTime(parsing: "2024-07-31T16:43:02")?.hour == 16)
        #expect(WallClockTime(parsing: "2024-07-31 16:43")?.second == 0)
        // Years far from now are broken values (a fuzzing finding: 1013 made the reference
        // evaluator's Foundation calendar, Julian before 1582, disagree with the table's).
        for bad in ["Wed, 31 Jul 2024 16:42:56", "2024-02-30 10:00:00", "2024-07-31 24:00:00", "2024-07-31", "", "2024-07-31 16:43:0x",
                    "1013-01-26 11:00:00", "1999-12-31 23:59:59", "2200-01-01 00:00:00", "0000-01-01 00:00:00"] {
            #expect(WallClockTime(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test func civilCalendarRoundTrips() {
        for days in stride(from: -800_000, through: 800_000, by: 997) {
            let (year, month, day) = CivilCalendar.date(days: days)
            #expect(CivilCalendar.days(year: year, month: month, day: day) == days)
        }
        #expect(CivilCalendar.weekday(days: 0) == 3, "1970-01-01 was a Thursday")
        #expect(CivilCalendar.weekday(days: CivilCalendar.days(year: 2026, month: 1, day: 26)) == 0, "Republic Day 2026 is a Monday")
    }

    @Test func lexesWhatRoutingReads() {
        let request = ConnectRequest(query: "CallFrom=09845012345&CallTo=%2B918047112345&Direction=incoming&CurrentTime=2026-01-26+11%3A00%3A05&digits=%22*12%23%22")
        #expect(request.lexed.caller?.e164(home: .india) == PhoneNumber(uncheckedDigits: "919845012345"))
        #expect(request.lexed.exophone?.e164(home: .india) == PhoneNumber(uncheckedDigits: "918047112345"))
        #expect(request.lexed.wallSeconds == Int64(CivilCalendar.days(year: 2026, month: 1, day: 26)) * 86_400 + 11 * 3600 + 5)
        #expect(request.lexed.direction == .incoming)
        #expect(request.lexed.digits?.key == 0xB23C, "* 1 2 # packed four bits each")
        let bare = ConnectRequest(query: "Direction=outbound-api&digits=%22%22&CurrentTime=yesterday")
        #expect(bare.lexed.direction == nil && bare.lexed.digits == nil && bare.lexed.wallSeconds == nil)
        // A substring parses in place, the same as its copy.
        let url = "/connect/support?CallFrom=09845012345&digits=%222%22"
        let query = url[url.index(after: url.firstIndex(of: "?")!)...]
        #expect(ConnectRequest(query: query) == ConnectRequest(query: String(query)))
    }

    @Test func equalsSignEightBytesAtATime() {
        // Every position of the `=` (or none), every stop, against a plain search.
        for length in 0...20 {
            for position in [nil] + Array(0..<max(length, 1)) {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                if let position, position < length { bytes[position] = UInt8(ascii: "=") }
                bytes.withUnsafeBufferPointer { buffer in
                    guard let base = buffer.baseAddress else { return }
                    for stop in 0...length {
                        let expected = bytes[0..<stop].firstIndex(of: UInt8(ascii: "=")) ?? stop
                        for from in 0...stop {
                            let plain = from <= expected ? expected : (bytes[from..<stop].firstIndex(of: UInt8(ascii: "=")) ?? stop)
                            #expect(ConnectRequest.equalsSign(base, from: from, stop: stop, end: length) == plain,
                                    "length \(length), = at \(String(describing: position)), from \(from), stop \(stop)")
                        }
                    }
                }
            }
        }
    }

    @Test func keyPresses() {
        #expect(KeyPresses("1")?.key == 2)
        #expect(KeyPresses("0")?.key == 1, "0 is not the unreadable key")
        #expect(KeyPresses("") == nil)
        #expect(KeyPresses("1a") == .unreadable)
        #expect(KeyPresses(String(repeating: "9", count: 16))?.isReadable == true)
        #expect(KeyPresses(String(repeating: "9", count: 17)) == .unreadable)
        for text in ["0", "9", "*", "#", "*12#", "0000", "1234567890*#0#*9"] {
            #expect(KeyPresses(text)?.text == text, "round trip of \(text)")
        }
        #expect(KeyPresses("1a")?.text == nil)
        #expect(KeyPresses("1a")?.description == "(not keypad presses)")
    }

    @Test func versions() {
        #expect(ConnectVersion.allCases.enumerated().allSatisfy { $0.offset == $0.element.index }, "index is the position in allCases")
        #expect(ConnectVersion.count == ConnectVersion.allCases.count)
        #expect(ConnectVersion.negotiate(header: nil) == (.v1_0, false))
        #expect(ConnectVersion.negotiate(header: "1.1") == (.v1_1, false))
        #expect(ConnectVersion.negotiate(header: " 1.0 ") == (.v1_0, false))
        #expect(ConnectVersion.negotiate(header: "2.0") == (.v1_1, true))
    }
}
