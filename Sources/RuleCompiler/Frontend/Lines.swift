/// The lines of a list or table file, split at `\n` without a String each (such files run
/// to millions of lines). Lines are numbered from 1; a line's bytes start at index 0.
enum Lines {
    /// Calls `body` with each line's number and bytes; returns how many lines there were.
    @discardableResult
    static func forEach(in bytes: [UInt8], _ body: (_ number: Int, _ line: UnsafeBufferPointer<UInt8>) -> Void) -> Int {
        bytes.withUnsafeBufferPointer { buffer in
            var number = 0
            var start = 0
            while start < buffer.count {
                number += 1
                var end = start
                while end < buffer.count && buffer[end] != UInt8(ascii: "\n") { end += 1 }
                body(number, UnsafeBufferPointer(rebasing: buffer[start..<end]))
                start = end + 1
            }
            return number
        }
    }
}
