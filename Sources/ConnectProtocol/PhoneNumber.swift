/// An E.164 number, stored as the integer its digits spell. No country calling code starts
/// with 0, so the integer gives back the digits exactly; and at most 15 digits fit a UInt64.
/// A million-number list is then 8 MB, hashed and sorted as integers.
public struct PhoneNumber: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let value: UInt64

    public init(value: UInt64) { self.value = value }

    /// Trusts the caller: `digits` are 1...15 ASCII digits, the first not 0. Use `E164.parse` on input.
    public init(uncheckedDigits digits: Substring) {
        var value: UInt64 = 0
        for byte in digits.utf8 { value = value &* 10 &+ UInt64(byte &- UInt8(ascii: "0")) }
        self.value = value
    }

    /// The digits without `+`.
    public var digits: String { String(value) }
    public var description: String { "+" + digits }
    public static func < (lhs: PhoneNumber, rhs: PhoneNumber) -> Bool { lhs.value < rhs.value }
}

/// Why a text is not a valid E.164 number.
public enum E164Problem: Error, Equatable, Sendable {
    /// Does not look like `+` followed by digits.
    case notE164
    /// More than 15 digits.
    case tooLong(digits: Int)
    /// No ITU-assigned country calling code starts the digits.
    case unassignedCountryCode
    /// A number of a country whose numbering plan we know (the home country among them),
    /// whose national part has the wrong length.
    case wrongNationalLength(callingCode: Int, expected: ClosedRange<Int>, found: Int)
}

public enum E164 {
    /// Parses a strict E.164 number as rules must write it: `+`, digits only, an assigned
    /// country code, at most 15 digits, and the right national length for the home country.
    public static func parse(_ text: Substring, home: Country) -> Result<PhoneNumber, E164Problem> {
        // On UTF-8 bytes: list files hold a million of these.
        let utf8 = text.utf8
        guard utf8.first == UInt8(ascii: "+"), utf8.count > 1,
              utf8.dropFirst().allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return .failure(.notE164)
        }
        let digits = text.dropFirst()
        let count = utf8.count - 1
        if count > ConnectLimits.maxE164Digits { return .failure(.tooLong(digits: count)) }
        guard let code = CountryCallingCodes.code(startingWith: digits) else {
            return .failure(.unassignedCountryCode)
        }
        let lengths = code == home.callingCode ? home.nationalLengths : Country.nationalLengths[code]
        if let lengths {
            let national = count - String(code).count
            if !lengths.contains(national) {
                return .failure(.wrongNationalLength(callingCode: code, expected: lengths, found: national))
            }
        }
        return .success(PhoneNumber(uncheckedDigits: digits))
    }

    /// Reads a number as real traffic writes it (`09845012345`, `+91...`, `0091...`,
    /// `919845012345`, `9845012345`) and returns its E.164 form, or nil when it is no number
    /// we can place. Spaces, dashes, dots and parentheses are ignored. Runs on every request,
    /// so it works on bytes in a stack buffer and builds no strings.
    public static func normalize(_ text: Substring, home: Country) -> PhoneNumber? {
        let utf8 = text.utf8
        guard utf8.count <= 40 else { return nil }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { buffer -> PhoneNumber? in
            let code = home.callingCode
            let codeDigits = code >= 100 ? 3 : code >= 10 ? 2 : 1
            let position = 24
            var count = 0
            var plus = false
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    guard count < 32 else { return nil }
                    buffer[position + count] = byte - UInt8(ascii: "0")
                    count += 1
                case UInt8(ascii: "+") where count == 0 && !plus:
                    plus = true
                case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "("), UInt8(ascii: ")"):
                    continue
                default:
                    return nil
                }
            }
            func digits(_ start: Int, _ count: Int) -> UnsafeBufferPointer<UInt8> {
                UnsafeBufferPointer(rebasing: buffer[start..<start + count])
            }
            /// The national digits from `start` on, with the home calling code written just
            /// before them (over a trunk prefix, or into the free space before the number).
            func withHomeCode(from start: Int) -> UnsafeBufferPointer<UInt8> {
                var rest = code
                for index in stride(from: start - 1, through: start - codeDigits, by: -1) {
                    buffer[index] = UInt8(rest % 10)
                    rest /= 10
                }
                return digits(start - codeDigits, position + count - start + codeDigits)
            }
            if count == 0 { return nil }
            if plus { return valid(digits(position, count), home: home) }
            if count > 2 && buffer[position] == 0 && buffer[position + 1] == 0 {
                return valid(digits(position + 2, count - 2), home: home)
            }
            let trunk = home.trunkDigits
            if !trunk.isEmpty, count > trunk.count, home.nationalLengths.contains(count - trunk.count),
               trunk.indices.allSatisfy({ buffer[position + $0] == trunk[$0] }) {
                return valid(withHomeCode(from: position + trunk.count), home: home)
            }
            if home.nationalLengths.contains(count), let number = valid(withHomeCode(from: position), home: home) {
                return number
            }
            return valid(digits(position, count), home: home)
        }
    }

    /// Digit values (0-9) that form a valid E.164 number, as `parse` would accept them.
    private static func valid(_ digits: UnsafeBufferPointer<UInt8>, home: Country) -> PhoneNumber? {
        guard !digits.isEmpty, digits.count <= ConnectLimits.maxE164Digits,
              let code = CountryCallingCodes.code(startingWith: digits) else { return nil }
        let codeDigits = code >= 100 ? 3 : code >= 10 ? 2 : 1
        let lengths = code == home.callingCode ? home.nationalLengths : Country.nationalLengthsByCode[code]
        if let lengths, !lengths.contains(digits.count - codeDigits) { return nil }
        var value: UInt64 = 0
        for digit in digits { value = value * 10 + UInt64(digit) }
        return PhoneNumber(value: value)
    }
}

extension Character {
    public var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
