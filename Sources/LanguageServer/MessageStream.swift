import Foundation

/// The Language Server Protocol's base protocol on a file descriptor: `Content-Length: N`
/// and other headers, a blank line, then N bytes of JSON. Bounded: a header over 8 KiB or a
/// message over 64 MiB is skipped (reported, not buffered), so that no input makes the
/// server hold more.
public struct MessageReader {
    public enum Message: Equatable {
        case body([UInt8])
        /// A message that cannot be read; the stream goes on after it.
        case invalid(String)
    }

    static let maxHeaderBytes = 8 * 1024
    public static let maxContentBytes = 64 << 20

    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false

    public init(fileDescriptor: Int32) {
        descriptor = fileDescriptor
    }

    /// The next message; nil at the end of the input.
    public mutating func next() -> Message? {
        while true {
            if let end = headerEnd() {
                let header = String(decoding: buffer[start..<end], as: UTF8.self)
                start = end + 4
                guard let length = Self.contentLength(header) else { return .invalid("a message without a valid Content-Length header") }
                guard length <= Self.maxContentBytes else {
                    skip(length)
                    return .invalid("a message of \(length) bytes, over the limit of \(Self.maxContentBytes)")
                }
                while buffer.count - start < length {
                    guard fill() else { return nil }
                }
                let body = Array(buffer[start..<start + length])
                start += length
                return .body(body)
            }
            if buffer.count - start > Self.maxHeaderBytes {
                // No blank line in 8 KiB: no header; drop what was read and look again.
                start = buffer.count
                return .invalid("a header of over \(Self.maxHeaderBytes) bytes")
            }
            guard fill() else { return nil }
        }
    }

    /// Where the buffered header's `\r\n\r\n` starts.
    private func headerEnd() -> Int? {
        guard buffer.count - start >= 4 else { return nil }
        for index in start...(buffer.count - 4)
        where buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13 && buffer[index + 3] == 10 {
            return index
        }
        return nil
    }

    static func contentLength(_ header: String) -> Int? {
        for line in header.split(separator: "\r\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "content-length" else { continue }
            return Int(parts[1].trimmingCharacters(in: .whitespaces)).flatMap { $0 >= 0 ? $0 : nil }
        }
        return nil
    }

    /// Reads more input; false at its end.
    private mutating func fill() -> Bool {
        guard !atEnd else { return false }
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 1 << 20 {
            buffer.removeFirst(start)
            start = 0
        }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let count = chunk.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else {
            atEnd = true
            return false
        }
        buffer += chunk[0..<count]
        return true
    }

    /// Drops `count` bytes of input without keeping them.
    private mutating func skip(_ count: Int) {
        var left = count
        while left > 0 {
            let buffered = min(left, buffer.count - start)
            start += buffered
            left -= buffered
            if left > 0 && !fill() { return }
        }
    }
}

/// Writes framed messages; safe from any thread.
public final class MessageWriter: @unchecked Sendable {
    private let descriptor: Int32
    private let lock = NSLock()

    public init(fileDescriptor: Int32) {
        descriptor = fileDescriptor
    }

    public func send(_ object: [String: Any]) {
        guard let body = try? JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes]) else { return }
        let message = Data("Content-Length: \(body.count)\r\n\r\n".utf8) + body
        lock.lock()
        defer { lock.unlock() }
        message.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}
