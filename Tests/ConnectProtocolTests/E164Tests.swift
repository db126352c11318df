import ConnectProtocol
import Testing

@Suite struct E164Tests {
    let india = Country.india

    @Test func parsesValidNumbers() throws {
        #expect(try E164.parse("+919845012345").get().description == "+919845012345")
        #expect(try E164.parse("+12125550100").get().digits == "12125550100")
        #expect(try E164.parse("+442071838750").get().value == 442_071_838_750)
    }

    @Test func reportsEachProblem() {
        #expect(E164.parse("09845012345") == .failure(.notE164))
        #expect(E164.parse("+91 98450 12345") == .failure(.notE164))
        #expect(E164.parse("+") == .failure(.notE164))
        #expect(E164.parse("+9198450123451234") == .failure(.tooLong(digits: 16)))
        #expect(E164.parse("+2812345678") == .failure(.unassignedCountryCode))
        #expect(E164.parse("+0123456789") == .failure(.unassignedCountryCode))
        #expect(E164.parse("+35012") == .failure(.tooShort(digits: 5)))
        // Nine digits are a possible length in India (8 to 13), but its numbers that start
        // with 984 have ten.
        #expect(E164.parse("+91984501234") == .failure(.wrongNationalLength(callingCode: 91, leading: "984", expected: NationalLengths(mask: 1 << 10), found: 9)))
        // Seven digits are dialled locally only.
        #expect(E164.parse("+911234567") == .failure(.wrongNationalLength(callingCode: 91, leading: "", expected: NationalLengths(mask: 0x3f00), found: 7)))
        #expect(E164.parse("+911") == .failure(.tooShort(digits: 3)))
        #expect(E164.parse("+910123456789") == .failure(.notInNumberingPlan(callingCode: 91)))
        // Past 19 digits the running value wraps; the length is reported, not a wrong number.
        #expect(E164.parse("+" + String(repeating: "9", count: 25)) == .failure(.tooLong(digits: 25)))
        #expect(E164.parse("+91984501234a") == .failure(.notE164))
        #expect(E164.parse("+9") == .failure(.tooShort(digits: 1)))
    }

    @Test func numbersOutsideTheirCountrysPlan() {
        // Nine digits are a possible length in India (8 to 13), but its numbers that start
        // with 984 have ten.
        #expect(E164.parse("+91984501234") == .failure(.wrongNationalLength(callingCode: 91, leading: "984", expected: NationalLengths(mask: 1 << 10), found: 9)))
        // Seven digits are dialled locally only.
        #expect(E164.parse("+911234567") == .failure(.wrongNationalLength(callingCode: 91, leading: "", expected: NationalLengths(mask: 0x3f00), found: 7)))
        #expect(E164.parse("+911") == .failure(.tooShort(digits: 3)))
        #expect(E164.parse("+910123456789") == .failure(.notInNumberingPlan(callingCode: 91)))
    }

    @Test func numberingPlansForGeneratedCountriesOnly() throws {
        // +1 is the United States' and Canada's: 10 digits, or Canada's 7-digit 310 numbers.
        #expect(E164.parse("+1212555010") == .failure(.wrongNationalLength(callingCode: 1, leading: "", expected: NationalLengths(mask: 1 << 7 | 1 << 10), found: 9)))
        #expect(E164.parse("+12125550") == .failure(.wrongNationalLength(callingCode: 1, leading: "212", expected: NationalLengths(mask: 1 << 10), found: 7)))
        #expect((try? E164.parse("+13105490").get()) != nil)
        // A country whose plan we do not hold: E.164's own rules only.
        #expect((try? E164.parse("+3531234").get()) != nil)
    }

    @Test(arguments: [
        ("09845012345", "+919845012345"), ("+919845012345", "+919845012345"), ("00919845012345", "+919845012345"),
        ("919845012345", "+919845012345"), ("9845012345", "+919845012345"), ("098450-12345", "+919845012345"),
        ("+1 (212) 555-0100", "+12125550100"), ("0012125550100", "+12125550100"), ("08047112345", "+918047112345"),
    ])
    func normalizesRealTraffic(_ input: String, _ expected: String) {
        #expect(E164.normalize(input[...], home: india)?.description == expected)
    }

    @Test(arguments: ["", "abc", "sip:agent@example.com", "0", "12345", "+2812345678", "099013206911234567"])
    func normalizeRejectsWhatItCannotPlace(_ input: String) {
        #expect(E164.normalize(input[...], home: india) == nil)
    }

    @Test func countryCodes() {
        #expect(CountryCallingCodes.code(startingWith: "919845012345") == 91)
        #expect(CountryCallingCodes.code(startingWith: "12125550100") == 1)
        #expect(CountryCallingCodes.code(startingWith: "9715000000") == 971)
        #expect(CountryCallingCodes.code(startingWith: "2812") == nil)
        #expect(CountryCallingCodes.canBegin("9"))
        #expect(CountryCallingCodes.canBegin("97"))
        #expect(!CountryCallingCodes.canBegin("28"))
        #expect(!CountryCallingCodes.canBegin("0"))
    }

    @Test func powersAndDigitCounts() {
        var power: UInt64 = 1
        for exponent in 0...19 {
            #expect(E164.pow10(exponent) == power)
            #expect(E164.digitCount(power) == exponent + 1)
            if exponent > 0 { #expect(E164.digitCount(power - 1) == exponent) }
            if exponent < 19 { power *= 10 }
        }
        #expect(E164.digitCount(0) == 0)
        #expect(E164.digitCount(919_876_500_001) == 12)
        #expect(E164.digitCount(UInt64.max) == 20)
    }
}
