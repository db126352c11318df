import Foundation
import Routing
import RuleCompiler
import Synchronization

/// `GET /` on the admin port: what the server serves, rendered on the server (no script,
/// no build step): the rule sets and their version, the last reload with its diagnostics
/// when it failed, answers per rule over the last minutes, who is busy, and the week view
/// of each rule set.
final class AdminPage: Sendable {
    let store: RuleStore
    let metrics: ServerMetrics
    let state: StateWriter
    /// Week views by rule-set version, name and first day: drawn once per day and version.
    private let views = Mutex<[String: String]>([:])

    init(store: RuleStore, metrics: ServerMetrics, state: StateWriter) {
        self.store = store
        self.metrics = metrics
        self.state = state
    }

    /// `refresh`: seconds between reloads of the page (a `<meta>` refresh), or none.
    func render(now: Date = Date(), refresh: Int?) -> String {
        let e = WeekViewRenderer.escape
        let formatter = ISO8601DateFormatter()
        var body = "<header><h1>Ringplan</h1><p class=\"muted\">rules from <code>\(e(store.directory))</code>, page made \(formatter.string(from: now))"
        body += refresh == nil ? " · <a href=\"/?refresh=30\">refresh every 30 s</a>" : " · refreshes every \(refresh!) s · <a href=\"/\">stop</a>"
        body += "</p></header>\n"

        // What is served.
        let current = store.current
        body += "<section><h2>Serving</h2>"
        if let current {
            body += "<p>version <code>\(e(current.version))</code>, loaded \(formatter.string(from: current.loadedAt))</p><ul class=\"sets\">"
            for name in current.tables.keys.sorted() {
                let table = current.tables[name]!
                body += "<li><a href=\"#set-\(e(name))\"><code>\(e(name))</code></a>: \(table.ruleSet.rules.count) rules, served at <code>/connect/\(e(name))</code></li>"
            }
            body += "</ul>"
        } else {
            body += "<p class=\"bad\">no rule set is loaded yet</p>"
        }
        body += "</section>\n"

        // The last reload.
        if let report = store.lastReport {
            let failed = report.outcome == .failed
            body += "<section><h2>Last reload</h2><p class=\"\(failed ? "bad" : "good")\"><b>\(e(report.outcome.rawValue))</b> at \(formatter.string(from: report.at)) "
            body += "(\(e(report.trigger)), \(String(format: "%.1f", report.milliseconds)) ms): \(report.errorCount) errors, \(report.warningCount) warnings"
            if failed { body += current == nil ? "; nothing is served until the rules check" : "; the version above is still served" }
            body += "</p>"
            if !report.diagnostics.isEmpty {
                body += "<details\(failed ? " open" : "")><summary>diagnostics</summary><pre class=\"diagnostics\">\(e(report.diagnostics))</pre></details>"
            }
            body += "</section>\n"
        }

        // Answers per rule over the last minutes.
        let recent = metrics.recentRequests(now: Int64(now.timeIntervalSince1970))
        let minutes = ServerMetrics.RecentCounts.minutes
        body += "<section><h2>Answers per rule, last \(minutes) minutes</h2>"
        if recent.isEmpty {
            body += "<p class=\"muted\">no answers in the last \(minutes) minutes</p>"
        } else {
            let peak = max(1, recent.flatMap(\.perMinute).max() ?? 1)
            body += "<table class=\"requests\"><thead><tr><th>rule set</th><th>rule</th><th>per minute, oldest first</th><th class=\"n\">total</th></tr></thead><tbody>"
            for row in recent {
                let bars = row.perMinute.enumerated().map { minute, count in
                    let height = count == 0 ? 0 : max(1, count * 20 / peak)
                    return "<rect x=\"\(minute * 6)\" y=\"\(20 - height)\" width=\"5\" height=\"\(height)\"><title>\(count)</title></rect>"
                }.joined()
                body += "<tr><td><code>\(e(row.ruleSet))</code></td><td>\(row.rule == "-" ? "<i>none</i>" : "<code>\(e(row.rule))</code>")</td>"
                body += "<td><svg class=\"bars\" viewBox=\"0 0 \(minutes * 6) 20\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"\(row.perMinute.map(String.init).joined(separator: ", "))\">\(bars)</svg> "
                body += "<span class=\"counts\">\(row.perMinute.map(String.init).joined(separator: " "))</span></td>"
                body += "<td class=\"n\">\(row.perMinute.reduce(0, +))</td></tr>"
            }
            body += "</tbody></table>"
        }
        body += "</section>\n"

        // Agent state, when there is any.
        let busy = state.agents.busyNow(now: Int64(now.timeIntervalSince1970))
        let sticky = state.agents.stickyCount
        if !busy.isEmpty || sticky > 0 {
            let names = RingplanHTTPServer.agentNames(store: store)
            body += "<section><h2>Agents</h2><p>busy now: "
            let named = busy.map { (name: names($0.contact), calls: $0.calls) }.sorted { $0.name < $1.name }
            body += named.isEmpty ? "nobody" : named.map { "<code>\(e($0.name))</code>" + ($0.calls > 1 ? " (\($0.calls) calls)" : "") }.joined(separator: ", ")
            body += "</p><p>callers with a last agent: \(sticky)</p></section>\n"
        }

        // The week of each rule set.
        if let current {
            for name in current.tables.keys.sorted() {
                body += "<div id=\"set-\(e(name))\">" + week(current.tables[name]!, version: current.version, now: now) + "</div>\n"
            }
        }
        return """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            \(refresh.map { "<meta http-equiv=\"refresh\" content=\"\($0)\">" } ?? "")
            <title>Ringplan: \(current.map { "version " + e($0.version) } ?? "no rules")</title>
            <style>
            \(WeekViewRenderer.style)
            \(Self.style)
            </style>
            </head>
            <body>
            <main>
            \(body)
            </main>
            </body>
            </html>

            """
    }

