import ConnectProtocol
import Routing
import Testing
@testable import RuleCompiler

@Suite struct ValuesTests {
    @Test(arguments: [("45", 45), ("45s", 45), ("30m", 1800), ("1h", 3600), ("1m30s", 90), ("1h15m", 4500), ("0", 0)])
    func durations(_ text: String, _ seconds: Int) throws {
        #expect(try Values.duration(text).get() == seconds)
    }

    @Test(arguments: ["", "s", "20 sec", "1s30m", "1m1m", "-5", "1.5m", "9999999s"])
    func badDurations(_ text: String) {
        #expect((try? Values.duration(text).get()) == nil)
    }

    @Test func windows() throws {
        #expect(try Values.window("09:30-18:30").get() == (570, 1110))
        #expect(try Values.window("22:00-06:00").get() == (1320, 360))
        #expect(try Values.window("00:00-24:00").get() == (0, 1440))
        #expect(try Values.window("18:00-00:00").get() == (1080, 1440))
        for bad in ["9:30-18:30", "09:30", "24:00-01:00", "10:00-10:00", "09:60-10:00", "24:30-01:00", "a-b"] {
            #expect((try? Values.window(bad[...]).get()) == nil, "\(bad)")
        }
    }

    @Test func days() throws {
        #expect(try Values.days("mon-fri").get() == [.monday, .tuesday, .wednesday, .thursday, .friday])
        #expect(try Values.days("fri-mon").get() == [.friday, .saturday, .sunday, .monday])
        #expect(try Values.days("Tue,thu").get() == [.tuesday, .thursday])
        #expect(try Values.days("weekends").get() == [.saturday, .sunday])
        #expect(try Values.days("daily").get().count == 7)
        #expect(try Values.days("sunday").get() == [.sunday])
        let problem = Values.days("mon-fry")
        guard case .failure(let failure) = problem else { Issue.record("accepted mon-fry"); return }
        #expect(failure.help == "did you mean `fri`?")
    }

    @Test func inlineWindowsExpandPerDay() throws {
        let windows = try Values.inlineWindows("sat,sun 10:00-12:00, 22:00-02:00").get()
        #expect(windows.count == 4)
        #expect(windows.contains(WeeklyWindow(day: .sunday, start: 1320, end: 120)))
        #expect(try Values.inlineWindows("09:00-10:00").get().count == 7)
    }

    @Test func windowsCrossingMidnightCoverTheNextMorning() {
        let window = WeeklyWindow(day: .sunday, start: 22 * 60, end: 6 * 60)
        #expect(window.covers(weekday: .sunday, minute: 23 * 60))
        #expect(window.covers(weekday: .monday, minute: 5 * 60 + 59))
        #expect(!window.covers(weekday: .monday, minute: 6 * 60))
        #expect(!window.covers(weekday: .sunday, minute: 21 * 60 + 59))
    }

    @Test func dates() throws {
        #expect(try Values.date("2028-02-29").get() == LocalDate(year: 2028, month: 2, day: 29))
        for bad in ["2026-02-29", "2026-13-01", "2026-1-01", "26-01-2026", "2026-01-32", "2100-02-29"] {
            #expect((try? Values.date(bad).get()) == nil, "\(bad)")
        }
    }

    @Test func urls() {
        #expect((try? Values.url("https://cdn.example.com/a.wav").get()) != nil)
        #expect((try? Values.url("HTTP://example.com").get()) != nil)
        for bad in ["ftp://x.com/a", "https://", "https://exa mple.com", "example.com/a.wav", "https://" + String(repeating: "a", count: 2050)] {
            #expect((try? Values.url(bad).get()) == nil, "\(bad)")
        }
    }

    @Test func names() {
        for good in ["priya", "after-hours", "team_2", "A"] { #expect(Values.isName(good), "\(good)") }
        for bad in ["", "9lives", "my rule", "prïya", "-x", String(repeating: "a", count: 65)] { #expect(!Values.isName(bad), "\(bad)") }
    }

    @Test func suggestions() {
        #expect(Suggestions.closest(to: "pirya", in: ["priya", "rahul"]) == "priya")
        #expect(Suggestions.closest(to: "rules", in: ["rule", "ringplan"]) == "rule")
        #expect(Suggestions.closest(to: "zzzzzz", in: ["priya", "rahul"]) == nil)
    }
}
