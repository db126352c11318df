import ConnectProtocol
import Foundation
import Synchronization

/// One JSON object per line to a file or stdout, through a buffer flushed when it fills and
/// at least every 200 ms, so that logging every decision costs a memory copy on the request
/// path, not a system call.
public final class JSONLinesSink: Sendable {
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

/// Where `/connect` answers are recorded: one explicit call per decision or refusal, as JSON
/// lines in the sink's file (a decision written field by field straight into its buffer).
public struct DecisionLog: Sendable {
    let sink: JSONLinesSink?
    /// The `logger` member of refusal lines.
    let label: String

    /// `sink` nil: nowhere.
    public init(sink: JSONLinesSink?, label: String = "ringplan.decisions") {
        self.sink = sink
        self.label = label
    }

    public static let none = DecisionLog(sink: nil)

    func decided(_ record: DecisionRecord) {
        guard let sink else { return }
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        sink.write { bytes in
            bytes += #"{"ts":"#.utf8
            Self.appendTimestamp(spec, to: &bytes)
            bytes += #","level":"info","msg":"decision""#.utf8
            record.appendMembers(to: &bytes)
            bytes += "}\n".utf8
        }
    }

    func refused(ruleSet: String, status: Int, reason: String) {
        guard let sink else { return }
        let line = "{\"ts\":\(Self.timestamp()),\"level\":\"info\",\"logger\":\(JSONText.quoted(label)),\"msg\":\"refused\","
            + "\"reason\":\(JSONText.quoted(reason)),\"rule_set\":\(JSONText.quoted(ruleSet)),\"status\":\(status)}\n"
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
}
