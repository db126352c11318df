import ConnectProtocol
import Foundation
import Logging
import Routing
import SQLiteNIO

/// The agent state in one SQLite file, for a single instance: a restart reads it back.
actor SQLiteStorage: StateStorage {
    nonisolated let path: String
    nonisolated var name: String { "sqlite:" + path }
    nonisolated var kind: String { "sqlite" }
    private var connection: SQLiteConnection?

    init(path: String) {
        self.path = path
    }

    private func connected() async throws -> SQLiteConnection {
        if let connection { return connection }
        let opened = try await SQLiteConnection.open(storage: .file(path: path), logger: Logger(label: "ringplan.sqlite"))
        connection = opened
        return opened
    }

    func open() async throws {
        let connection = try await connected()
        // WAL: a write does not block a reader (an operator's sqlite3 shell, a backup).
        _ = try await connection.query("PRAGMA journal_mode=WAL")
        _ = try await connection.query("PRAGMA synchronous=NORMAL")
        _ = try await connection.query("""
            CREATE TABLE IF NOT EXISTS busy (contact TEXT NOT NULL, call INTEGER NOT NULL, until INTEGER NOT NULL,
                                             PRIMARY KEY (contact, call))
            """)
        _ = try await connection.query("""
            CREATE TABLE IF NOT EXISTS sticky (rule_set TEXT NOT NULL, caller INTEGER NOT NULL, agent TEXT NOT NULL,
                                               learnt INTEGER NOT NULL, PRIMARY KEY (rule_set, caller))
            """)
        _ = try await connection.query("CREATE INDEX IF NOT EXISTS sticky_learnt ON sticky (learnt)")
    }

    func load(now: Int64, limit: Int) async throws -> [AgentChange] {
        let connection = try await connected()
        var changes: [AgentChange] = []
        for row in try await connection.query("SELECT contact, call, until FROM busy WHERE until > ?", [.integer(Int(now))]) {
            guard let text = row.column("contact")?.string, let contact = ContactText.decode(text[...]),
                  let call = row.column("call")?.integer, let until = row.column("until")?.integer else { continue }
            changes.append(.busy(contact: contact, call: UInt64(bitPattern: Int64(call)), until: Int64(until)))
        }
        let rows = try await connection.query(
            "SELECT rule_set, caller, agent, learnt FROM sticky WHERE learnt >= ? ORDER BY learnt DESC LIMIT ?",
            [.integer(Int(now - Int64(RuleSet.maxStickyDays) * 86_400)), .integer(limit)])
        // Oldest first, so that replaying them leaves the newest when the map is full.
        for row in rows.reversed() {
            guard let ruleSet = row.column("rule_set")?.string, let caller = row.column("caller")?.integer,
                  let text = row.column("agent")?.string, let agent = ContactText.decode(text[...]),
                  let learnt = row.column("learnt")?.integer else { continue }
            changes.append(.sticky(ruleSet: ruleSet, caller: PhoneNumber(value: UInt64(bitPattern: Int64(caller))), agent: agent,
                                   learnt: Int64(learnt)))
        }
        return changes
    }

    func write(_ changes: [AgentChange], origin: String) async throws {
        let connection = try await connected()
        _ = try await connection.query("BEGIN")
        do {
            for change in changes {
                switch change {
                case .busy(let contact, let call, let until):
                    _ = try await connection.query(
                        "INSERT INTO busy (contact, call, until) VALUES (?, ?, ?) ON CONFLICT (contact, call) DO UPDATE SET until = excluded.until",
                        [.text(ContactText.encode(contact)), .integer(Int(Int64(bitPattern: call))), .integer(Int(until))])
                case .free(let contact, let call):
                    _ = try await connection.query("DELETE FROM busy WHERE contact = ? AND call = ?",
                                                   [.text(ContactText.encode(contact)), .integer(Int(Int64(bitPattern: call)))])
                case .sticky(let ruleSet, let caller, let agent, let learnt):
                    _ = try await connection.query("""
                        INSERT INTO sticky (rule_set, caller, agent, learnt) VALUES (?, ?, ?, ?)
                        ON CONFLICT (rule_set, caller) DO UPDATE SET agent = excluded.agent, learnt = excluded.learnt
                        WHERE excluded.learnt >= sticky.learnt
                        """, [.text(ruleSet), .integer(Int(Int64(bitPattern: caller.value))), .text(ContactText.encode(agent)), .integer(Int(learnt))])
                }
            }
            _ = try await connection.query("COMMIT")
        } catch {
            _ = try? await connection.query("ROLLBACK")
            throw error
        }
    }

    func prune(now: Int64, limit: Int) async throws {
        let connection = try await connected()
        _ = try await connection.query("DELETE FROM busy WHERE until <= ?", [.integer(Int(now))])
        _ = try await connection.query("DELETE FROM sticky WHERE learnt < ?", [.integer(Int(now - Int64(RuleSet.maxStickyDays) * 86_400))])
        _ = try await connection.query(
            "DELETE FROM sticky WHERE rowid IN (SELECT rowid FROM sticky ORDER BY learnt DESC LIMIT -1 OFFSET ?)", [.integer(limit)])
    }

    func follow(origin: String, apply: @escaping @Sendable (AgentChange) -> Void) async throws {}

    func close() async {
        try? await connection?.close()
        connection = nil
    }
}
