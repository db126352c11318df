import Foundation
import Routing
import RuleCompiler
import Testing

/// The week view and the admin page in a real browser: headless Chromium from Debian's
/// packages (`.ci/run` installs it), at a laptop's window and a phone's. Enabled when
/// Chromium is installed.
@Suite(.enabled(if: installedChromium != nil)) struct BrowserTests {
    /// `ringplan show rules/support.yaml --from 2026-12-21 --format html`, with a holiday on
    /// the 25th.
    static func weekPage() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ringplan-week-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: TestServer.repositoryRules, to: directory)
        defer { try? FileManager.default.removeItem(at: directory) }
        let team = directory.appendingPathComponent("team.yaml")
        let text = try String(contentsOf: team, encoding: .utf8)
        let holiday = text.replacingOccurrences(of: "2026-11-09]", with: "2026-11-09, 2026-12-25]")
        #expect(holiday != text)
        try Data(holiday.utf8).write(to: team)
        let result = try Workspace.check(paths: [directory.appendingPathComponent("support.yaml").path], analyze: false)
        let ruleSet = try #require(result.ruleSets.first { $0.name == "support" })
        let view = try WeekView(table: try DecisionTable(ruleSet: ruleSet), from: LocalDate(year: 2026, month: 12, day: 21), days: 7)
        return WeekViewRenderer.html(view)
    }

    @Test(arguments: [(1280, 800), (390, 844)])
    func theWeekViewReadsWell(width: Int, height: Int) throws {
        let page = try Self.weekPage()
        let chromium = Chromium(width: width, height: height)
        let probe = try chromium.probe(html: page)
        #expect(probe["scrollWidth"] as? Int ?? .max <= width, "the page is wider than the window")
        #expect((probe["smallText"] as? [String])?.isEmpty == true, "\(probe["smallText"] ?? "")")
        #expect((probe["clipped"] as? [String])?.isEmpty == true, "\(probe["clipped"] ?? "")")
        #expect(probe["rulerOverlaps"] as? Int == 0, "hour labels overlap")
        let lanes = probe["lanes"] as? [[String: Any]] ?? []
        #expect(lanes.count == 7 * 4, "a lane per kind (blocked, vip, the support line, the rest) and day")
        for lane in lanes {
            let x = lane["x"] as! Double, y = lane["y"] as! Double, w = lane["w"] as! Double
            let label = lane["label"] as! [String: Double]
            // Wide enough to read a quarter-hour (at least 2 px each); the kind's name beside
            // it on a laptop, above it on a phone, never over it.
            #expect(w >= (width < 700 ? Double(width) * 0.85 : 700), "lane \(w) px wide")
            if width < 700 {
                #expect(label["y"]! + label["h"]! <= y + 1)
            } else {
                #expect(label["x"]! + label["w"]! <= x)
            }
        }
        let legend = (probe["legend"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
        #expect(legend.map { $0.split(separator: " ").first.map(String.init) ?? "" } == ["blocked", "vip", "after-hours", "support-line", "everyone-else", "no"])
        #expect(probe["special"] as? [String] == ["fri 2026-12-25 ★ listed in holidays"])

        // The screenshot: each lane in the window shows its first rule's colour at midnight.
        let shot = FileManager.default.temporaryDirectory.appendingPathComponent("ringplan-week-\(width)-\(UUID().uuidString).png").path
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ringplan-week-\(UUID().uuidString).html")
        try Data(page.utf8).write(to: file)
        defer {
            try? FileManager.default.removeItem(at: file)
            try? FileManager.default.removeItem(atPath: shot)
        }
        try chromium.screenshot(file.absoluteString, to: shot)
        let shown = lanes.filter { ($0["y"] as! Double) + ($0["h"] as! Double) < Double(height) }
        #expect(shown.count >= 4)
        let points = shown.map { lane in (Int(lane["x"] as! Double) + 3, Int((lane["y"] as! Double) + (lane["h"] as! Double) / 2)) }
        let pixels = try Chromium.pixels(shot, at: points)
        for (lane, pixel) in zip(shown, pixels) {
            let expected = Chromium.rgb(lane["fill"] as! String)
            #expect(zip(pixel, expected).allSatisfy { abs($0 - $1) <= 8 }, "\(lane["kind"] ?? ""): \(pixel) is not \(expected)")
        }
    }

    /// The admin page as a browser shows it: what is served, answers per rule, the week of
    /// each rule set; then a failed reload's diagnostics, rendered.
    @Test func theAdminPageShowsWhatIsServed() async throws {
        let server = try await TestServer()
        for call in 0..<3 {
            _ = try await server.get("/connect/support?CallSid=vip-\(call)&CallFrom=%2B919845012345&CallTo=%2B918047112345")
        }
        _ = try await server.get("/connect/sales?CallSid=sales-1&CallFrom=%2B919900011111&CallTo=%2B917000000000")
        let url = "http://127.0.0.1:\(server.adminPort)/"
        let chromium = Chromium(width: 1280, height: 800)
        let dom = try await onThread { try chromium.dom(url) }
        let version = try #require(server.server.store.current?.version)
        #expect(dom.contains("<h1>Ringplan</h1>"))
        #expect(dom.contains("version <code>\(version)</code>"))
        #expect(dom.contains("<code>/connect/support</code>") && dom.contains("<code>/connect/sales</code>"))

        let page = try await server.get("/", admin: true)
        #expect(page.status == 200)
        let probe = try await onThread { Unchecked(try chromium.probe(html: page.body)) }.value
        let rows = probe["tableRows"] as? [[String]] ?? []
        #expect(rows.contains { $0[0] == "support" && $0[1] == "vip" && $0[3] == "3" }, "\(rows)")
        #expect(rows.contains { $0[0] == "sales" && $0[3] == "1" }, "\(rows)")
        let headings = probe["headings"] as? [String] ?? []
        #expect(headings.contains { $0.hasPrefix("Rule set sales: who gets the calls") })
        #expect(headings.contains { $0.hasPrefix("Rule set support: who gets the calls") })
        #expect(probe["days"] as? Int == 14)
        #expect(probe["scrollWidth"] as? Int ?? .max <= 1280)

        // A broken edit: the reload fails, the page says so with the diagnostics, and the
        // version served stays.
        let support = try String(contentsOf: server.directory.appendingPathComponent("support.yaml"), encoding: .utf8)
        try server.write("support.yaml", support.replacingOccurrences(of: "to: [priya, rahul]", with: "to: [pirya, rahul]"))
        let reload = try await server.get("/admin/reload", method: "POST", admin: true)
        #expect(reload.status == 422)
        let failed = try await onThread { Unchecked(try chromium.probe(html: try HTTPResult.send(method: "GET", port: server.adminPort, target: "/").body)) }.value
        let text = failed["text"] as? String ?? ""
        #expect(text.contains("failed at") && text.contains("the version above is still served"), "\(text.prefix(600))")
        let diagnostics = (failed["diagnostics"] as? [String])?.joined() ?? ""
        #expect(diagnostics.contains("unknown agent or group `pirya`") && diagnostics.contains("did you mean `priya`?"), "\(diagnostics)")
        #expect(text.contains("version \(version)"))
        await server.stop()
    }
}
