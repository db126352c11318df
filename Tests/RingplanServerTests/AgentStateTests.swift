import Foundation
import Testing
@testable import RingplanServer
import ConnectProtocol

/// Agent state over real sockets: events learnt at `/events/{name}`, decisions at
/// `/connect/{name}` that read them, `/admin/agents`, and the events URL in answers.
@Suite(.serialized) struct AgentStateTests {
    static let rules = """
        ringplan: 1
        timezone: Asia/Kolkata
        agents:
          priya: "+919900000001"
          rahul: "+919900000002"
          meera: "sip:meera7f3a"
        groups:
          team: [priya, rahul, meera]
        rules:
          - name: returning
            dial:
              steps:
                - to: sticky
                - to: team
                  strategy: parallel
        """

    static let call = "CallFrom=09812345678&CallTo=08047112345&CurrentTime=2026-11-25+11:00:00"

    static func server(token: String? = nil, publicURL: String? = nil) async throws -> TestServer {
        try await TestServer(files: ["desk.yaml": rules], empty: true, token: token, publicURL: publicURL)
    }

    static func destinations(_ result: HTTPResult) -> [String] {
        ((result.json?["destination"] as? [[String: Any]]) ?? []).compactMap { $0["device_contact_uri"] as? String }
    }

    /// The `agent_state` of each decision logged so far, in order.
    static func loggedEffects(_ server: TestServer) throws -> [[String]] {
        server.logSink.flush()
        return try String(contentsOfFile: server.logPath, encoding: .utf8).split(separator: "\n")
            .filter { $0.contains("\"msg\":\"decision\"") }
            .map { line in
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                return object?["agent_state"] as? [String] ?? []
            }
    }

    @Test func anAnsweredCallMakesTheAgentStickyForTheCaller() async throws {
        let server = try await Self.server()
        #expect(Self.destinations(try await server.get("/connect/desk?\(Self.call)")) == ["+919900000001", "+919900000002", "sip:meera7f3a"])
        // Rahul's leg: rung (busy), answered, ended (free).
        for (type, status) in [("Dial", "busy"), ("Answered", "busy"), ("Terminal", "free")] {
            let event = try await server.get("/events/desk?CallSid=c1&CallFrom=09812345678&DialWhomNumber=09900000002&EventType=\(type)&Status=\(status)")
            #expect(event.status == 200)
            #expect(event.json?["status"] as? String == "ok")
        }
        let first = try await server.get("/connect/desk?\(Self.call)&CallSid=c2")
        #expect(Self.destinations(first) == ["+919900000002"], "\(first.body)")
        #expect(first.json?["fetch_after_attempt"] as? Bool == true)
        // The re-fetch rings the rest of the team, without rahul.
        let second = try await server.get("/connect/desk?\(Self.call)&CallSid=c2&DialWhomNumber=%2B919900000002")
        #expect(Self.destinations(second) == ["+919900000001", "sip:meera7f3a"])
        // Another caller has no sticky agent.
        #expect(Self.destinations(try await server.get("/connect/desk?CallFrom=09811111111&CurrentTime=2026-11-25+11:00:00")).count == 3)
        let effects = try Self.loggedEffects(server)
        #expect(effects == [[], ["sticky"], [], []], "the first answer, the sticky one, its re-fetch, another caller")
        #expect(try await server.get("/metrics", admin: true).body.contains("ringplan_sticky_hits_total 1"))
        await server.stop()
    }

    @Test func theAfterConversationPassthruAlsoTeachesStickiness() async throws {
        let server = try await Self.server()
        let passthru = try await server.get("/events/desk?CallSid=c9&CallFrom=09812345678&DialWhomNumber=sip:meera7f3a@acme.exotel.in&DialCallStatus=completed")
        #expect(passthru.json?["status"] as? String == "ok")
        #expect(Self.destinations(try await server.get("/connect/desk?\(Self.call)")) == ["sip:meera7f3a"])
        await server.stop()
    }

