import Foundation

/// Where the agent state is kept between restarts, and, for PostgreSQL, shared by replicas.
/// Only `StateWriter` calls it, off the request path.
public protocol StateStorage: Sendable {
    /// `sqlite:PATH` or `postgres://HOST/DB` (no password), for logs and `/admin/agents`.
    var name: String { get }
    var kind: String { get }
    /// Connects and creates the tables when missing.
    func open() async throws
    /// What a server starting now should know: live busy marks, and the `limit` sticky
    /// entries learnt last.
    func load(now: Int64, limit: Int) async throws -> [AgentChange]
    /// Writes a batch in one transaction; `origin` names this replica, so that it can skip
    /// its own notifications.
    func write(_ changes: [AgentChange], origin: String) async throws
    /// Drops lapsed busy marks, sticky entries over `maxStickyDays` old, and all but the
    /// `limit` newest sticky entries.
    func prune(now: Int64, limit: Int) async throws
    /// Calls `apply` with every change another replica writes, until cancelled; returns at
    /// once where there are no other replicas (SQLite).
    func follow(origin: String, apply: @escaping @Sendable (AgentChange) -> Void) async throws
    func close() async
}

/// Reads `--state`: `memory`, `sqlite:PATH`, or a `postgres://` URL.
public enum StateLocation: Sendable, Equatable {
    case memory
    case sqlite(path: String)
    case postgres(url: String)

    /// The default: a file in the working directory.
    public static let defaultLocation = StateLocation.sqlite(path: "ringplan-state.sqlite")

    public init(parsing text: String) throws(StateLocationError) {
        if text == "memory" {
            self = .memory
        } else if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw StateLocationError("`sqlite:` needs a path, such as sqlite:/var/lib/ringplan/state.sqlite") }
            self = .sqlite(path: path)
        } else if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            guard let components = URLComponents(string: text), components.host?.isEmpty == false else {
                throw StateLocationError("`\(text)` is not a PostgreSQL URL such as postgres://ringplan:secret@db.internal:5432/ringplan")
            }
            self = .postgres(url: text)
        } else {
            throw StateLocationError("`\(text)`: expected `memory`, `sqlite:PATH` or a postgres:// URL")
        }
    }
}

public struct StateLocationError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
