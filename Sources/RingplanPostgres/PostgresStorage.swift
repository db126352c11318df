import ConnectProtocol
import Foundation
import Logging
import NIOSSL
import PostgresNIO
import RingplanServer
import Routing
import Synchronization

/// The agent state in PostgreSQL, shared by replicas: each writes what it learns in a
/// transaction that also notifies the others (`LISTEN`/`NOTIFY` on `ringplan_agents`), so
/// a change reaches every replica as soon as it is committed, in one batch interval.
public final class PostgresStorage: StateStorage {
    public let name: String
    public var kind: String { "postgres" }
    static let channel = "ringplan_agents"
    /// A notification's payload is at most 8,000 bytes; batches are cut below that.
    static let maxPayload = 7_000
    private let client: PostgresClient
    private let runner = Mutex<Task<Void, Never>?>(nil)
    private let logger: Logger

    public init(url: String, logger: Logger) {
        let components = URLComponents(string: url)
        let host = components?.host ?? "localhost"
        let database = components?.path.split(separator: "/").first.map(String.init)
        let sslMode = components?.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        let tls: PostgresClient.Configuration.TLS = switch sslMode {
        case "disable": .disable
        case "require", "verify-full": .require(.makeClientConfiguration())
        default: .prefer(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(host: host, port: components?.port ?? 5432,
                                                         username: components?.user ?? "postgres", password: components?.password,
                                                         database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(3)
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        // The password stays out of logs and `/admin/agents`.
        name = "postgres://\(components?.user.map { $0 + "@" } ?? "")\(host):\(components?.port ?? 5432)/\(database ?? "")"
        self.logger = logger
    }

    public func open() async throws {
        runner.withLock { runner in
            if runner == nil { runner = Task { [client] in await client.run() } }
        }
        // Replicas starting together: one creates the tables at a time.
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(7283940121)", logger: logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS ringplan_busy (contact TEXT NOT NULL, call BIGINT NOT NULL, until BIGINT NOT NULL,
                                                          PRIMARY KEY (contact, call))
                """, logger: logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS ringplan_sticky (rule_set TEXT NOT NULL, caller BIGINT NOT NULL, agent TEXT NOT NULL,
                                                            learnt BIGINT NOT NULL, PRIMARY KEY (rule_set, caller))
                """, logger: logger)
            try await connection.query("CREATE INDEX IF NOT EXISTS ringplan_sticky_learnt ON ringplan_sticky (learnt)", logger: logger)
        }
    }

    public func load(now: Int64, limit: Int) async throws -> [AgentChange] {
        var changes: [AgentChange] = []
        let busy = try await client.query("SELECT contact, call, until FROM ringplan_busy WHERE until > \(now)", logger: logger)
        for try await (text, call, until) in busy.decode((String, Int64, Int64).self) {
            guard let contact = ContactText.decode(text[...]) else { continue }
            changes.append(.busy(contact: contact, call: UInt64(bitPattern: call), until: until))
        }
        let oldest = now - Int64(RuleSet.maxStickyDays) * 86_400
        let rows = try await client.query("""
            SELECT rule_set, caller, agent, learnt FROM ringplan_sticky WHERE learnt >= \(oldest) ORDER BY learnt DESC LIMIT \(limit)
            """, logger: logger)
        var sticky: [AgentChange] = []
        for try await (ruleSet, caller, text, learnt) in rows.decode((String, Int64, String, Int64).self) {
            guard let agent = ContactText.decode(text[...]) else { continue }
            sticky.append(.sticky(ruleSet: ruleSet, caller: PhoneNumber(value: UInt64(bitPattern: caller)), agent: agent, learnt: learnt))
        }
        return changes + sticky.reversed()
    }