    @Test func busyAgentsAreLeftOutUntilFree() async throws {
        let server = try await Self.server()
        _ = try await server.get("/events/desk?CallSid=x1&CallFrom=09800000000&DialWhomNumber=%2B919900000001&EventType=Dial&Status=busy")
        _ = try await server.get("/events/desk?CallSid=x2&CallFrom=09800000001&DialWhomNumber=%2B919900000001&EventType=Dial&Status=busy")
        let ring = try await server.get("/connect/desk?\(Self.call)")
        #expect(Self.destinations(ring) == ["+919900000002", "sip:meera7f3a"])
        #expect((ring.json?["parallel_ringing"] as? [String: Any])?["max_parallel_attempts"] as? Int == 2)
        // On two calls: free when both have ended.
        _ = try await server.get("/events/desk?CallSid=x1&DialWhomNumber=%2B919900000001&EventType=Terminal&Status=free")
        #expect(Self.destinations(try await server.get("/connect/desk?\(Self.call)")).count == 2)
        _ = try await server.get("/events/desk?CallSid=x2&DialWhomNumber=%2B919900000001&EventType=Terminal&Status=free")
        #expect(Self.destinations(try await server.get("/connect/desk?\(Self.call)")).count == 3)
        // Everyone busy: nobody is dialled.
        for (index, agent) in ["%2B919900000001", "%2B919900000002", "sip:meera7f3a"].enumerated() {
            _ = try await server.get("/events/desk?CallSid=y\(index)&DialWhomNumber=\(agent)&EventType=Dial&Status=busy")
        }
        let none = try await server.get("/connect/desk?\(Self.call)")
        #expect(none.status == 200 && Self.destinations(none).isEmpty, "\(none.body)")
        #expect(try Self.loggedEffects(server) == [["busy-skipped"], ["busy-skipped"], [], ["busy-skipped"]])
        // The first decision rang rahul and meera only, and its log line says so.
        let first = try String(contentsOfFile: server.logPath, encoding: .utf8).split(separator: "\n")
            .first { $0.contains("\"msg\":\"decision\"") }
        #expect(first?.contains(#""destinations":["rahul","meera"]"#) == true, "\(first ?? "")")
        let admin = try await server.get("/admin/agents", admin: true)
        let busy = (admin.json?["busy"] as? [[String: Any]])?.compactMap { $0["agent"] as? String }
        #expect(busy == ["meera", "priya", "rahul"], "\(admin.body)")
        let page = try await server.get("/", admin: true).body
        #expect(page.contains("<h2>Agents</h2><p>busy now: <code>meera</code>, <code>priya</code>, <code>rahul</code></p>"), "\(page)")
        let metrics = try await server.get("/metrics", admin: true).body
        #expect(metrics.contains(#"ringplan_agent_events_total{type="dial",outcome="applied"} 5"#), "\(metrics)")
        #expect(metrics.contains("ringplan_busy_skips_total 3"), "\(metrics)")
        await server.stop()
    }

