import ConnectProtocol
import Foundation
import Logging
import Synchronization

/// A swift-log handler that writes one JSON object per line to a file or stdout, through a
/// buffer flushed when it fills and at least every 200 ms, so that logging every decision
/// costs a memory copy on the request path, not a system call.
public final class JSONLinesLogHandlerSink: Sendable {
    private let handle: FileHandle
    private let buffer = Mutex<[UInt8]>([])
    private let flushLock = Mutex<Void>(())
    static let flushBytes = 64 * 1024

    public init(handle: FileHandle) {
        self.handle = handle
    }

    /// Appends to `path`, creating it.
    public convenience init(path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil) // a failure shows just below
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        handle.seekToEndOfFile()
        self.init(handle: handle)
    }

    func write(_ line: [UInt8]) {
        write { $0 += line }
    }

    /// Lets `append` write a line straight into the buffer: the decision line is built
    /// there, with no array of its own.
    func write(_ append: (inout [UInt8]) -> Void) {
        let full = buffer.withLock { buffer in
            append(&buffer)
            return buffer.count >= Self.flushBytes
        }
        if full { flush() }
    }

    public func flush() {
        flushLock.withLock { _ in
            var pending: [UInt8] = []
            pending.reserveCapacity(Self.flushBytes + 4096)
            buffer.withLock { swap(&$0, &pending) }
            if !pending.isEmpty { pending.withUnsafeBytes { handle.write(Data($0)) } }
        }
    }

    /// Flushes every 200 ms until cancelled.
    public func runFlusher() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(200))
            flush()
        }
        flush()
    }
}

public struct JSONLinesLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String
    let sink: JSONLinesLogHandlerSink

    public init(label: String, sink: JSONLinesLogHandlerSink) {
        self.label = label
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        // The decision line, on every request: written field by field.
        if let explicit = event.metadata, explicit.count == 1, case .stringConvertible(let value)? = explicit["decision"],
           let record = value as? DecisionRecord {
            var spec = timespec()
            clock_gettime(CLOCK_REALTIME, &spec)
            let level = event.level
            sink.write { bytes in
                bytes += #"{"ts":"#.utf8
                Self.appendTimestamp(spec, to: &bytes)
                bytes += #","level":""#.utf8
                bytes += level.rawValue.utf8
                bytes += #"","msg":"decision""#.utf8
                record.appendMembers(to: &bytes)
                bytes += "}\n".utf8
            }
            return
        }
        var line = "{\"ts\":\(Self.timestamp()),\"level\":\"\(event.level.rawValue)\",\"logger\":\(Self.quote(label)),\"msg\":\(Self.quote(event.message.description))"
        var merged = metadata
        if let explicit = event.metadata { merged.merge(explicit) { $1 } }
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            line += ",\(Self.quote(key)):\(Self.json(value))"
        }
        line += "}\n"
        sink.write(Array(line.utf8))
    }

    /// Seconds since 1970 with milliseconds, without Foundation's formatter (it showed in
    /// profiles of the request path).
    static func timestamp() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var bytes: [UInt8] = []
        appendTimestamp(spec, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func appendTimestamp(_ spec: timespec, to bytes: inout [UInt8]) {
        JSONText.appendInteger(Int(spec.tv_sec), to: &bytes)
        let millis = Int(spec.tv_nsec) / 1_000_000
        bytes.append(UInt8(ascii: "."))
        bytes.append(UInt8(ascii: "0") + UInt8(millis / 100))
        bytes.append(UInt8(ascii: "0") + UInt8(millis / 10 % 10))
        bytes.append(UInt8(ascii: "0") + UInt8(millis % 10))
    }

    static func json(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): return quote(text)
        case .stringConvertible(let value):
            // Numbers and booleans stay JSON numbers and booleans.
            if value is Int || value is UInt64 || value is Bool || value is Double { return value.description }
            return quote(value.description)
        case .array(let values): return "[" + values.map(json).joined(separator: ",") + "]"
        case .dictionary(let values):
            return "{" + values.sorted(by: { $0.key < $1.key }).map { "\(quote($0.key)):\(json($0.value))" }.joined(separator: ",") + "}"
        }
    }

    static func quote(_ text: String) -> String { JSONText.quoted(text) }
}
