import Foundation

/// The text of one file, kept to draw source lines under diagnostics.
public final class SourceFile: Sendable {
    /// The path as the user named it (relative paths stay relative in diagnostics).
    public let path: String
    public let bytes: [UInt8]

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }

    /// The text of line `number` (1-based) without its line break, or nil past the end.
    public func line(_ number: Int) -> String? {
        guard number >= 1 else { return nil }
        var current = 1
        var start = 0
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") {
                if current == number { break }
                current += 1
                start = index + 1
            }
            index += 1
        }
        guard current == number, start <= bytes.count else { return nil }
        var end = index
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}

/// The files a run has read, by path, so that renderers can show source lines.
public final class SourceManager: @unchecked Sendable {
    private let lock = NSLock()
    private var files: [String: SourceFile] = [:]

    public init() {}

    public func add(_ file: SourceFile) {
        lock.withLock { files[file.path] = file }
    }

    public func file(_ path: String) -> SourceFile? {
        lock.withLock { files[path] }
    }

    /// Every file read, rule files, includes and list files.
    public var paths: [String] { lock.withLock { Array(files.keys) } }
}
