/// An E.164 number, stored as the integer its digits spell. No country calling code starts
/// with 0, so the integer gives back the digits exactly. Rules write at most 15 digits
/// (E.164); numbers read from requests may have up to 19 (libphonenumber knows longer
/// German and Indonesian numbers), which a UInt64 still holds. A million-number list is
/// then 8 MB, hashed and sorted as integers.
public struct PhoneNumber: Hashable, Comparable, Sendable, BitwiseCopyable, CustomStringConvertible {
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
    /// Fewer than 7 digits.
    case tooShort(digits: Int)
    /// No ITU-assigned country calling code starts the digits.
    case unassignedCountryCode
    /// A number of a country whose numbering plan is generated, whose national part has
    /// none of the lengths of that country's numbers that start with `leading` (its first
    /// digits; empty when the length is impossible whatever the digits).
    case wrongNationalLength(callingCode: Int, leading: String, expected: NationalLengths, found: Int)
    /// A number of a country whose numbering plan is generated, of a possible length, that
    /// matches none of the plan's number ranges.
    case notInNumberingPlan(callingCode: Int)
}

public enum E164 {
    /// Parses a strict E.164 number as rules must write it: `+`, digits only, an assigned
    /// country code, at most 15 digits, and for a country whose plan is generated a national
    /// number of one of its possible lengths (libphonenumber's, as requests are read).
    public static func parse(_ text: Substring) -> Result<PhoneNumber, E164Problem> {
        if let result = text.utf8.withContiguousStorageIfAvailable({ parse(bytes: $0) }) { return result }
        var copy = String(text)
        return copy.withUTF8 { parse(bytes: $0) }
    }

    /// The same on UTF-8 bytes: list files hold a million of these.
    public static func parse(bytes: UnsafeBufferPointer<UInt8>) -> Result<PhoneNumber, E164Problem> {
        guard bytes.count > 1, bytes[0] == UInt8(ascii: "+") else { return .failure(.notE164) }
        let digits = UnsafeBufferPointer(rebasing: bytes[1...])
        var value: UInt64 = 0
        for byte in digits {
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { return .failure(.notE164) }
            value = value &* 10 &+ UInt64(digit) // wraps only past 19 digits, rejected below
        }
        let count = digits.count
        if count > ConnectLimits.maxE164Digits { return .failure(.tooLong(digits: count)) }
        if count < ConnectLimits.minE164Digits { return .failure(.tooShort(digits: count)) }
        guard let code = CountryCallingCodes.code(startingWith: digits) else {
            return .failure(.unassignedCountryCode)
        }
        let plans = Country.sharing(callingCode: code)
        if !plans.isEmpty {
            let codeDigits = code < 10 ? 1 : code < 100 ? 2 : 3
            let national = UnsafeBufferPointer(rebasing: digits[codeDigits...])
            if let problem = Self.problem(national, code: code, plans: plans) { return .failure(problem) }
        }
        return .success(PhoneNumber(value: value))
    }

    /// Why national `digits` of `+code` are in none of the `plans` of the countries with
    /// that code (nil when one holds them): an impossible length, a length that numbers
    /// starting with the same digits do not have, or digits outside every number range.
    private static func problem(_ digits: UnsafeBufferPointer<UInt8>, code: Int, plans: [Country]) -> E164Problem? {
        for plan in plans where plan.lengthVerdict(digits.count) == .possible && plan.general.matches(digits: digits) { return nil }
        if !plans.contains(where: { $0.lengthVerdict(digits.count) == .possible }) {
            return .wrongNationalLength(callingCode: code, leading: "", expected: Country.nationalLengths(forCallingCode: code)!, found: digits.count)
        }
        // The lengths of the plans' numbers that start with the same three digits.
        let leading = digits.prefix(3)
        let mask = plans.reduce(UInt32(0)) { $0 | ($1.general.lengths(ofWordsStartingWith: leading).mask & $1.nationalLengths.mask) }
        let lengths = NationalLengths(mask: mask)
        if !lengths.isEmpty && !lengths.contains(digits.count) {
            return .wrongNationalLength(callingCode: code, leading: String(decoding: leading, as: UTF8.self), expected: lengths, found: digits.count)
        }
        return .notInNumberingPlan(callingCode: code)
    }

    /// Reads a number as real traffic writes it (`09845012345`, `+91...`, `0091...`,
    /// `919845012345`, `9845012345`, `1800 123 4567`) as libphonenumber reads it with
    /// `home` as the default region, and returns its E.164 form, or nil when it is no
    /// number we can place (see `RawNumber.e164(home:)`). Spaces, dashes, dots, slashes and
    /// parentheses are ignored.
    public static func normalize(_ text: Substring, home: Country) -> PhoneNumber? {
        if let result = text.utf8.withContiguousStorageIfAvailable({ normalize(bytes: $0, home: home) }) { return result }
        var copy = String(text)
        return copy.withUTF8 { normalize(bytes: $0, home: home) }
    }

    public static func normalize(_ text: String, home: Country) -> PhoneNumber? {
        if let result = text.utf8.withContiguousStorageIfAvailable({ normalize(bytes: $0, home: home) }) { return result }
        var copy = text
        return copy.withUTF8 { normalize(bytes: $0, home: home) }
    }

    public static func normalize(bytes: UnsafeBufferPointer<UInt8>, home: Country) -> PhoneNumber? {
        RawNumber(bytes: bytes)?.e164(home: home)
    }

    /// 10^exponent for 0...19 (a switch compiles to a table; the multiply loop it replaced
    /// ran on every number of every request).
    @inline(__always)
    public static func pow10(_ exponent: Int) -> UInt64 {
        switch exponent {
        case 0: 1
        case 1: 10
        case 2: 100
        case 3: 1_000
        case 4: 10_000
        case 5: 100_000
        case 6: 1_000_000
        case 7: 10_000_000
        case 8: 100_000_000
        case 9: 1_000_000_000
        case 10: 10_000_000_000
        case 11: 100_000_000_000
        case 12: 1_000_000_000_000
        case 13: 10_000_000_000_000
        case 14: 100_000_000_000_000
        case 15: 1_000_000_000_000_000
        case 16: 10_000_000_000_000_000
        case 17: 100_000_000_000_000_000
        case 18: 1_000_000_000_000_000_000
        default: 10_000_000_000_000_000_000
        }
    }

    /// How many decimal digits `value` has (0 for 0, which is no number).
    @inline(__always)
    public static func digitCount(_ value: UInt64) -> Int {
        // log10 from the bit length (1233/4096 ~ log10(2)), then one correction.
        let estimate = ((64 - value.leadingZeroBitCount) * 1233) >> 12
        return estimate + (value >= pow10(estimate) ? 1 : 0)
    }
}

extension Character {
    public var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
