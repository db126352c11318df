import ArgumentParser
import Foundation
import Logging
import RingplanPostgres
import RingplanServer
import ServiceLifecycle

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Answer Exotel's Connect requests from the rule sets in a directory, reloading them as they change.",
        discussion: """
            Serves each rule set at GET/HEAD /connect/NAME. Reloads on changes to the directory, on SIGHUP, on \
            POST /admin/reload and every --poll seconds; a reload with errors keeps the previous rules serving. \
            Decisions are logged as JSON lines to stdout or --log-file; operational messages go to stderr.
            """
    )

    @Argument(help: "The rules directory.")
    var rulesDirectory = "rules"

    @Option(help: "Address to listen on for Exotel.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on for Exotel.")
    var port = 8080

    @Option(help: "Address of the admin endpoints (/metrics, /admin/*).")
    var adminHost = "127.0.0.1"

    @Option(help: "Port of the admin endpoints.")
    var adminPort = 8081

    @Option(help: "Require key=SECRET on /connect (default: the RINGPLAN_TOKEN environment variable, if set).")
    var token: String?

    @Flag(help: "Log caller numbers in full (masked by default).")
    var logNumbers = false

    @Option(help: "Append decision logs to this file instead of stdout.")
    var logFile: String?

    @Option(help: "Most calls remembered for hunting.")
    var ledgerSize = 100_000

    @Option(help: "Seconds between checks for changed files, besides inotify and SIGHUP.")
    var poll: Double = 30

    @Option(help: "Seconds after which an idle connection is closed.")
    var idleTimeout: Double = 60

    @Option(help: "Event loop threads, which also run every request (default: one per core).")
    var threads: Int?

    @Option(help: ArgumentHelp("This server's address as Exotel reaches it, such as https://ringplan.example.com.",
                               discussion: "Answers of rule sets that use agent state then carry dial_passthru_event_url = PUBLIC-URL/events/NAME (with the key), so that Exotel reports their agents' calls."))
    var publicURL: String?

    @Option(help: ArgumentHelp("Where agent state (sticky and busy agents) is kept: sqlite:PATH, a postgres:// URL shared by replicas, or memory.",
                               discussion: "Default: sqlite:ringplan-state.sqlite in the working directory. PostgreSQL: postgres://USER:PASSWORD@HOST:5432/DB?sslmode=disable|prefer|require."))
    var state: String = "sqlite:ringplan-state.sqlite"

    func validate() throws {
        if let threads, !(1...256).contains(threads) { throw ValidationError("--threads must be between 1 and 256") }
        guard idleTimeout > 0 && idleTimeout <= 86_400 else {
            throw ValidationError("--idle-timeout must be more than 0 and at most 86400 seconds")
        }
        guard poll > 0 && poll <= 86_400 else { throw ValidationError("--poll must be more than 0 and at most 86400 seconds") }
        guard ledgerSize >= 1 && ledgerSize <= 10_000_000 else { throw ValidationError("--ledger-size must be between 1 and 10000000") }
        guard (0...65_535).contains(port) && (0...65_535).contains(adminPort) else { throw ValidationError("ports are 0 to 65535") }
        if let publicURL, let problem = ServerOptions.publicURLProblem(publicURL) { throw ValidationError("--public-url: \(problem)") }
        do { _ = try StateLocation(parsing: state) } catch { throw ValidationError("--state: \(error)") }
    }

    func run() async throws {
        guard FileManager.default.fileExists(atPath: rulesDirectory) else {
            FileHandle.standardError.write(Data("error: no such directory: \(rulesDirectory)\n".utf8))
            throw Exit.usage
        }
        var options = ServerOptions(rulesDirectory: rulesDirectory)
        options.host = host
        options.port = port
        options.adminHost = adminHost
        options.adminPort = adminPort
        options.token = token ?? ProcessInfo.processInfo.environment["RINGPLAN_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        options.logNumbers = logNumbers
        options.ledgerCapacity = ledgerSize
        options.pollInterval = poll
        options.idleTimeout = idleTimeout
        options.state = try StateLocation(parsing: state)
        options.publicURL = publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }

        let sink: JSONLinesSink
        do {
            sink = try logFile.map { try JSONLinesSink(path: $0) } ?? JSONLinesSink(handle: .standardOutput)
        } catch {
            FileHandle.standardError.write(Data("error: cannot open log file: \(error)\n".utf8))
            throw Exit.usage
        }
        var logger = Logger(label: "ringplan") { ConsoleLogHandler(label: $0) }
        logger.logLevel = .info
        var storage: (any StateStorage)?
        if case .postgres(let url) = options.state { storage = PostgresStorage(url: url, logger: logger) }
        let server = RingplanHTTPServer(options: options, logger: logger, decisions: DecisionLog(sink: sink), storage: storage)
        let first = server.reloader.reloadNow(trigger: "start")
        if first.outcome == .failed {
            FileHandle.standardError.write(Data(first.diagnostics.utf8))
        }
        logger.info("ringplan serving", metadata: [
            "rules": .string(rulesDirectory), "address": .string("\(host):\(port)"), "admin": .string("\(adminHost):\(adminPort)"),
            "rule_sets": .string(server.store.current?.tables.keys.sorted().joined(separator: ",") ?? "none"),
            "token": .string(options.token == nil ? "off" : "on"),
        ])
        let group = ServiceGroup(configuration: .init(
            services: server.services().map { .init(service: $0) } + [.init(service: FlushService(sink: sink))],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
    }
}

/// Flushes the decision log every 200 ms, and once more at shutdown.
struct FlushService: Service {
    let sink: JSONLinesSink

    func run() async throws {
        await cancelWhenGracefulShutdown { await sink.runFlusher() }
        sink.flush()
    }
}
