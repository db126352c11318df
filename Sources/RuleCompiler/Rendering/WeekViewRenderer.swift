import Routing

/// Draws a `WeekView`: text for terminals, a standalone SVG, or one self-contained HTML
/// file (inline CSS and SVG, no script) whose lanes stay readable on a phone.
public enum WeekViewRenderer {
    public enum Format: String, CaseIterable, Sendable {
        case html, svg, text
    }

    public static func render(_ view: WeekView, as format: Format) -> String {
        switch format {
        case .html: html(view)
        case .svg: svg(view)
        case .text: text(view)
        }
    }

    // MARK: Colours

    /// A colour per rule of the legend, far apart in hue (golden-angle steps), light enough
    /// for dark text; cells no rule decides are left grey.
    static func colour(_ position: Int) -> String {
        let hue = (Double(position) * 137.508 + 200).truncatingRemainder(dividingBy: 360)
        let lightness = [62, 74, 54][position / 3 % 3]
        return "hsl(\(Int(hue)) 62% \(lightness)%)"
    }

    static let noRule = "#e5e7eb"

    /// Runs of equal cells of a lane: (first slot, slots, rule).
    static func runs(_ cells: ArraySlice<Int?>) -> [(start: Int, length: Int, rule: Int?)] {
        var runs: [(start: Int, length: Int, rule: Int?)] = []
        for (offset, cell) in cells.enumerated() {
            if let last = runs.last, last.rule == cell {
                runs[runs.count - 1].length += 1
            } else {
                runs.append((offset, 1, cell))
            }
        }
        return runs
    }

    static func clock(_ slot: Int) -> String {
        let minutes = slot * 15
        return (minutes / 60 < 10 ? "0" : "") + "\(minutes / 60):" + (minutes % 60 < 10 ? "0" : "") + "\(minutes % 60)"
    }

