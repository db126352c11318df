import Foundation
import Testing
@testable import RingplanServer

/// Connections as `ConnectFastPath` sees them: keep-alive, pipelining across the fast path
/// and the application, bodies, idle timeouts, HTTP/1.0.
@Suite(.serialized) struct ConnectionTests {
    static let saturday = "/connect/support?CallFrom=09900000001&CallTo=08047110000&CurrentTime=2026-11-28+12:00:00"
    static let evening = "/connect/support?CallFrom=09900000001&CallTo=08047112345&CurrentTime=2026-11-25+21:00:00"

    static func request(_ target: String, close: Bool = false, extra: String = "") -> String {
        "GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(close ? "Connection: close\r\n" : "")\(extra)\r\n"
    }

    /// Sends `bytes` on one connection and reads until the server closes it.
    static func exchange(_ bytes: String, with server: TestServer) async throws -> String {
        let port = server.port
        return try await onThread {
            let connection = try RawConnection(port: port)
            connection.send(bytes)
            return connection.readToEnd()
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        let server = try await TestServer()
        // A /connect request behind one the application answers must wait for it.
        let text = try await Self.exchange(Self.request(Self.saturday) + Self.request("/healthz") + Self.request(Self.evening)
                                           + Self.request("/readyz") + Self.request(Self.saturday, close: true), with: server)
        #expect(statusLines(text).count == 5, "\(text)")
        let order = text.components(separatedBy: "\r\n").compactMap { line -> String? in
            if line.hasPrefix("Ringplan-Rule: ") { return String(line.dropFirst("Ringplan-Rule: ".count)) }
            if line.contains("\"alive\"") { return "healthz" }
            if line.contains("\"ready\"") { return "readyz" }
            return nil
        }
        #expect(order == ["everyone-else", "healthz", "after-hours", "readyz", "everyone-else"])
        await server.stop()
    }

    @Test func keepAliveAnswersCarryDateAndServer() async throws {
        let server = try await TestServer()
        let port = server.port
        let responses = try await onThread {
            let connection = try RawConnection(port: port)
            return (0..<3).map { _ in
                connection.send(Self.request(Self.saturday))
                return connection.readResponse()
            }
        }
        for response in responses {
            let text = try #require(response)
            #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(text.contains("\r\nServer: ringplan\r\n"))
            #expect(text.range(of: #"\r\nDate: [A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT\r\n"#, options: .regularExpression) != nil)
            #expect(!text.contains("Connection: close"))
        }
        await server.stop()
    }

    @Test func oversizedBodyIsRefusedAndTheConnectionClosed() async throws {
        let server = try await TestServer()
        let body = String(repeating: "x", count: RequestLimits.maxBodyBytes + 1)
        let text = try await Self.exchange(Self.request(Self.saturday, extra: "Content-Length: \(body.utf8.count)\r\n") + body, with: server)
        #expect(statusLines(text) == ["HTTP/1.1 413 Payload Too Large"])
        #expect(text.contains("Connection: close"))
        #expect(text.hasSuffix(#"{"error":"request body too large"}"#))
        await server.stop()
    }

    @Test func aMalformedRequestAfterAnAnswerGets400() async throws {
        let server = try await TestServer()
        let text = try await Self.exchange(Self.request(Self.saturday) + "NOT HTTP AT ALL\r\n\r\n", with: server)
        #expect(statusLines(text) == ["HTTP/1.1 200 OK", "HTTP/1.1 400 Bad Request"])
        #expect(try await server.get(Self.saturday).status == 200, "the server is still up")
        await server.stop()
    }

    @Test func http10WithoutKeepAliveIsClosedAfterTheAnswer() async throws {
        let server = try await TestServer()
        let port = server.port
        let text = try await onThread {
            let connection = try RawConnection(port: port)
            connection.send("GET \(Self.saturday) HTTP/1.0\r\n\r\n")
            let text = connection.readToEnd()
            return connection.closedByServer ? text : "not closed"
        }
        #expect(statusLines(text) == ["HTTP/1.0 200 OK"])
        #expect(text.contains("Ringplan-Rule: everyone-else"))
        await server.stop()
    }

    @Test func idleConnectionsCloseAndBusyOnesDoNot() async throws {
        let server = try await TestServer(idleTimeout: 0.5)
        let port = server.port
        let (busyAnswers, idleClosed) = try await onThread {
            let busy = try RawConnection(port: port)
            var answers = 0
            // Busy for three idle timeouts, on answers from the fast path only.
            for _ in 0..<8 {
                busy.send(Self.request(Self.saturday))
                if busy.readResponse() != nil { answers += 1 }
                Thread.sleep(forTimeInterval: 0.2)
            }
            let idle = try RawConnection(port: port)
            idle.send(Self.request(Self.saturday))
            _ = idle.readResponse()
            Thread.sleep(forTimeInterval: 1.2)
            return (answers, idle.readToEnd().isEmpty && idle.closedByServer)
        }
        #expect(busyAnswers == 8)
        #expect(idleClosed, "the server closed the idle connection")
        await server.stop()
    }

    @Test func gracefulShutdownClosesKeepAliveConnections() async throws {
        let server = try await TestServer()
        let port = server.port
        let connection = try await onThread {
            let connection = try RawConnection(port: port)
            connection.send(Self.request(Self.saturday))
            _ = connection.readResponse()
            return UncheckedBox(connection)
        }
        await server.stop()
        let (rest, closed) = try await onThread { (connection.value.readToEnd(), connection.value.closedByServer) }
        #expect(rest.isEmpty && closed, "closed, with nothing more sent")
    }
}

@Test func httpDateMatchesFoundation() {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "GMT")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
    // The epoch, leap days, centuries, the end of a year, and 2^31 + a bit.
    for seconds in [0, 951_782_400, 951_868_799, 1_709_164_800, 4_107_542_399, 1_798_761_599, 2_147_483_700, 1_795_000_000] {
        #expect(HTTPDate.format(secondsSince1970: seconds) == formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds))),
                "\(seconds)")
    }
}

struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
