import Foundation
import Logging
import RingplanServer
import ServiceLifecycle
#if canImport(Glibc)
import Glibc
#endif

/// A server on 127.0.0.1 with ephemeral ports, over a rules directory of its own.
final class TestServer: @unchecked Sendable {
    let directory: URL
    let server: RingplanHTTPServer
    let group: ServiceGroup
    let task: Task<Void, any Error>
    let port: Int
    let adminPort: Int
    let logSink: JSONLinesSink
    let logPath: String

    static let repositoryRules = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("rules")

    /// `files`: extra or replaced files in the rules directory (a copy of `rules/` unless `empty`).
    init(files: [String: String] = [:], empty: Bool = false, token: String? = nil, load: Bool = true,
         idleTimeout: Double? = nil, publicURL: String? = nil, state: StateLocation = .memory, directory given: URL? = nil,
         logNumbers: Bool = false) async throws {
        directory = given ?? FileManager.default.temporaryDirectory.appendingPathComponent("ringplan-server-\(UUID().uuidString)")
        if given != nil {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } else if empty {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } else {
            try FileManager.default.copyItem(at: Self.repositoryRules, to: directory)
        }
        for (name, text) in files { try Data(text.utf8).write(to: directory.appendingPathComponent(name)) }
        var options = ServerOptions(rulesDirectory: directory.path)
        options.port = 0
        options.adminPort = 0
        options.token = token
        options.logNumbers = logNumbers
        options.publicURL = publicURL
        options.state = state
        if let idleTimeout { options.idleTimeout = idleTimeout }
        options.debounce = 0.1
        options.pollInterval = 1
        logPath = directory.path + ".log"
        logSink = try JSONLinesSink(path: logPath)
        let sink = logSink
        var logger = Logger(label: "test") { _ in SwallowingLogHandler() }
        logger.logLevel = .critical
        server = RingplanHTTPServer(options: options, logger: logger,
                                    decisions: DecisionLog(sink: sink, label: "decisions"))
        if load { server.reloader.reloadNow(trigger: "start") }
        let (stream, continuation) = AsyncStream.makeStream(of: (Int, Int).self)
        group = ServiceGroup(configuration: .init(
            services: server.services { port, admin in continuation.yield((port, admin)) }.map { .init(service: $0) },
            logger: logger))
        let group = self.group
        task = Task { try await group.run() }
        var iterator = stream.makeAsyncIterator()
        guard let (port, adminPort) = await iterator.next() else { throw TestError("server did not start") }
        self.port = port
        self.adminPort = adminPort
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
        logSink.flush()
        try? FileManager.default.removeItem(at: directory)
        try? FileManager.default.removeItem(atPath: logPath)
    }

    func write(_ name: String, _ text: String) throws {
        // As editors do: write aside, then rename over the file.
        let temporary = directory.appendingPathComponent(".\(name).tmp")
        try Data(text.utf8).write(to: temporary)
        _ = rename(temporary.path, directory.appendingPathComponent(name).path)
    }

    func get(_ target: String, headers: [String: String] = [:], method: String = "GET", admin: Bool = false) async throws -> HTTPResult {
        let port = admin ? adminPort : port
        return try await onThread { try HTTPResult.send(method: method, port: port, target: target, headers: headers) }
    }
}

/// Runs blocking socket calls on a thread of their own: the server's handlers run on
/// Swift's cooperative pool, which a blocked client must not occupy.
func onThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try work() }) }
        thread.start()
    }
}

struct TestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

struct SwallowingLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .critical
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}
    }
    func log(event: LogEvent) {}
}

/// A minimal HTTP/1.1 client over a real socket: sends one request with
/// `Connection: close` and reads the answer to the end.
struct HTTPResult {
    let status: Int
    let headers: [String: String]
    let body: String

    var json: [String: Any]? { try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] }

    static func send(method: String, port: Int, target: String, headers: [String: String] = [:], rawRequest: String? = nil) throws -> HTTPResult {
        let connection = try RawConnection(port: port)
        var request = rawRequest ?? "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        if rawRequest == nil {
            for (name, value) in headers { request += "\(name): \(value)\r\n" }
            request += "\r\n"
        }
        connection.send(request)
        let text = connection.readToEnd()
        guard let split = text.range(of: "\r\n\r\n") else {
            return HTTPResult(status: 0, headers: [:], body: text)
        }
        let head = text[..<split.lowerBound].split(separator: "\r\n")
        let status = head.first.flatMap { Int($0.split(separator: " ")[safe: 1] ?? "") } ?? 0
        var fields: [String: String] = [:]
        for line in head.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 { fields[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        return HTTPResult(status: status, headers: fields, body: String(text[split.upperBound...]))
    }
}

/// A raw keep-alive connection, for pipelining, bodies and idle timeouts.
final class RawConnection {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestError("socket failed") }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw TestError("connect to \(port) failed") }
    }

    deinit { close(fd) }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count <= 0 { break }
            sent += count
        }
    }

    /// Whether the last read ended because the server closed the connection (rather than
    /// the 10 s receive timeout).
    private(set) var closedByServer = false

    /// Everything until the server closes the connection.
    func readToEnd() -> String {
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            closedByServer = count == 0
            if count <= 0 { break }
            response += buffer[0..<count]
        }
        return String(decoding: response, as: UTF8.self)
    }

    /// One response with a `Content-Length` (keep-alive), or nil when the connection closed first.
    func readResponse() -> String? {
        var response: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            if let text = String(validating: response, as: UTF8.self), let split = text.range(of: "\r\n\r\n") {
                let length = text[..<split.lowerBound].split(separator: "\r\n")
                    .first { $0.lowercased().hasPrefix("content-length:") }
                    .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                if text.utf8.count - text.utf8.distance(from: text.startIndex, to: split.upperBound) >= length { return text }
            }
            guard recv(fd, &byte, 1, 0) == 1 else { return nil }
            response.append(byte)
        }
    }
}

/// The status lines of a stream of responses (a body runs straight into the next response).
func statusLines(_ text: String) -> [String] {
    text.matches(of: /HTTP\/1\.[01] \d{3}[^\r]*/).map { String($0.output) }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
