/// The country calling codes the ITU has assigned (ITU-T E.164 Annex, "List of ITU-T
/// Recommendation E.164 assigned country codes"), including the global services codes
/// (800, 808, 870, 878, 881-883, 888, 979). Spare and withdrawn codes are absent, and so is
/// 379 (reserved for the Vatican, which dials +39 06 698), as in libphonenumber.
public enum CountryCallingCodes {
    static let oneDigit: Set<Int> = [1, 7]

    static let twoDigit: Set<Int> = [
        20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49,
        51, 52, 53, 54, 55, 56, 57, 58, 60, 61, 62, 63, 64, 65, 66,
        81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98,
    ]

    static let threeDigit: Set<Int> = {
        var codes: Set<Int> = [211, 212, 213, 216, 218]
        codes.formUnion(220...258)
        codes.formUnion(260...269)
        codes.formUnion([290, 291, 297, 298, 299])
        codes.formUnion(350...359)
        codes.formUnion(370...383)
        codes.remove(379)
        codes.formUnion([385, 386, 387, 389, 420, 421, 423])
        codes.formUnion(500...509)
        codes.formUnion(590...599)
        codes.formUnion([670, 672, 673, 674, 675, 676, 677, 678, 679, 680, 681, 682, 683])
        codes.formUnion(685...692)
        codes.formUnion([800, 808, 850, 852, 853, 855, 856, 870, 878, 880, 881, 882, 883, 886, 888])
        codes.formUnion(960...968)
        codes.formUnion(970...977)
        codes.formUnion([979, 992, 993, 994, 995, 996, 998])
        return codes
    }()

    /// `assigned[n]` for n < 1000: whether `n` is an assigned code of its own length
    /// (index 0-9 one digit, 10-99 two, 100-999 three), for lookups on the request path.
    static let assigned: [Bool] = {
        var table = [Bool](repeating: false, count: 1000)
        for code in oneDigit.union(twoDigit).union(threeDigit) { table[code] = true }
        return table
    }()

    /// The country code that starts `digits` (the digits of an E.164 number, without `+`),
    /// or nil when no assigned code does. Codes are prefix-free, so at most one matches.
    public static func code(startingWith digits: Substring) -> Int? {
        code(startingWith: digits.utf8)
    }

    /// The same on UTF-8 bytes.
    public static func code(startingWith digits: some Sequence<UInt8>) -> Int? {
        var value = 0
        for byte in digits.prefix(3) {
            if value == 0 && byte == UInt8(ascii: "0") { return nil }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            if value > 0 && assigned[value] { return value }
        }
        return nil
    }

    /// Every assigned code as text, for prefix questions.
    static let all: [String] = (oneDigit.union(twoDigit).union(threeDigit)).map(String.init).sorted()

    /// Whether a number beginning with `digits` could be valid at all: some assigned code is
    /// a prefix of `digits`, or `digits` is a prefix of one. Finds prefixes that never match.
    public static func canBegin(_ digits: Substring) -> Bool {
        all.contains { code in digits.hasPrefix(code) || code.hasPrefix(digits) }
    }
}