    public static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            default: result.append(character)
            }
        }
        return result
    }

    /// `code` spans for the names the words quote with backquotes.
    static func words(_ text: String) -> String {
        let parts = escape(text).split(separator: "`", omittingEmptySubsequences: false)
        return parts.enumerated().map { $0.offset % 2 == 1 ? "<code>\($0.element)</code>" : String($0.element) }.joined()
    }

    static func title(_ view: WeekView) -> String {
        let last = view.days.last.map { " to \($0.date)" } ?? ""
        return "Rule set `\(view.ruleSet)`: who gets the calls, \(view.days.first.map { "\($0.date)" } ?? "")\(last) (\(view.timeZone))"
    }

    // MARK: Text

    /// A line of 96 characters per kind and day, one per quarter-hour: each rule's letter
    /// (the legend says which), `.` where no rule decides.
    public static func text(_ view: WeekView) -> String {
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var letter: [Int: Character] = [:]
        for (position, rule) in view.rules.enumerated() { letter[rule.index] = position < letters.count ? letters[position] : "#" }
        var out = title(view).replacingOccurrences(of: "`", with: "") + "\n\n"
        for (position, rule) in view.rules.enumerated() {
            out += "  \(position < letters.count ? letters[position] : "#")  \(rule.name): \(rule.dials)\n"
        }
        out += "  .  no rule: \(view.unmatched)\n\n"
        let ruler = stride(from: 0, to: 24, by: 1).map { ($0 < 10 ? "0" : "") + "\($0)" }.joined(separator: "  ")
        for (number, day) in view.days.enumerated() {
            out += "\(day.weekday) \(day.date)" + (day.notes.isEmpty ? "" : "  * " + day.notes.joined(separator: "; ").replacingOccurrences(of: "`", with: "")) + "\n"
            out += "    " + ruler + "\n"
            let slots = (number * WeekView.slotsPerDay)..<((number + 1) * WeekView.slotsPerDay)
            for kind in view.kinds {
                out += "    " + String(kind.cells[slots].map { $0.flatMap { letter[$0] } ?? "." }) + "  " + kind.name.replacingOccurrences(of: "`", with: "") + "\n"
            }
            out += "\n"
        }
        return out
    }

    // MARK: SVG

    /// The whole view as one drawing: per day, a lane per kind, hours across.
    public static func svg(_ view: WeekView) -> String {
        // The hour labels stand centred on their lines: room for half of the last one.
        let label = 360.0, cell = 8.0, lane = 18.0, header = 34.0, gap = 14.0, margin = 16.0, overhang = 16.0
        let width = margin * 2 + label + cell * Double(WeekView.slotsPerDay) + overhang
        let dayHeight = header + lane * Double(view.kinds.count) + gap
        let colours = Dictionary(uniqueKeysWithValues: view.rules.enumerated().map { ($0.element.index, colour($0.offset)) })
        func number(_ value: Double) -> String { value == value.rounded() ? String(Int(value)) : String(value) }
        func plain(_ text: String) -> String { escape(text.replacingOccurrences(of: "`", with: "")) }
        var out = "<text x=\"\(number(margin))\" y=\"\(number(margin + 14))\" font-size=\"16\" font-weight=\"600\" fill=\"#111827\">\(plain(title(view)))</text>\n"
        let names = rules(view)
        var y = margin + 36
        for rule in view.rules {
            out += "<rect x=\"\(number(margin))\" y=\"\(number(y))\" width=\"14\" height=\"14\" rx=\"2\" fill=\"\(colours[rule.index]!)\"/>"
            out += "<text x=\"\(number(margin + 22))\" y=\"\(number(y + 11))\" fill=\"#111827\"><tspan font-weight=\"600\">\(escape(rule.name))</tspan>: \(escape(rule.dials))</text>\n"
            y += 20
        }
        out += "<rect x=\"\(number(margin))\" y=\"\(number(y))\" width=\"14\" height=\"14\" rx=\"2\" fill=\"\(noRule)\"/>"
        out += "<text x=\"\(number(margin + 22))\" y=\"\(number(y + 11))\" fill=\"#111827\">no rule: \(escape(view.unmatched))</text>\n"
        y += 40
        for (dayNumber, day) in view.days.enumerated() {
            let special = !day.notes.isEmpty
            out += "<text x=\"\(number(margin))\" y=\"\(number(y + 14))\" font-weight=\"600\" fill=\"\(special ? "#b45309" : "#111827")\">\(day.weekday) \(day.date)\(special ? " ★ " + plain(day.notes.joined(separator: "; ")) : "")</text>\n"
            for hour in stride(from: 0, through: 24, by: 3) {
                let x = margin + label + Double(hour * 4) * cell
                out += "<text x=\"\(number(x))\" y=\"\(number(y + 30))\" font-size=\"10\" fill=\"#6b7280\" text-anchor=\"middle\">\(hour < 10 ? "0" : "")\(hour):00</text>"
            }
            out += "\n"
            var laneY = y + header
            let slots = (dayNumber * WeekView.slotsPerDay)..<((dayNumber + 1) * WeekView.slotsPerDay)
            for kind in view.kinds {
                out += "<text x=\"\(number(margin + label - 8))\" y=\"\(number(laneY + 12.5))\" text-anchor=\"end\" fill=\"#374151\">\(plain(shortened(kind.name, to: 56)))<title>\(plain(kind.name))</title></text>"
                for run in runs(kind.cells[slots]) {
                    let x = margin + label + Double(run.start) * cell
                    let name = run.rule.flatMap { names[$0] } ?? "no rule"
                    out += "<rect x=\"\(number(x))\" y=\"\(number(laneY + 1))\" width=\"\(number(Double(run.length) * cell))\" height=\"\(number(lane - 2))\" fill=\"\(run.rule.flatMap { colours[$0] } ?? noRule)\"><title>\(clock(run.start))-\(clock(run.start + run.length)) \(escape(name))</title></rect>"
                }
                out += "\n"
                laneY += lane
            }
            // Hour lines over the lanes, every three hours.
            for hour in stride(from: 0, through: 24, by: 3) {
                let x = margin + label + Double(hour * 4) * cell
                out += "<line x1=\"\(number(x))\" x2=\"\(number(x))\" y1=\"\(number(y + header))\" y2=\"\(number(laneY))\" stroke=\"#ffffff\" stroke-opacity=\"0.7\"/>"
            }
            out += "\n"
            y += dayHeight
        }
        let height = y - gap + margin
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(number(width))" height="\(number(height))" viewBox="0 0 \(number(width)) \(number(height))" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="12" role="img">
            <title>\(plain(title(view)))</title>
            <rect width="100%" height="100%" fill="#ffffff"/>

            """ + out + "</svg>\n"
    }

    static func rules(_ view: WeekView) -> [Int: String] {
        Dictionary(uniqueKeysWithValues: view.rules.map { ($0.index, "\($0.name): \($0.dials)") })
    }

    static func shortened(_ text: String, to length: Int) -> String {
        text.count <= length ? text : String(text.prefix(length - 1)) + "…"
    }

    // MARK: HTML

    /// One file: a legend, then per day a lane per kind, each lane an inline SVG strip that
    /// stretches to the width (the kind's name above it on a narrow screen).
    public static func html(_ view: WeekView) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title(view).replacingOccurrences(of: "`", with: "")))</title>
        <style>
        \(style)
        </style>
        </head>
        <body>
        <main>
        \(fragment(view, headingLevel: 1))
        </main>
        </body>
        </html>

        """
    }

    /// The view as a part of a page (the admin page holds one per rule set).
    public static func fragment(_ view: WeekView, headingLevel: Int) -> String {
        let colours = Dictionary(uniqueKeysWithValues: view.rules.enumerated().map { ($0.element.index, colour($0.offset)) })
        let names = rules(view)
        var out = "<section class=\"week\" aria-label=\"\(escape(title(view).replacingOccurrences(of: "`", with: "")))\">\n"
        out += "<h\(headingLevel)>\(words(title(view)))</h\(headingLevel)>\n<ul class=\"legend\">\n"
        for rule in view.rules {
            out += "<li><span class=\"swatch\" style=\"background:\(colours[rule.index]!)\"></span><span><b>\(escape(rule.name))</b> \(words(rule.dials))</span></li>\n"
        }
        out += "<li><span class=\"swatch\" style=\"background:\(noRule)\"></span><span><b>no rule</b> \(words(view.unmatched))</span></li>\n</ul>\n"
        let hours = stride(from: 0, to: 24, by: 3).map { hour in
            "<span\(hour % 6 == 0 ? "" : " class=\"minor\"") style=\"left:\(Double(hour) / 24 * 100)%\">\(hour < 10 ? "0" : "")\(hour):00</span>"
        }.joined()
        // Faint lines every three hours across each lane, as thin on a phone as on a screen.
        let grid = "<path d=\"" + stride(from: 12, to: 96, by: 12).map { "M\($0) 0V1" }.joined() + "\" stroke=\"#fff\" stroke-opacity=\"0.75\" vector-effect=\"non-scaling-stroke\"/>"
        for (number, day) in view.days.enumerated() {
            let special = !day.notes.isEmpty
            out += "<div class=\"day\(special ? " special" : "")\">\n<h\(headingLevel + 1)>\(day.weekday) \(day.date)"
            if special { out += " <span class=\"note\">★ \(day.notes.map(words).joined(separator: "; "))</span>" }
            out += "</h\(headingLevel + 1)>\n<div class=\"lane hours\"><span></span><div class=\"ruler\">\(hours)</div></div>\n"
            let slots = (number * WeekView.slotsPerDay)..<((number + 1) * WeekView.slotsPerDay)
            for kind in view.kinds {
                out += "<div class=\"lane\"><span class=\"kind\">\(words(kind.name))</span>"
                out += "<svg viewBox=\"0 0 \(WeekView.slotsPerDay) 1\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"\(escape(kind.name))\">"
                for run in runs(kind.cells[slots]) {
                    let name = run.rule.flatMap { names[$0] } ?? "no rule"
                    out += "<rect x=\"\(run.start)\" width=\"\(run.length)\" height=\"1\" fill=\"\(run.rule.flatMap { colours[$0] } ?? noRule)\"><title>\(clock(run.start))-\(clock(run.start + run.length)) \(escape(name))</title></rect>"
                }
                out += grid + "</svg></div>\n"
            }
            out += "</div>\n"
        }
        return out + "</section>\n"
    }

    /// The page's CSS (the admin page uses it too).
    public static let style = """
        :root { color-scheme: light; --ink: #111827; --muted: #6b7280; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f9fafb; }
        main { max-width: 1200px; margin: 0 auto; padding: 16px 20px 40px; }
        h1 { font-size: 1.35rem; margin: 8px 0 12px; } h2 { font-size: 1.15rem; margin: 8px 0 12px; }
        code { font: 0.92em ui-monospace, SFMono-Regular, Menlo, monospace; background: #eef2f7; padding: 0 3px; border-radius: 3px; }
        .legend { list-style: none; padding: 0; margin: 0 0 16px; display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 4px 16px; }
        .legend li { display: flex; gap: 8px; align-items: baseline; }
        .swatch { flex: none; width: 14px; height: 14px; border-radius: 3px; transform: translateY(2px); border: 1px solid rgb(0 0 0 / 0.15); }
        .day { background: #fff; border: 1px solid #e5e7eb; border-radius: 8px; padding: 8px 12px 10px; margin: 0 0 10px; }
        .day.special { border-color: #f59e0b; box-shadow: inset 4px 0 0 #f59e0b; }
        .day h2, .day h3 { font-size: 1rem; margin: 0 0 4px; }
        .note { color: #b45309; font-weight: 500; }
        .lane { display: grid; grid-template-columns: minmax(12rem, 22rem) 1fr; gap: 10px; align-items: center; min-height: 20px; }
        .lane svg { width: 100%; height: 16px; display: block; border-radius: 2px; }
        .kind { text-align: right; font-size: 0.88rem; color: #374151; overflow-wrap: anywhere; }
        .ruler { position: relative; height: 16px; font-size: 0.75rem; color: var(--muted); }
        .ruler span { position: absolute; transform: translateX(-50%); }
        .ruler span:first-child { transform: none; }
        @media (max-width: 700px) {
          main { padding: 10px 10px 30px; }
          .lane { grid-template-columns: 1fr; gap: 2px; margin-bottom: 4px; }
          .kind { text-align: left; }
          .lane.hours > span, .ruler .minor { display: none; }
          .legend { grid-template-columns: 1fr; }
        }
        """
}
