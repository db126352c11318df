import NIOCore
import NIOHTTP1
import Testing
@testable import RingplanServer

/// `FastPathConnection` without a channel: each sequence of events and the actions it asks for.
struct FastPathConnectionTests {
    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
    static let ok = ConnectRoute.Answer(status: 200, body: Array("{}".utf8)[...], version: "v1", rule: "r", head: false)

    /// `#expect` cannot hold a mutating call; arguments are evaluated before the call.
    static func same<T: Equatable>(_ actual: T, _ expected: T, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual == expected, sourceLocation: sourceLocation)
    }

    static func connection(idle: TimeAmount? = .seconds(60)) -> FastPathConnection {
        FastPathConnection(idleTimeout: idle, now: start)
    }

    /// A whole request the fast path answers: head, end, and the response written.
    static func answered(_ connection: inout FastPathConnection, keepAlive: Bool = true, at now: NIODeadline = start)
        -> FastPathConnection.EndAction? {
        Self.same(connection.head(version: .http1_1, keepAlive: keepAlive, now: now) { ok }, .drop)
        guard case .respond(let response) = connection.end() else {
            Issue.record("no response")
            return nil
        }
        #expect(response == FastPathConnection.Response(answer: ok, version: .http1_1, keepAlive: keepAlive))
        return connection.responded(response, now: now)
    }

    @Test func aConnectRequestIsAnsweredAtItsEnd() {
        var connection = Self.connection()
        Self.same(Self.answered(&connection), .write)
        #expect(connection.inFlight == 0)
    }

    @Test func otherRequestsArePassedOnWholly() {
        var connection = Self.connection()
        Self.same(connection.head(version: .http1_1, keepAlive: true, now: Self.start) { nil }, .pass)
        Self.same(connection.body(bytes: 10), .pass)
        Self.same(connection.end(), .pass)
        #expect(connection.forwarded == 1)
        Self.same(connection.applicationResponded(now: Self.start), .write)
        #expect(connection.forwarded == 0 && connection.inFlight == 0)
    }

    @Test func aConnectRequestBehindAnUnansweredOneGoesToTheApplication() {
        var connection = Self.connection()
        _ = connection.head(version: .http1_1, keepAlive: true, now: Self.start) { nil }
        _ = connection.end()
        var asked = false
        // Answering it here would overtake the application's response.
        Self.same(connection.head(version: .http1_1, keepAlive: true, now: Self.start) { asked = true; return Self.ok }, .pass)
        #expect(!asked)
        _ = connection.end()
        Self.same(connection.applicationResponded(now: Self.start), .write)
        Self.same(connection.applicationResponded(now: Self.start), .write)
        // Both answered: the fast path answers again.
        Self.same(Self.answered(&connection), .write)
    }

    @Test func anOversizedBodyIsRefusedOnceAndTheRestDropped() {
        var connection = Self.connection()
        _ = connection.head(version: .http1_1, keepAlive: true, now: Self.start) { Self.ok }
        Self.same(connection.body(bytes: RequestLimits.maxBodyBytes), .drop)
        guard case .respond(let refusal) = connection.body(bytes: 1) else {
            Issue.record("no refusal")
            return
        }
        #expect(refusal.answer.status == 413 && !refusal.keepAlive)
        Self.same(connection.body(bytes: 100), .drop)
        Self.same(connection.end(), .drop)
        Self.same(connection.responded(refusal, now: Self.start), .writeAndClose)
    }

    @Test func aRequestToCloseIsClosedAfterItsResponse() {
        var single = Self.connection()
        Self.same(Self.answered(&single, keepAlive: false), .writeAndClose)
        // Behind the application's response, the application answers it and closes.
        var behind = Self.connection()
        _ = behind.head(version: .http1_1, keepAlive: true, now: Self.start) { nil }
        _ = behind.end()
        Self.same(behind.head(version: .http1_1, keepAlive: false, now: Self.start) { Self.ok }, .pass)
    }

    @Test func quiescingClosesAtOnceWhenIdleElseAfterTheLastResponse() {
        var idle = Self.connection()
        Self.same(idle.quiesce(), true)
        var busy = Self.connection()
        _ = busy.head(version: .http1_1, keepAlive: true, now: Self.start) { nil }
        Self.same(busy.quiesce(), false)
        _ = busy.end()
        Self.same(busy.applicationResponded(now: Self.start), .writeAndClose)
    }

    @Test func idleChecks() {
        var connection = Self.connection(idle: .seconds(10))
        #expect(connection.idleCheck(now: Self.start + .seconds(10)) == .close)
        #expect(connection.idleCheck(now: Self.start + .seconds(4)) == .checkAgain(in: .seconds(6)))
        // Active since: counted from the last activity.
        Self.same(Self.answered(&connection, at: Self.start + .seconds(5)), .write)
        #expect(connection.idleCheck(now: Self.start + .seconds(10)) == .checkAgain(in: .seconds(5)))
        // Busy: never closed, looked at again a whole timeout later.
        _ = connection.head(version: .http1_1, keepAlive: true, now: Self.start + .seconds(6)) { nil }
        #expect(connection.idleCheck(now: Self.start + .seconds(100)) == .checkAgain(in: .seconds(10)))
        #expect(Self.connection(idle: nil).idleCheck(now: Self.start + .seconds(1000)) == .none)
    }

    @Test func partsOutOfOrderArePassedOnForTheApplicationToReport() {
        var connection = Self.connection()
        Self.same(connection.body(bytes: 3), .pass)
        Self.same(connection.end(), .pass)
        _ = connection.head(version: .http1_1, keepAlive: true, now: Self.start) { Self.ok }
        Self.same(connection.head(version: .http1_1, keepAlive: true, now: Self.start) { Self.ok }, .pass)
    }
}
