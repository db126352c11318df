/// A number's digits as a request writes them, before a home country says what they mean:
/// read once when the request is parsed, so that each rule set turns it into E.164 with a
/// few integer operations.
public struct RawNumber: Sendable, Hashable {
    /// The digits as an integer; leading zeros show as `count` exceeding its length.
    let value: UInt64
    let count: Int
    /// Whether the text started with `+`.
    let plus: Bool
    /// The first five digits, four bits each, first digit highest.
    let leading: UInt32

    /// Reads digits, an optional leading `+`, and ignores spaces, dashes, dots and
    /// parentheses; nil for anything else or more than 19 digits.
    public init?(bytes: UnsafeBufferPointer<UInt8>) {
        var value: UInt64 = 0
        var count = 0
        var plus = false
        var leading: UInt32 = 0
        for byte in bytes {
            let digit = byte &- UInt8(ascii: "0")
            if digit < 10 {
                guard count < 19 else { return nil }
                if count < 5 { leading = leading << 4 | UInt32(digit) }
                value = value &* 10 &+ UInt64(digit)
                count += 1
            } else if byte == UInt8(ascii: "+") && count == 0 && !plus {
                plus = true
            } else if byte != UInt8(ascii: " ") && byte != UInt8(ascii: "-") && byte != UInt8(ascii: ".")
                        && byte != UInt8(ascii: "(") && byte != UInt8(ascii: ")") {
                return nil
            }
        }
        guard count > 0 else { return nil }
        // Left-align the first five digits (a variable shift per digit cost more than the loop).
        if count < 5 { leading <<= UInt32(4 * (5 - count)) }
        self.value = value
        self.count = count
        self.plus = plus
        self.leading = leading
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

    /// Digit `index` (0-4) of the text.
    @inline(__always) func digit(_ index: Int) -> Int { Int(leading >> UInt32(16 - 4 * index)) & 0xF }

    /// The E.164 number these digits mean in `home`: `+CC...` and `00CC...` as written, a
    /// trunk prefix and national number, a bare national number, or a bare `CC...`.
    public func e164(home: Country) -> PhoneNumber? {
        if plus { return Self.international(value, count, digit(0), digit(1), digit(2), home: home) }
        if count > 2 && digit(0) == 0 && digit(1) == 0 {
            return Self.international(value, count - 2, digit(2), digit(3), digit(4), home: home)
        }
        // A trunk prefix (one digit in every country we know) and a national number.
        if home.trunkCount == 1, digit(0) == Int(home.trunkValue), home.nationalLengths.contains(count - 1) {
            let national = count - 1
            return PhoneNumber(value: UInt64(home.callingCode) &* E164.pow10(national) &+ value &- home.trunkValue &* E164.pow10(national))
        }
        if digit(0) != 0, home.nationalLengths.contains(count), home.callingCodeDigits + count <= ConnectLimits.maxE164Digits {
            return PhoneNumber(value: UInt64(home.callingCode) &* E164.pow10(count) &+ value)
        }
        return Self.international(value, count, digit(0), digit(1), digit(2), home: home)
    }

    /// `count` digits that start with `a`, `b`, `c` and spell `value`: a valid E.164 number
    /// when they start with an assigned country code and, for a country whose numbering
    /// plan we know, have its national length.
    static func international(_ value: UInt64, _ count: Int, _ a: Int, _ b: Int, _ c: Int, home: Country) -> PhoneNumber? {
        guard a != 0, count <= ConnectLimits.maxE164Digits, count >= ConnectLimits.minE164Digits else { return nil }
        let code: Int, codeDigits: Int
        if CountryCallingCodes.assigned[a] {
            (code, codeDigits) = (a, 1)
        } else if count >= 2 && CountryCallingCodes.assigned[a * 10 + b] {
            (code, codeDigits) = (a * 10 + b, 2)
        } else if count >= 3 && CountryCallingCodes.assigned[a * 100 + b * 10 + c] {
            (code, codeDigits) = (a * 100 + b * 10 + c, 3)
        } else {
            return nil
        }
        let lengths = code == home.callingCode ? home.nationalLengths : Country.nationalLengthsByCode[code]
        if let lengths, !lengths.contains(count - codeDigits) { return nil }
        return PhoneNumber(value: value)
    }
}
