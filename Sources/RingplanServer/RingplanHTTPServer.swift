import ConnectProtocol
import Foundation
import Hummingbird
import HummingbirdCore
import HTTPTypes
import Logging
import NIOCore
import RuleCompiler
import ServiceLifecycle

/// `ringplan serve`: the public application (`/connect/{name}`, `/healthz`, `/readyz`), the
/// admin application on its own port (`/` the admin page, `/metrics`, `/admin/reload`, `/admin/rules`), and
/// the reload service, run together with graceful shutdown on SIGTERM and SIGINT.
public struct RingplanHTTPServer: Sendable {
    public let options: ServerOptions
    public let store: RuleStore
    public let ledger: HuntLedger
    public let agents: AgentStore
    public let state: StateWriter
    public let metrics: ServerMetrics
    public let connect: ConnectService
    public let reloader: ReloadService
    let logger: Logger

    /// `storage`: where agent state is kept, for locations this module does not open
    /// itself (PostgreSQL, opened by the `RingplanPostgres` module); memory and SQLite are
    /// opened from `options.state`.
    public init(options: ServerOptions, logger: Logger, decisions: DecisionLog, storage: (any StateStorage)? = nil) {
        self.options = options
        self.logger = logger
        metrics = ServerMetrics()
        let opened: (any StateStorage)? = switch options.state {
        case .memory: nil
        case .sqlite(let path): storage ?? SQLiteStorage(path: path)
        case .postgres: storage
        }
        precondition(opened != nil || options.state == .memory, "a postgres:// location needs its storage from RingplanPostgres")
        state = StateWriter(storage: opened, stickyCapacity: options.stickyCapacity, metrics: metrics, logger: logger)
        agents = state.agents
        let eventsURL: (@Sendable (String) -> String)? = options.publicURL == nil ? nil : { @Sendable [options] name in options.eventsURL(ruleSet: name) ?? "" }
        store = RuleStore(directory: options.rulesDirectory, agents: agents, eventsURL: eventsURL)
        ledger = HuntLedger(capacity: options.ledgerCapacity)
        connect = ConnectService(store: store, ledger: ledger, metrics: metrics, decisions: decisions,
                                 token: options.token, logNumbers: options.logNumbers, agents: agents)
        reloader = ReloadService(store: store, metrics: metrics, ledger: ledger, logger: logger, options: options)
    }

    static let serverName = "ringplan"
    static let exotelVersion = HTTPField.Name(ConnectRoute.exotelVersion)!

    /// Idle connections are closed after `options.idleTimeout`; headers are bounded.
    static func httpConfiguration(_ options: ServerOptions) -> HTTP1Channel.Configuration {
        HTTP1Channel.Configuration(
            idleTimeout: .milliseconds(Int64(options.idleTimeout * 1000)),
            httpDecoderConfiguration: .init(maxHeaderFieldSize: RequestLimits.maxHeaderBytes, maxHeaderListSize: RequestLimits.maxHeaderBytes,
                                            maxHeaderFieldCount: RequestLimits.maxHeaderFields))
    }

    /// The public application's responder: `/connect/{name}` directly, the rest (health and
    /// readiness) through a router.
    func publicResponder() -> PublicResponder {
        let router = Router()
        let store = self.store, state = self.state
        router.get("/healthz") { _, _ in Self.json(200, Array("{\"status\":\"alive\"}".utf8)[...], head: false) }
        router.get("/readyz") { _, _ in
            guard let rules = store.current, !rules.tables.isEmpty else {
                return Self.json(503, Array("{\"status\":\"no rule set loaded\"}".utf8)[...], head: false)
            }
            // Storage that is down does not make the server unready: it decides from memory.
            let storage = state.current
            let said = storage.healthy ? "ok" : "down: deciding from memory, \(storage.pending) changes waiting"
            return Self.json(200, Array("{\"status\":\"ready\",\"version\":\"\(rules.version)\",\"state\":\(JSONText.quoted(said))}".utf8)[...],
                             head: false)
        }
        return PublicResponder(connect: connect, router: router.buildResponder())
    }

