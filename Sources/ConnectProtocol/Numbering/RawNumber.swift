/// A number's digits as a request writes them, before a home country says what they mean:
/// read once when the request is parsed, so that each rule set reads it as E.164 with a few
/// table walks and integer operations (see `RawNumber+E164.swift`).
public struct RawNumber: Sendable, Hashable {
    /// Digits 0..<16, four bits each, the first in the top nibble.
    private let high: UInt64
    /// Digits 16..<24, likewise.
    private let low: UInt64
    /// How many digits (at most 24: an international prefix of up to four digits, a
    /// calling code and the longest national numbers). A byte, so that the request's three
    /// numbers stay small to copy.
    private let digitCount: UInt8
    public var count: Int { Int(digitCount) }
    /// The digits as an integer, when there are at most 19 (the last digits of a number
    /// are then one remainder away).
    private let total: UInt64
    /// Whether the text started with `+`.
    let plus: Bool

    static let maxDigits = 24

    /// Reads digits, an optional leading `+`, and ignores spaces, dashes, dots, slashes and
    /// parentheses (libphonenumber's punctuation in national formats); nil for anything
    /// else or more than 24 digits.
    public init?(bytes: UnsafeBufferPointer<UInt8>) {
        var high: UInt64 = 0
        var low: UInt64 = 0
        var total: UInt64 = 0
        var count = 0
        var plus = false
        for byte in bytes {
            let digit = byte &- UInt8(ascii: "0")
            if digit < 10 {
                guard count < Self.maxDigits else { return nil }
                if count < 16 { high = high << 4 | UInt64(digit) } else { low = low << 4 | UInt64(digit) }
                total = total &* 10 &+ UInt64(digit) // wraps past 19 digits, where it is not used
                count += 1
            } else if byte == UInt8(ascii: "+") && count == 0 && !plus {
                plus = true
            } else if byte != UInt8(ascii: " ") && byte != UInt8(ascii: "-") && byte != UInt8(ascii: ".")
                        && byte != UInt8(ascii: "(") && byte != UInt8(ascii: ")") && byte != UInt8(ascii: "/") {
                return nil
            }
        }
        guard count > 0 else { return nil }
        // Left-align, so that digit i is at a fixed shift.
        if count < 16 { high <<= UInt64(4 * (16 - count)) } else if count > 16 { low <<= UInt64(4 * (16 - (count - 16))) }
        self.high = high
        self.low = low
        self.total = total
        self.digitCount = UInt8(count)
        self.plus = plus
    }

    public init?(_ text: String) {
        if let parsed = text.utf8.withContiguousStorageIfAvailable({ RawNumber(bytes: $0) }) {
            guard let parsed else { return nil }
            self = parsed
        } else {
            var copy = text
            guard let parsed = copy.withUTF8({ RawNumber(bytes: $0) }) else { return nil }
            self = parsed
        }
    }

    /// Digit `index` (0..<count).
    @inline(__always) func digit(_ index: Int) -> Int {
        index < 16 ? Int(truncatingIfNeeded: high >> UInt64(60 - 4 * index)) & 0xF
            : Int(truncatingIfNeeded: low >> UInt64(60 - 4 * (index - 16))) & 0xF
    }

    /// Whether the digits start with `nibbles` (`count` digits, as `digit` packs them).
    @inline(__always) func starts(with nibbles: UInt64, count digits: Int) -> Bool {
        count > digits && high >> UInt64(64 - 4 * digits) == nibbles
    }

    /// The digits from `from` to the end as an integer (leading zeros vanish: the caller
    /// knows the count).
    @inline(__always) func value(from: Int) -> UInt64 {
        guard count <= 19 else { return value(from: from, to: count) }
        // The leading digits' part subtracted (a remainder would divide, on every number).
        return total &- value(from: 0, to: from) &* E164.pow10(count - from)
    }

    /// Digits `from..<to` as an integer (leading zeros vanish: the caller knows the count).
    @inline(__always) func value(from: Int, to: Int) -> UInt64 {
        var value: UInt64 = 0
        var index = from
        while index < to {
            value = value &* 10 &+ UInt64(digit(index))
            index += 1
        }
        return value
    }
}