    @Test func eventsAreBoundedAndCheckedLikeConnect() async throws {
        let server = try await Self.server(token: "s3cret")
        #expect(try await server.get("/events/desk?CallSid=a&DialWhomNumber=%2B919900000001&Status=busy").status == 401)
        #expect(try await server.get("/events/nope?key=s3cret&CallSid=a&DialWhomNumber=%2B919900000001").status == 404)
        let ignored = try await server.get("/events/desk?key=s3cret&CallSid=a&DialWhomNumber=%2B919900000001&EventType=Exploded")
        #expect(ignored.status == 200 && ignored.json?["reason"] as? String == "unknown-eventtype")
        #expect(try await server.get("/events/desk?key=s3cret&DialWhomNumber=x").json?["reason"] as? String == "no-callsid")
        #expect(try await server.get("/events/desk?key=s3cret&CallSid=a&DialWhomNumber=hello").json?["reason"] as? String
                == "unreadable-dialwhomnumber")
        #expect(try await server.get("/events/desk?key=s3cret&" + String(repeating: "a=1&", count: 1100)).status == 414)
        await server.stop()
    }

    @Test func withAPublicURLAnswersCarryTheEventsURLWithTheKey() async throws {
        let server = try await Self.server(token: "s3 cret", publicURL: "https://ringplan.example.com")
        let answer = try await server.get("/connect/desk?key=s3%20cret&\(Self.call)")
        #expect(answer.json?["dial_passthru_event_url"] as? String == "https://ringplan.example.com/events/desk?key=s3%20cret", "\(answer.body)")
        await server.stop()
    }

    @Test func stickyEntriesAreBoundedOldestFirst() {
        let store = AgentStore(stickyCapacity: 16 * 4)
        let agent = DialedContact.number(PhoneNumber(value: 919_900_000_001))
        for index in 0..<1000 {
            store.learnSticky(ruleSet: "desk", caller: PhoneNumber(value: 919_800_000_000 + UInt64(index)), agent: agent, at: Int64(index))
        }
        #expect(store.stickyCount <= 64)
        let view = store.view(ruleSet: "desk", stickyDays: 30)
        // The newest are kept, and a learnt time older than sticky_days no longer counts.
        #expect(store.sticky(ruleSet: view.ruleSet, caller: PhoneNumber(value: 919_800_000_999), notBefore: 0) == agent)
        #expect(store.sticky(ruleSet: view.ruleSet, caller: PhoneNumber(value: 919_800_000_000), notBefore: 0) == nil)
        #expect(store.sticky(ruleSet: view.ruleSet, caller: PhoneNumber(value: 919_800_000_999), notBefore: 1000) == nil)
    }

    @Test func aBusyMarkLapsesWithoutAFree() {
        let store = AgentStore()
        let agent = DialedContact.sipUser(7)
        store.markBusy(agent, call: 1, now: 100)
        #expect(store.anyoneBusy && store.isBusy(agent, now: 100 + AgentStore.busyLifetime - 1))
        #expect(!store.isBusy(agent, now: 100 + AgentStore.busyLifetime))
        store.sweep(now: 100 + AgentStore.busyLifetime)
        #expect(!store.anyoneBusy)
    }
}

/// Agent state kept in SQLite: a restart keeps what was learnt; storage that fails leaves
/// decisions going from memory.
@Suite(.serialized) struct AgentStorageTests {
    static func waitUntil(_ condition: () -> Bool) async throws {
        for _ in 0..<200 where !condition() { try await Task.sleep(for: .milliseconds(25)) }
        #expect(condition())
    }

    @Test func aRestartKeepsStickyAndBusyAgents() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ringplan-state-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let state = StateLocation.sqlite(path: folder.appendingPathComponent("state.sqlite").path)
        let first = try await TestServer(files: ["desk.yaml": AgentStateTests.rules], empty: true, state: state)
        try await Self.waitUntil { first.server.state.current.loaded }
        _ = try await first.get("/events/desk?CallSid=c1&CallFrom=09812345678&DialWhomNumber=sip:meera7f3a&EventType=Answered")
        _ = try await first.get("/events/desk?CallSid=c2&CallFrom=09800000000&DialWhomNumber=%2B919900000001&EventType=Dial&Status=busy")
        try await Self.waitUntil { first.server.state.current.written == 2 }
        await first.stop()