    /// The admin router: bound to loopback by default.
    func adminRouter() -> Router<BasicRequestContext> {
        let router = Router()
        let metrics = self.metrics, reloader = self.reloader, store = self.store, ledger = self.ledger
        router.get("/metrics") { _, _ in
            metrics.ledger(entries: ledger.count)
            var response = Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: metrics.render())))
            response.headers[.contentType] = "text/plain; version=0.0.4"
            return response
        }
        router.post("/admin/reload") { _, _ in
            // Off the event loop: a large rule set takes a second to compile.
            let report = await Task.detached { reloader.reloadNow(trigger: "admin") }.value
            return Self.json(report.outcome == .failed ? 422 : 200, Array(Self.describe(report, store: store).utf8)[...], head: false)
        }
        router.get("/admin/rules") { _, _ in
            Self.json(200, Array(Self.describe(store.lastReport, store: store).utf8)[...], head: false)
        }
        let state = self.state, publicURL = options.publicURL
        let page = AdminPage(store: store, metrics: metrics, state: state)
        router.get("/") { request, _ in
            let refresh = request.uri.queryParameters["refresh"].flatMap { Int($0) }.map { min(max($0, 5), 3600) }
            // Off the event loop: a week view is drawn once per version and day, in milliseconds.
            let html = await Task.detached { page.render(refresh: refresh) }.value
            var response = Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: Array(html.utf8))))
            response.headers[.contentType] = "text/html; charset=utf-8"
            response.headers[.cacheControl] = "no-store"
            return response
        }
        router.get("/admin/agents") { request, _ in
            let limit = request.uri.queryParameters["limit"].flatMap { Int($0) }.map { min(max($0, 0), 10_000) } ?? 100
            return Self.json(200, Array(Self.describe(state, store: store, publicURL: publicURL, limit: limit).utf8)[...], head: false)
        }
        return router
    }

    static func json(_ status: Int, _ body: ArraySlice<UInt8>, head: Bool, version: String? = nil, rule: String? = nil) -> Response {
        Response(status: .init(code: status), headers: headerFields(bodyCount: body.count, version: version, rule: rule),
                 body: head ? .init() : .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// A JSON answer's fields, appended in one go (setting fields searches the list each
    /// time), with room for Date and Server so that the list never grows.
    static func headerFields(bodyCount: Int, version: String?, rule: String?) -> HTTPFields {
        var headers = HTTPFields()
        headers.reserveCapacity(6)
        ConnectRoute.forEachHeader(bodyCount: bodyCount, version: version, rule: rule) { name, value in
            headers.append(HTTPField(name: HTTPField.Name(name)!, value: value))
        }
        return headers
    }

    /// `/admin/agents`: busy agents (by name where a rule set knows them), sticky entries,
    /// and where the state is kept.
    static func describe(_ state: StateWriter, store: RuleStore, publicURL: String?, limit: Int) -> String {
        let now = Int64(time(nil)), agents = state.agents, storage = state.current
        let describe = agentNames(store: store)
        let busy = agents.busyNow(now: now).map { ["agent": describe($0.contact), "calls": $0.calls] as [String: Any] }
            .sorted { ($0["agent"] as! String) < ($1["agent"] as! String) }
        let sticky = agents.stickyEntries(limit: limit).map { entry -> [String: Any] in
            ["ruleSet": entry.ruleSet, "caller": ConnectService.mask(entry.caller), "agent": describe(entry.agent),
             "learntAt": ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(entry.learnt)))]
        }
        let object: [String: Any] = [
            "busy": Array(busy.prefix(limit)),
            "busyCount": busy.count,
            "sticky": sticky,
            "stickyCount": agents.stickyCount,
            "storage": ["kind": storage.kind, "location": storage.name, "status": storage.healthy ? "ok" : "down",
                        "lastError": storage.lastError ?? NSNull(), "loaded": storage.loaded, "pending": storage.pending,
                        "written": storage.written, "failures": storage.failures] as [String: Any],
            "eventsURL": publicURL.map { $0 + "/events/{rule set}" } ?? NSNull(),
        ]
        return ReadableJSON.string(object)
    }

    /// An agent's name where a loaded rule set knows the contact; else its number.
    static func agentNames(store: RuleStore) -> (DialedContact) -> String {
        var names: [DialedContact: String] = [:]
        for table in store.current?.tables.values.map(\.ruleSet) ?? [] {
            for agent in table.agents where names[agent.contact.dialed] == nil { names[agent.contact.dialed] = agent.agent }
        }
        return { contact in
            if let name = names[contact] { return name }
            switch contact {
            case .number(let number): return number.description
            case .sipUser(let key): return "sip user #" + String(key, radix: 16)
            }
        }
    }

    static func describe(_ report: ReloadReport?, store: RuleStore) -> String {
        var object: [String: Any] = [:]
        if let current = store.current {
            object["serving"] = [
                "version": current.version,
                "loadedAt": ISO8601DateFormatter().string(from: current.loadedAt),
                "ruleSets": current.tables.keys.sorted(),
            ] as [String: Any]
        }
        if let report {
            object["lastReload"] = [
                "outcome": report.outcome.rawValue, "trigger": report.trigger, "at": ISO8601DateFormatter().string(from: report.at),
                "milliseconds": (report.milliseconds * 10).rounded() / 10, "errors": report.errorCount, "warnings": report.warningCount,
                "diagnostics": report.diagnostics, "version": report.version ?? NSNull(),
            ] as [String: Any]
        }
        return ReadableJSON.string(object)
    }

    /// Both applications and the reload service. `onReady` gets the bound ports (useful
    /// with port 0 in tests).
    public func services(onReady: @escaping @Sendable (_ port: Int, _ adminPort: Int) async -> Void = { _, _ in }) -> [any Service] {
        let ports = PortsReady(onReady: onReady)
        let connect = self.connect, configuration = Self.httpConfiguration(options)
        let app = Application(
            responder: publicResponder(),
            server: HTTPServerBuilder { responder in
                ConnectHTTP1Channel(responder: responder, configuration: configuration, connect: connect, serverName: Self.serverName)
            },
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: Self.serverName),
            onServerRunning: { channel in await ports.set(public: channel.localAddress?.port ?? 0) },
            logger: logger)
        let admin = Application(
            router: adminRouter(),
            server: .http1(configuration: Self.httpConfiguration(options)),
            configuration: .init(address: .hostname(options.adminHost, port: options.adminPort), serverName: "ringplan-admin"),
            onServerRunning: { channel in await ports.set(admin: channel.localAddress?.port ?? 0) },
            logger: logger)
        return [state, reloader, app, admin]
    }
}

