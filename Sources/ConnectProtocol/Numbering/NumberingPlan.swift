/// What libphonenumber knows of one country's numbers, as far as reading them needs:
/// generated from its metadata by `scripts/gen-numbering-plans.py`.
struct NumberingPlan: Sendable {
    let isoCode: String
    let callingCode: Int
    /// Lengths of a national significant number (the digits after the calling code), as
    /// bits: bit n set when n digits are possible.
    let possibleLengths: UInt32
    /// Lengths of numbers that can only be dialled locally (without an area code).
    let localOnlyLengths: UInt32
    /// Every national significant number of the country matches it.
    let general: DigitAutomaton
    /// What is dialled before a national number inside the country (`0`), and carrier
    /// selection codes read as one (`1831` in Australia); `never` where there is none.
    let nationalPrefix: DigitAutomaton
    /// What is dialled before a country code to call abroad (`00`, `011`, `0011`...).
    let internationalPrefix: DigitAutomaton
}

/// The possible lengths of a country's national significant numbers.
public struct NationalLengths: Sendable, Hashable, CustomStringConvertible {
    /// Bit n set when n digits are possible.
    let mask: UInt32

    public init(mask: UInt32) { self.mask = mask }

    @inline(__always)
    public func contains(_ length: Int) -> Bool { length >= 0 && length < 32 && mask & (1 << UInt32(length)) != 0 }
    public var isEmpty: Bool { mask == 0 }
    public var shortest: Int { mask.trailingZeroBitCount }
    public var longest: Int { 31 - mask.leadingZeroBitCount }
    public var lengths: [Int] { (0..<32).filter(contains) }

    /// "10", "9 or 10", "8 to 13", "8, 10 or 11".
    public var description: String {
        let all = lengths
        guard let first = all.first, let last = all.last else { return "no" }
        if all.count == 1 { return "\(first)" }
        if all.count == last - first + 1 { return all.count == 2 ? "\(first) or \(last)" : "\(first) to \(last)" }
        return all.dropLast().map(String.init).joined(separator: ", ") + " or \(last)"
    }
}

/// libphonenumber's verdict on a national number's length (`_test_number_length`).
enum LengthVerdict {
    case possible, possibleLocalOnly, tooShort, tooLong, invalidLength
}

extension Country {
    @inline(__always)
    func lengthVerdict(_ length: Int) -> LengthVerdict {
        if localOnlyLengths.contains(length) { return .possibleLocalOnly }
        if length == nationalLengths.shortest { return .possible }
        if length < nationalLengths.shortest { return .tooShort }
        if length > nationalLengths.longest { return .tooLong }
        return nationalLengths.contains(length) ? .possible : .invalidLength
    }
}
