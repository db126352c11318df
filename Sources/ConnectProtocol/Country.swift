/// A home country: how national numbers (`09845012345`) in requests and in diagnostics'
/// suggestions become E.164. Only countries whose national number length we know are listed,
/// so that `country:` can also check the length of home numbers.
public struct Country: Sendable, Hashable {
    /// ISO 3166-1 alpha-2, upper case.
    public let isoCode: String
    public let callingCode: Int
    /// Lengths of the national significant number (the digits after the country code).
    public let nationalLengths: ClosedRange<Int>
    /// The trunk prefix dialled before a national number inside the country.
    public let trunkPrefix: String

    public static let india = Country(isoCode: "IN", callingCode: 91, nationalLengths: 10...10, trunkPrefix: "0")

    public static let known: [String: Country] = {
        let list: [Country] = [
            .india,
            Country(isoCode: "AE", callingCode: 971, nationalLengths: 8...9, trunkPrefix: "0"),
            Country(isoCode: "AU", callingCode: 61, nationalLengths: 9...9, trunkPrefix: "0"),
            Country(isoCode: "BD", callingCode: 880, nationalLengths: 10...10, trunkPrefix: "0"),
            Country(isoCode: "CA", callingCode: 1, nationalLengths: 10...10, trunkPrefix: "1"),
            Country(isoCode: "DE", callingCode: 49, nationalLengths: 6...13, trunkPrefix: "0"),
            Country(isoCode: "FR", callingCode: 33, nationalLengths: 9...9, trunkPrefix: "0"),
            Country(isoCode: "GB", callingCode: 44, nationalLengths: 9...10, trunkPrefix: "0"),
            Country(isoCode: "ID", callingCode: 62, nationalLengths: 8...12, trunkPrefix: "0"),
            Country(isoCode: "KE", callingCode: 254, nationalLengths: 9...9, trunkPrefix: "0"),
            Country(isoCode: "LK", callingCode: 94, nationalLengths: 9...9, trunkPrefix: "0"),
            Country(isoCode: "MY", callingCode: 60, nationalLengths: 8...10, trunkPrefix: "0"),
            Country(isoCode: "NG", callingCode: 234, nationalLengths: 8...10, trunkPrefix: "0"),
            Country(isoCode: "NP", callingCode: 977, nationalLengths: 8...10, trunkPrefix: "0"),
            Country(isoCode: "PH", callingCode: 63, nationalLengths: 10...10, trunkPrefix: "0"),
            Country(isoCode: "PK", callingCode: 92, nationalLengths: 10...10, trunkPrefix: "0"),
            Country(isoCode: "SA", callingCode: 966, nationalLengths: 9...9, trunkPrefix: "0"),
            Country(isoCode: "SG", callingCode: 65, nationalLengths: 8...8, trunkPrefix: ""),
            Country(isoCode: "US", callingCode: 1, nationalLengths: 10...10, trunkPrefix: "1"),
            Country(isoCode: "ZA", callingCode: 27, nationalLengths: 9...9, trunkPrefix: "0"),
        ]
        return Dictionary(uniqueKeysWithValues: list.map { ($0.isoCode, $0) })
    }()

    /// National number lengths by calling code, for the countries above (US and CA share +1,
    /// with one length), so that numbers of these countries are checked wherever they appear.
    public static let nationalLengths: [Int: ClosedRange<Int>] = {
        var lengths: [Int: ClosedRange<Int>] = [:]
        for country in known.values { lengths[country.callingCode] = country.nationalLengths }
        return lengths
    }()

    /// The same by calling code (< 1000) as an array, for the request path.
    static let nationalLengthsByCode: [ClosedRange<Int>?] = {
        var table = [ClosedRange<Int>?](repeating: nil, count: 1000)
        for (code, lengths) in nationalLengths { table[code] = lengths }
        return table
    }()

    /// The trunk prefix as digit values.
    let trunkDigits: [UInt8]

    public init(isoCode: String, callingCode: Int, nationalLengths: ClosedRange<Int>, trunkPrefix: String) {
        self.isoCode = isoCode
        self.callingCode = callingCode
        self.nationalLengths = nationalLengths
        self.trunkPrefix = trunkPrefix
        trunkDigits = trunkPrefix.utf8.map { $0 - UInt8(ascii: "0") }
    }
}