    /// One transaction: the batch's last word per busy mark and per sticky key, written with
    /// one statement each, then notified.
    public func write(_ changes: [AgentChange], origin: String) async throws {
        var marks: [String: (contact: String, call: Int64, until: Int64?)] = [:]
        var sticky: [String: (ruleSet: String, caller: Int64, agent: String, learnt: Int64)] = [:]
        for change in changes {
            switch change {
            case .busy(let contact, let call, let until):
                let text = ContactText.encode(contact)
                marks["\(text) \(call)"] = (text, Int64(bitPattern: call), until)
            case .free(let contact, let call):
                let text = ContactText.encode(contact)
                marks["\(text) \(call)"] = (text, Int64(bitPattern: call), nil)
            case .sticky(let ruleSet, let caller, let agent, let learnt):
                let key = "\(ruleSet) \(caller.value)"
                if let known = sticky[key], known.learnt > learnt { continue }
                sticky[key] = (ruleSet, Int64(bitPattern: caller.value), ContactText.encode(agent), learnt)
            }
        }
        let busy = marks.values.filter { $0.until != nil }, free = marks.values.filter { $0.until == nil }
        let payloads = Self.payloads(changes, origin: origin)
        let logger = self.logger
        try await client.withTransaction(logger: logger) { connection in
            if !busy.isEmpty {
                try await connection.query("""
                    INSERT INTO ringplan_busy (contact, call, until)
                    SELECT * FROM unnest(\(busy.map(\.contact))::text[], \(busy.map(\.call))::bigint[], \(busy.map { $0.until! })::bigint[])
                    ON CONFLICT (contact, call) DO UPDATE SET until = excluded.until
                    """, logger: logger)
            }
            if !free.isEmpty {
                try await connection.query("""
                    DELETE FROM ringplan_busy b USING unnest(\(free.map(\.contact))::text[], \(free.map(\.call))::bigint[]) AS f(contact, call)
                    WHERE b.contact = f.contact AND b.call = f.call
                    """, logger: logger)
            }
            if !sticky.isEmpty {
                let rows = Array(sticky.values)
                try await connection.query("""
                    INSERT INTO ringplan_sticky (rule_set, caller, agent, learnt)
                    SELECT * FROM unnest(\(rows.map(\.ruleSet))::text[], \(rows.map(\.caller))::bigint[], \(rows.map(\.agent))::text[],
                                         \(rows.map(\.learnt))::bigint[])
                    ON CONFLICT (rule_set, caller) DO UPDATE SET agent = excluded.agent, learnt = excluded.learnt
                    WHERE excluded.learnt >= ringplan_sticky.learnt
                    """, logger: logger)
            }
            for payload in payloads {
                try await connection.query("SELECT pg_notify(\(Self.channel), \(payload))", logger: logger)
            }
        }
    }

    /// The batch as notification payloads: the origin on the first line, then one change a line.
    static func payloads(_ changes: [AgentChange], origin: String) -> [String] {
        var payloads: [String] = []
        var current = origin
        for change in changes {
            let line = change.line
            if current.utf8.count + 1 + line.utf8.count > maxPayload {
                payloads.append(current)
                current = origin
            }
            current += "\n" + line
        }
        if current != origin { payloads.append(current) }
        return payloads
    }

    public func prune(now: Int64, limit: Int) async throws {
        try await client.query("DELETE FROM ringplan_busy WHERE until <= \(now)", logger: logger)
        try await client.query("DELETE FROM ringplan_sticky WHERE learnt < \(now - Int64(RuleSet.maxStickyDays) * 86_400)", logger: logger)
        try await client.query("""
            DELETE FROM ringplan_sticky WHERE (rule_set, caller) IN
              (SELECT rule_set, caller FROM ringplan_sticky ORDER BY learnt DESC OFFSET \(limit))
            """, logger: logger)
    }

    public func follow(origin: String, apply: @escaping @Sendable (AgentChange) -> Void) async throws {
        try await client.withConnection { connection in
            try await connection.listen(on: Self.channel) { notifications in
                for try await notification in notifications {
                    var lines = notification.payload.split(separator: "\n")
                    guard let from = lines.first, from != origin[...] else { continue }
                    lines.removeFirst()
                    for line in lines { if let change = AgentChange(line: line) { apply(change) } }
                }
            }
        }
    }

    public func close() async {
        runner.withLock { runner in
            runner?.cancel()
            runner = nil
        }
    }
}
