/// A home country: how national numbers (`09845012345`) in requests and in diagnostics'
/// suggestions become E.164. Only countries whose national number length we know are listed,
/// so that `country:` can also check the length of home numbers.
public struct Country: Sendable, Hashable {
    // Only trivial fields: a Country is passed on every request, and must cost no
    // reference counting.
    private let isoBytes: (UInt8, UInt8)
    public let callingCode: Int
    /// Lengths of the national significant number (the digits after the country code).
    public let nationalLengths: ClosedRange<Int>
    /// The trunk prefix dialled before a national number inside the country, as a number
    /// of `trunkCount` digits (`0` for India, `1` for the US; none for Singapore).
    let trunkValue: UInt64
    let trunkCount: Int
    /// How many digits the calling code has.
    let callingCodeDigits: Int

    public init(isoCode: String, callingCode: Int, nationalLengths: ClosedRange<Int>, trunkPrefix: String) {
        let iso = Array(isoCode.utf8)
        precondition(iso.count == 2, "ISO 3166 alpha-2 codes have two letters")
        isoBytes = (iso[0], iso[1])
        self.callingCode = callingCode
        self.nationalLengths = nationalLengths
        trunkValue = UInt64(trunkPrefix) ?? 0
        trunkCount = trunkPrefix.count
        callingCodeDigits = String(callingCode).count
    }

    /// ISO 3166-1 alpha-2, upper case.
    public var isoCode: String { String(decoding: [isoBytes.0, isoBytes.1], as: UTF8.self) }
    public var trunkPrefix: String { trunkCount == 0 ? "" : String(trunkValue) }

    public static func == (lhs: Country, rhs: Country) -> Bool {
        lhs.isoBytes == rhs.isoBytes && lhs.callingCode == rhs.callingCode
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(isoBytes.0)
        hasher.combine(isoBytes.1)
    }

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

}