        let second = try await TestServer(files: ["desk.yaml": AgentStateTests.rules], empty: true, state: state)
        try await Self.waitUntil { second.server.state.current.loaded }
        #expect(AgentStateTests.destinations(try await second.get("/connect/desk?\(AgentStateTests.call)")) == ["sip:meera7f3a"])
        let team = try await second.get("/connect/desk?\(AgentStateTests.call)&DialWhomNumber=sip:meera7f3a")
        #expect(AgentStateTests.destinations(team) == ["+919900000002"], "priya is still busy: \(team.body)")
        let admin = try await second.get("/admin/agents", admin: true).json
        #expect((admin?["storage"] as? [String: Any])?["kind"] as? String == "sqlite")
        #expect((admin?["storage"] as? [String: Any])?["status"] as? String == "ok")
        await second.stop()
    }

    @Test func storageThatFailsLeavesDecisionsToMemory() async throws {
        // A file under a regular file cannot be created: every open fails.
        let blocker = FileManager.default.temporaryDirectory.appendingPathComponent("ringplan-blocker-\(UUID().uuidString)")
        try Data().write(to: blocker)
        defer { try? FileManager.default.removeItem(at: blocker) }
        let server = try await TestServer(files: ["desk.yaml": AgentStateTests.rules], empty: true,
                                          state: .sqlite(path: blocker.appendingPathComponent("state.sqlite").path))
        _ = try await server.get("/events/desk?CallSid=c1&CallFrom=09812345678&DialWhomNumber=%2B919900000002&EventType=Answered")
        #expect(AgentStateTests.destinations(try await server.get("/connect/desk?\(AgentStateTests.call)")) == ["+919900000002"])
        try await Self.waitUntil { server.server.state.current.failures > 0 }
        let ready = try await server.get("/readyz")
        #expect(ready.status == 200)
        #expect((ready.json?["state"] as? String)?.hasPrefix("down: deciding from memory") == true, "\(ready.body)")
        #expect(try await server.get("/metrics", admin: true).body.contains("ringplan_state_storage_errors_total{operation=\"load\"}"))
        await server.stop()
    }

    @Test func changesReadBackAsWritten() {
        let changes: [AgentChange] = [
            .busy(contact: .number(PhoneNumber(value: 919_900_000_001)), call: UInt64.max - 3, until: 1_800_000_000),
            .free(contact: .sipUser(0xdead_beef_0000_0001), call: 7),
            .sticky(ruleSet: "support-2", caller: PhoneNumber(value: 14_155_550_100), agent: .sipUser(42), learnt: 1_790_000_000),
        ]
        for change in changes { #expect(AgentChange(line: change.line[...]) == change) }
        #expect(AgentChange(line: "k 1 n2 3") == nil)
        #expect(AgentChange(line: "b x 1 2") == nil)
    }

    @Test func theWriteQueueIsBoundedAndKeepsOrder() {
        let queue = ChangeQueue(capacity: 3)
        let changes = (0..<5).map { AgentChange.free(contact: .sipUser(UInt64($0)), call: 0) }
        let dropped = changes.map { queue.push($0) }
        #expect(dropped == [false, false, false, true, true])
        let batch = queue.take(2)
        #expect(batch.map(\.change) == Array(changes[2...3]))
        queue.putBack(batch)
        #expect(queue.take(10).map(\.change) == Array(changes[2...]))
    }
}

@Suite struct RecentCountsTests {
    /// The admin page's answers per minute: a ring of ten minutes, a slot reset when its
    /// minute comes round again, summed over statuses per rule.
    @Test func minutesComeRound() {
        var counts = ServerMetrics.RecentCounts()
        counts.add(at: 100)
        counts.add(at: 100)
        counts.add(at: 101)
        #expect(counts.counts(upTo: 101) == [0, 0, 0, 0, 0, 0, 0, 0, 2, 1])
        counts.add(at: 111)  // minute 101's slot, reused
        #expect(counts.counts(upTo: 111) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 1])
        #expect(counts.counts(upTo: 115) == [0, 0, 0, 0, 0, 1, 0, 0, 0, 0])

        let metrics = ServerMetrics()
        for status in [200, 200, 404] { metrics.request(ruleSet: "desk", rule: "vip", status: status, outcome: "dialled", nanoseconds: 1) }
        metrics.request(ruleSet: "desk", rule: "rest", status: 200, outcome: "nobody", nanoseconds: 1)
        let now = Int64(time(nil))  // after the answers: their minutes are in the window up to it
        let recent = metrics.recentRequests(now: now)
        #expect(recent.map(\.rule) == ["rest", "vip"])
        #expect(recent.map { $0.perMinute.reduce(0, +) } == [1, 3])
        #expect(metrics.recentRequests(now: now + 600).isEmpty)
    }
}