    /// The rule set's week from today (its zone), drawn once per version and day.
    private func week(_ table: DecisionTable, version: String, now: Date) -> String {
        let seconds = Int64(now.timeIntervalSince1970)
        let today = LocalMoment(localSeconds: seconds + table.reader.zone.offset(atUTC: seconds)).date
        let key = "\(version)\u{0}\(table.ruleSet.name)\u{0}\(today)"
        if let drawn = views.withLock({ $0[key] }) { return drawn }
        let drawn: String
        do {
            drawn = WeekViewRenderer.fragment(try WeekView(table: table, from: today, days: 7), headingLevel: 2)
        } catch {
            drawn = "<section><h2>Rule set <code>\(WeekViewRenderer.escape(table.ruleSet.name))</code></h2><p class=\"muted\">no week view: \(WeekViewRenderer.escape(error.description))</p></section>"
        }
        views.withLock { views in
            if views.count > 64 { views.removeAll() }
            views[key] = drawn
        }
        return drawn
    }

    static let style = """
        header h1 { margin-bottom: 0; }
        .muted { color: var(--muted); } .bad { color: #b91c1c; } .good { color: #15803d; }
        section { margin: 0 0 18px; }
        .sets { margin: 4px 0; padding-left: 1.2rem; }
        pre.diagnostics { background: #111827; color: #f9fafb; padding: 12px; border-radius: 6px; overflow-x: auto; font-size: 0.85rem; }
        table.requests { border-collapse: collapse; width: 100%; background: #fff; }
        .requests th, .requests td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #e5e7eb; }
        .requests .n { text-align: right; font-variant-numeric: tabular-nums; }
        .bars { width: 120px; height: 20px; vertical-align: middle; fill: #2563eb; background: #eef2f7; }
        .counts { color: var(--muted); font-size: 0.8rem; font-variant-numeric: tabular-nums; }
        @media (max-width: 700px) { .counts { display: none; } }
        """
}
