/// A home country: how national numbers (`09845012345`) in requests and in diagnostics'
/// suggestions become E.164, read as libphonenumber reads them with this country as the
/// default region. Only countries whose numbering plan is generated (see `NumberingPlan`)
/// are listed, so that `country:` can also check the length of home numbers.
public struct Country: Sendable, Hashable {
    // Only trivial fields: a Country is passed on every request, and must cost no
    // reference counting. The plan's automata are indexes into shared tables.
    private let isoBytes: (UInt8, UInt8)
    public let callingCode: Int
    /// How many digits the calling code has.
    let callingCodeDigits: Int
    /// Lengths of the national significant number (the digits after the country code).
    public let nationalLengths: NationalLengths
    let localOnlyLengths: NationalLengths
    let general: DigitAutomaton
    let nationalPrefix: DigitAutomaton?
    let internationalPrefix: DigitAutomaton?
    /// The trunk prefix written before national numbers (`0`), one digit or none.
    private let trunkDigit: Int8

    init(plan: NumberingPlan) {
        let iso = Array(plan.isoCode.utf8)
        precondition(iso.count == 2, "ISO 3166 alpha-2 codes have two letters")
        isoBytes = (iso[0], iso[1])
        callingCode = plan.callingCode
        callingCodeDigits = plan.callingCode < 10 ? 1 : plan.callingCode < 100 ? 2 : 3
        nationalLengths = NationalLengths(mask: plan.possibleLengths)
        localOnlyLengths = NationalLengths(mask: plan.localOnlyLengths)
        general = plan.general
        nationalPrefix = plan.nationalPrefix
        internationalPrefix = plan.internationalPrefix
        precondition(plan.trunkPrefix.count <= 1, "trunk prefixes of the supported countries are one digit")
        trunkDigit = plan.trunkPrefix.first.flatMap { $0.wholeNumberValue }.map(Int8.init) ?? -1
    }

    /// ISO 3166-1 alpha-2, upper case.
    public var isoCode: String { String(decoding: [isoBytes.0, isoBytes.1], as: UTF8.self) }
    public var trunkPrefix: String { trunkDigit < 0 ? "" : String(trunkDigit) }

    public static func == (lhs: Country, rhs: Country) -> Bool {
        lhs.isoBytes == rhs.isoBytes && lhs.callingCode == rhs.callingCode
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(isoBytes.0)
        hasher.combine(isoBytes.1)
    }

    public static let india = known["IN"]!

    public static let known: [String: Country] = Dictionary(
        uniqueKeysWithValues: NumberingPlan.generated.map { ($0.isoCode, Country(plan: $0)) })

    /// The country whose plan reads numbers of a calling code (+1 is read with the United
    /// States' plan, as libphonenumber does), indexed by calling codes below 1000.
    static let byCallingCode: [Country?] = {
        var table = [Country?](repeating: nil, count: 1000)
        for country in known.values.sorted(by: { $0.isoCode < $1.isoCode }) where table[country.callingCode] == nil || country.isoCode == "US" {
            table[country.callingCode] = country
        }
        return table
    }()

    /// The possible national lengths of `+code` numbers in every country with the code
    /// whose plan is generated (+1: the United States' and Canada's), by calling codes below
    /// 1000: a number is possible when one of them says so.
    static let lengthsByCallingCode: [NationalLengths?] = {
        var table = [NationalLengths?](repeating: nil, count: 1000)
        for country in known.values {
            let mask = (table[country.callingCode]?.mask ?? 0) | country.nationalLengths.mask
            table[country.callingCode] = NationalLengths(mask: mask)
        }
        return table
    }()

    /// The possible national lengths of `+code` numbers, when the code's plan is generated.
    public static func nationalLengths(forCallingCode code: Int) -> NationalLengths? {
        code > 0 && code < 1000 ? lengthsByCallingCode[code] : nil
    }

    /// The countries whose plans hold `+code` numbers (two for +1).
    static func sharing(callingCode code: Int) -> [Country] {
        known.values.filter { $0.callingCode == code }.sorted { $0.isoCode > $1.isoCode }
    }

    /// Whether some number of the plan of `+code` starts with national `digits` (ASCII);
    /// nil when the code's plan is not generated.
    public static func numbersCanStart(with digits: some Collection<UInt8>, callingCode code: Int) -> Bool? {
        let plans = sharing(callingCode: code)
        guard !plans.isEmpty else { return nil }
        return plans.contains { $0.general.lengths(ofWordsStartingWith: digits).mask & $0.nationalLengths.mask != 0 }
    }

    /// The plan that reads numbers with calling code `code` once the code is known: the
    /// code's main country (the United States for +1, even in Canada, as libphonenumber
    /// does), or nil for a country whose plan is not generated.
    @inline(__always)
    static func reader(forCallingCode code: Int) -> Country? {
        code > 0 && code < 1000 ? byCallingCode[code] : nil
    }
}
