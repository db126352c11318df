/// A home country: how national numbers (`09845012345`) in requests and in diagnostics'
/// suggestions become E.164, read as libphonenumber reads them with this country as the
/// default region. Only countries whose numbering plan is generated (see `NumberingPlan`)
/// are listed, so that `country:` can also check the length of home numbers.
public struct Country: Sendable, Hashable {
    // Only trivial fields: a Country is passed on every request, and must cost no
    // reference counting. The plan's automata point into one shared table.
    private let isoBytes: (UInt8, UInt8)
    public let callingCode: Int
    /// How many digits the calling code has.
    let callingCodeDigits: Int
    /// Lengths of the national significant number (the digits after the country code).
    public let nationalLengths: NationalLengths
    let localOnlyLengths: NationalLengths
    let general: DigitAutomaton
    let nationalPrefix: DigitAutomaton
    let internationalPrefix: DigitAutomaton
    /// The calling code's digits as a number's first nibbles (see `RawNumber`), to test
    /// whether a number starts with it without arithmetic.
    let callingCodeNibbles: UInt64
    /// The possible national lengths of every country with this calling code (+1: the
    /// United States' and Canada's), and whether this country's own plan reads numbers of
    /// its code once the code is known (not Canada's: libphonenumber reads +1 with the
    /// United States' plan). Kept here so that reading a home number reads no global.
    private(set) var codeLengths: NationalLengths
    private(set) var readsOwnCode = true
    /// The first steps of the three automata: most numbers are read without a step.
    let generalFirst: DigitAutomaton.FirstSteps
    let nationalPrefixFirst: DigitAutomaton.FirstSteps
    let internationalPrefixFirst: DigitAutomaton.FirstSteps

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
        var nibbles: UInt64 = 0
        for digit in String(plan.callingCode).utf8 { nibbles = nibbles << 4 | UInt64(digit - UInt8(ascii: "0")) }
        callingCodeNibbles = nibbles
        codeLengths = nationalLengths
        generalFirst = general.firstSteps
        nationalPrefixFirst = nationalPrefix.firstSteps
        internationalPrefixFirst = internationalPrefix.firstSteps
    }

    /// ISO 3166-1 alpha-2, upper case.
    public var isoCode: String { String(decoding: [isoBytes.0, isoBytes.1], as: UTF8.self) }

    public static func == (lhs: Country, rhs: Country) -> Bool {
        lhs.isoBytes == rhs.isoBytes && lhs.callingCode == rhs.callingCode
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(isoBytes.0)
        hasher.combine(isoBytes.1)
    }

    public static let india = known["IN"]!

    public static let known: [String: Country] = {
        var countries = NumberingPlan.generated.map(Country.init(plan:))
        for index in countries.indices {
            let sharing = countries.filter { $0.callingCode == countries[index].callingCode }
            countries[index].codeLengths = NationalLengths(mask: sharing.reduce(0) { $0 | $1.nationalLengths.mask })
            // +1 is read with the United States' plan, as libphonenumber's main country of +1.
            countries[index].readsOwnCode = sharing.count == 1 || countries[index].isoCode == "US"
        }
        return Dictionary(uniqueKeysWithValues: countries.map { ($0.isoCode, $0) })
    }()

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
        for country in known.values { table[country.callingCode] = country.codeLengths }
        return table
    }()

    /// The possible national lengths of `+code` numbers, when the code's plan is generated.
    public static func nationalLengths(forCallingCode code: Int) -> NationalLengths? {
        code > 0 && code < 1000 ? lengthsByCallingCode[code] : nil
    }

    /// The countries whose plans hold `+code` numbers (two for +1), by calling codes below
    /// 1000: list files check a million numbers against them.
    private static let sharingByCallingCode: [[Country]] = {
        var table = [[Country]](repeating: [], count: 1000)
        for country in known.values.sorted(by: { $0.isoCode > $1.isoCode }) { table[country.callingCode].append(country) }
        return table
    }()

    /// The countries whose plans hold `+code` numbers (empty when none is generated).
    static func sharing(callingCode code: Int) -> [Country] {
        code > 0 && code < 1000 ? sharingByCallingCode[code] : []
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
