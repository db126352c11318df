import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Two `ringplan serve` processes sharing agent state through one PostgreSQL database, as
/// replicas behind a load balancer do: what one learns, the other answers with. Needs a
/// database: `RINGPLAN_TEST_POSTGRES=postgres://USER:PASSWORD@127.0.0.1:5432/DB?sslmode=disable`
/// (`.ci/run` starts one and sets it).
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["RINGPLAN_TEST_POSTGRES"] != nil))
struct ReplicaTests {
    static let database = ProcessInfo.processInfo.environment["RINGPLAN_TEST_POSTGRES"] ?? ""

    /// A `ringplan serve` process on free loopback ports.
    final class Replica {
        let process = Process()
        let port: Int
        let adminPort: Int

        init(rules: URL, state: String) throws {
            port = try freePort()
            adminPort = try freePort()
            guard let binary = CLITests.binary else { throw CocoaError(.fileNoSuchFile) } // build the package first
            process.executableURL = binary
            process.arguments = ["serve", rules.path, "--port", String(port), "--admin-port", String(adminPort), "--state", state]
            process.currentDirectoryURL = rules
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
        }

        func get(_ target: String, admin: Bool = false) throws -> (status: Int, json: [String: Any]?) {
            let url = URL(string: "http://127.0.0.1:\(admin ? adminPort : port)\(target)")!
            let result = try fetch(url)
            return (result.status, try? JSONSerialization.jsonObject(with: result.body) as? [String: Any])
        }

        /// Ready and holding what the database had when it started.
        func waitUntilLoaded() async throws {
            for _ in 0..<400 {
                if let storage = (try? get("/admin/agents", admin: true))?.json?["storage"] as? [String: Any], storage["loaded"] as? Bool == true {
                    return
                }
                try await Task.sleep(for: .milliseconds(25))
            }
            Issue.record("replica on \(port) did not load its state: \((try? get("/admin/agents", admin: true))?.json ?? [:])")
        }

        func stop() {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// A blocking GET over loopback (URLSession is not needed for one request).
    static func destinations(_ json: [String: Any]?) -> [String] {
        ((json?["destination"] as? [[String: Any]]) ?? []).compactMap { $0["device_contact_uri"] as? String }
    }

    @Test func whatOneReplicaLearnsTheOtherAnswersWith() async throws {
        // Names and numbers of this run only: the database outlives test runs.
        let run = String(UInt32.random(in: 0..<UInt32.max), radix: 16)
        let digits = String(format: "%06d", Int.random(in: 0..<1_000_000))
        let name = "desk\(run)"
        let rules = FileManager.default.temporaryDirectory.appendingPathComponent("ringplan-replicas-\(run)")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: rules) }
        try Data("""
            ringplan: 1
            agents: { priya: "+9199\(digits)01", rahul: "+9199\(digits)02" }
            rules:
              - name: returning
                dial:
                  steps:
                    - to: sticky
                    - to: [priya, rahul]
                      strategy: parallel
            """.utf8).write(to: rules.appendingPathComponent("\(name).yaml"))
        var first = try Replica(rules: rules, state: Self.database)
        let second = try Replica(rules: rules, state: Self.database)
        defer { first.stop(); second.stop() }
        try await first.waitUntilLoaded()
        try await second.waitUntilLoaded()
        let call = "/connect/\(name)?CallFrom=09812345678&CurrentTime=2026-11-25+11:00:00"
        #expect(Self.destinations(try second.get(call).json) == ["+9199\(digits)01", "+9199\(digits)02"])

        // Learnt on the first replica, answered by the second.
        #expect(try first.get("/events/\(name)?CallSid=r1&CallFrom=09812345678&DialWhomNumber=%2B9199\(digits)02&EventType=Answered").status == 200)
        var sticky: [String] = []
        for _ in 0..<400 {
            sticky = Self.destinations(try second.get(call).json)
            if sticky == ["+9199\(digits)02"] { break }
            try await Task.sleep(for: .milliseconds(25))
        }
        #expect(sticky == ["+9199\(digits)02"], "the second replica never learnt the sticky agent")

        // Busy on the second replica: the first leaves priya out.
        _ = try second.get("/events/\(name)?CallSid=r2&CallFrom=09800000000&DialWhomNumber=%2B9199\(digits)01&EventType=Dial&Status=busy")
        var team: [String] = []
        for _ in 0..<400 {
            team = Self.destinations(try first.get("\(call)&DialWhomNumber=%2B9199\(digits)02").json)
            if team.isEmpty { break }
            try await Task.sleep(for: .milliseconds(25))
        }
        #expect(team.isEmpty, "rahul was dialled, priya is busy: nobody is left; got \(team)")

        // A restarted replica reads it all back from the database.
        first.stop()
        first = try Replica(rules: rules, state: Self.database)
        try await first.waitUntilLoaded()
        #expect(Self.destinations(try first.get(call).json) == ["+9199\(digits)02"])
        #expect(Self.destinations(try first.get("\(call)&DialWhomNumber=%2B9199\(digits)02").json).isEmpty)
    }

    @Test func aDatabaseThatIsDownLeavesTheServerDecidingFromMemory() async throws {
        let rules = FileManager.default.temporaryDirectory.appendingPathComponent("ringplan-nodb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: rules) }
        try Data("ringplan: 1\nagents: { a: \"+919900000001\" }\nrules:\n  - name: all\n    dial: [sticky, a]\n".utf8)
            .write(to: rules.appendingPathComponent("desk.yaml"))
        // Nothing listens on this port.
        let replica = try Replica(rules: rules, state: "postgres://ringplan:x@127.0.0.1:\(try freePort())/ringplan?sslmode=disable")
        defer { replica.stop() }
        var ready: (status: Int, json: [String: Any]?) = (0, nil)
        for _ in 0..<400 {
            ready = (try? replica.get("/readyz")) ?? (0, nil)
            if (ready.json?["state"] as? String)?.hasPrefix("down") == true { break }
            try await Task.sleep(for: .milliseconds(25))
        }
        #expect(ready.status == 200)
        #expect((ready.json?["state"] as? String)?.hasPrefix("down: deciding from memory") == true, "\(ready.json ?? [:])")
        #expect(Self.destinations(try replica.get("/connect/desk?CallFrom=09812345678").json) == ["+919900000001"])
    }
}

/// A port nothing listens on now: bound to port 0, read, released.
func freePort() throws -> Int {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
    }
    guard bound else { throw CocoaError(.fileNoSuchFile) }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A GET over loopback with a plain socket: status and body.
func fetch(_ url: URL) throws -> (status: Int, body: Data) {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(url.port ?? 80).bigEndian
    let connected = withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
    guard connected else { throw CocoaError(.fileReadNoPermission) }
    let target = url.path + (url.query.map { "?" + $0 } ?? "")
    let request = "GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    _ = request.withCString { send(socket, $0, strlen($0), 0) }
    var response = Data()
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let count = recv(socket, &buffer, buffer.count, 0)
        if count <= 0 { break }
        response.append(contentsOf: buffer[0..<count])
    }
    guard let split = response.range(of: Data("\r\n\r\n".utf8)),
          let head = String(data: response[..<split.lowerBound], encoding: .utf8),
          let status = head.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { throw CocoaError(.fileReadCorruptFile) }
    return (status, response[split.upperBound...])
}
