import Foundation
import Logging

/// The server's own log (start, reloads, errors) on standard error, one line per event.
///
/// swift-log's `StreamLogHandler` renders its metadata to text each time metadata is set,
/// and Hummingbird sets a request id on the logger of every request: that rendering showed
/// as 5% of the server's CPU. This handler keeps metadata as given and renders it only for
/// the events it prints.
public struct ConsoleLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String

    public init(label: String) {
        self.label = label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let explicit = event.metadata { merged.merge(explicit) { $1 } }
        let fields = merged.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        let time = Date().formatted(.iso8601)
        FileHandle.standardError.write(Data("\(time) \(event.level) \(label): \(event.message)\(fields)\n".utf8))
    }
}
