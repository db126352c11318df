import Foundation

let installedChromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// Headless Chromium (Debian's), one run per call, with a profile of its own.
struct Chromium {
    static let browserFiles = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Browser")

    let width: Int
    let height: Int

    /// The page's DOM after it loaded (and ran its scripts).
    func dom(_ url: String) throws -> String {
        String(decoding: try run(["--dump-dom", url]), as: UTF8.self)
    }

    /// A screenshot of the window, as a PNG file.
    func screenshot(_ url: String, to path: String) throws {
        _ = try run(["--screenshot=" + path, url])
        guard FileManager.default.fileExists(atPath: path) else { throw TestError("Chromium wrote no screenshot of \(url)") }
    }

    /// What `Browser/probe.js` measures of a page, loaded from a copy with the probe
    /// appended (the pages themselves carry no script), in a frame of `width` x `height`:
    /// headless Chromium lays a window out at least 500 px wide, narrower than a phone.
    func probe(html: String) throws -> [String: Any] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ringplan-probe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = try String(contentsOf: Self.browserFiles.appendingPathComponent("probe.js"), encoding: .utf8)
        let page = directory.appendingPathComponent("page.html")
        try Data(html.replacingOccurrences(of: "</body>", with: "<script>\n\(script)\n</script>\n</body>").utf8).write(to: page)
        let harness = directory.appendingPathComponent("harness.html")
        try Data("""
            <!doctype html><html><body style="margin:0">
            <iframe src="page.html" width="\(width)" height="\(height)" style="border:0;display:block"></iframe>
            <script>addEventListener("message", (event) => {
              const pre = document.createElement("pre"); pre.id = "probe"; pre.textContent = event.data; document.body.appendChild(pre);
            });</script></body></html>
            """.utf8).write(to: harness)
        let dom = try Chromium(width: max(width, 500) + 20, height: height + 20).dom(harness.absoluteString)
        guard let start = dom.range(of: "<pre id=\"probe\">", options: .backwards), let end = dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex) else {
            throw TestError("the probe wrote nothing; the DOM was: \(dom.prefix(2000))")
        }
        let json = String(dom[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
        return try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] ?? [:]
    }

    /// The RGB colour at each point of a PNG (read by `Browser/pixels.py`).
    static func pixels(_ path: String, at points: [(Int, Int)]) throws -> [[Int]] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", browserFiles.appendingPathComponent("pixels.py").path, path] + points.flatMap { [String($0.0), String($0.1)] }
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map { $0.split(separator: " ").compactMap { Int($0) } }
    }

    /// "rgb(98, 178, 218)" -> [98, 178, 218]
    static func rgb(_ css: String) -> [Int] {
        css.split { !$0.isNumber }.compactMap { Int($0) }.prefix(3).map { $0 }
    }

    private func run(_ arguments: [String]) throws -> Data {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("ringplan-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: installedChromium!)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run", "--disable-extensions",
                             "--force-device-scale-factor=1", "--user-data-dir=" + profile.path, "--window-size=\(width),\(height)",
                             "--virtual-time-budget=5000"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestError("chromium \(arguments.joined(separator: " ")) exited with \(process.terminationStatus)") }
        return data
    }
}

/// A probe's JSON carried off the thread that read it (read-only from then on).
struct Unchecked<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