/// Calls back once both applications are listening.
actor PortsReady {
    private var port: Int?
    private var adminPort: Int?
    private let onReady: @Sendable (Int, Int) async -> Void

    init(onReady: @escaping @Sendable (Int, Int) async -> Void) { self.onReady = onReady }

    func set(public value: Int) async {
        port = value
        await fire()
    }

    func set(admin value: Int) async {
        adminPort = value
        await fire()
    }

    private func fire() async {
        if let port, let adminPort { await onReady(port, adminPort) }
    }
}

/// Answers `/connect/{name}` without the router: it is every request Exotel makes, and the
/// router's trie walk, parameter map and URI split showed as 5% of the server's CPU. A
/// name that is not one (`/connect/a/b`) gets the JSON 404 of an unknown rule set; other
/// paths go to the router. Most `/connect/` requests never get here: `ConnectFastPath`
/// answers them in the channel pipeline, and passes on only those pipelined behind a
/// request the application is still answering.
struct PublicResponder: HTTPResponder {
    let connect: ConnectService
    let router: RouterResponder<BasicRequestContext>

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        let method = request.method
        guard method == .get || method == .head,
              let answer = ConnectRoute.answer(connect: connect, target: request.head.path, head: method == .head,
                                       versionHeader: request.headers[RingplanHTTPServer.exotelVersion]) else {
            return try await router.respond(to: request, context: context)
        }
        return RingplanHTTPServer.json(answer.status, answer.body, head: answer.head, version: answer.version, rule: answer.rule)
    }
}
