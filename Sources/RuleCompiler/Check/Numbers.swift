import ConnectProtocol
import Routing

/// Numbers and prefixes as rule files and list files write them, checked against E.164 and
/// the home country. Pure, so that list files of a million lines can share it.
enum Numbers {
    typealias Problem = Values.Problem

    static func looksLikeNumber(_ text: String) -> Bool {
        guard let first = text.utf8.first else { return false }
        return first == UInt8(ascii: "+") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9"))
    }

    /// A number, or a prefix when it ends in `*`.
    static func atom(_ text: String, home: Country) -> Result<NumberAtom, Problem> {
        if text.utf8.last == UInt8(ascii: "*") { return prefix(text, home: home).map(NumberAtom.prefix) }
        return number(text, home: home).map(NumberAtom.number)
    }

    /// An E.164 number; a national one gets its E.164 form as the help.
    static func number(_ text: String, home: Country) -> Result<PhoneNumber, Problem> {
        E164.parse(text[...]).mapError { problem in
            switch problem {
            case .notE164:
                return Problem(code: .invalidNumber, message: "`\(text)` is not an E.164 number",
                               help: E164.normalize(text[...], home: home).map { "did you mean `\($0)`?" }
                                   ?? "write numbers in E.164: `+`, the country code, then the number, such as \"+919876500001\"")
            case .tooShort(let digits):
                return Problem(code: .invalidNumber, message: "`\(text)` has \(digits) digits; numbers in service have at least \(ConnectLimits.minE164Digits), country code included")
            case .tooLong(let digits):
                return Problem(code: .invalidNumber, message: "`\(text)` has \(digits) digits; E.164 numbers have at most \(ConnectLimits.maxE164Digits)")
            case .unassignedCountryCode:
                return Problem(code: .unassignedCountryCode, message: "`\(text)` does not start with an assigned country calling code",
                               help: E164.normalize(text.dropFirst(), home: home).map { "did you mean `\($0)`?" })
            case .wrongNationalLength(let code, let leading, let expected, let found):
                let numbers = leading.isEmpty ? "+\(code) numbers" : "+\(code) numbers that start with \(leading)"
                return Problem(code: .nationalLength,
                               message: "`\(text)` is not a valid number: \(numbers) have \(expected) digits after the country code, this has \(found)",
                               help: "check for a missing or extra digit")
            case .notInNumberingPlan(let code):
                return Problem(code: .nationalLength,
                               message: "`\(text)` is not a valid number: no +\(code) number range holds it",
                               help: "check the digits; Ringplan knows each supported country's number ranges from libphonenumber")
            }
        }
    }

    /// A prefix `+digits*`: its digits, unless it is malformed or can never match a valid number.
    static func prefix(_ text: String, home: Country) -> Result<String, Problem> {
        let body = text.dropLast()
        guard body.first == "+", body.count > 1, body.dropFirst().allSatisfy(\.isASCIIDigit) else {
            return .failure(Problem(code: .invalidNumber, message: "`\(text)` is not a number prefix",
                                    help: E164.normalize(body, home: home).map { "did you mean `\($0)*`?" }
                                        ?? "a prefix is `+`, the first digits of the number, then `*`, such as \"+9198450199*\""))
        }
        let digits = body.dropFirst()
        let code = CountryCallingCodes.code(startingWith: digits)
        let national = code.map { digits.dropFirst(String($0).count) }
        let never: String?
        if digits.count > ConnectLimits.maxE164Digits {
            never = "it has \(digits.count) digits, and E.164 numbers have at most \(ConnectLimits.maxE164Digits)"
        } else if !CountryCallingCodes.canBegin(digits) {
            never = "no assigned country calling code starts with these digits"
        } else if let code, let national, let lengths = Country.nationalLengths(forCallingCode: code), national.count > lengths.longest {
            never = "+\(code) numbers have at most \(lengths.longest) digits after the country code"
        } else if let code, let national, !national.isEmpty, Country.numbersCanStart(with: national.utf8, callingCode: code) == false {
            never = "no +\(code) number range starts with \(national)"
        } else {
            never = nil
        }
        if let never {
            return .failure(Problem(code: .prefixNeverMatches, message: "prefix `\(text)` can never match: \(never)"))
        }
        return .success(String(digits))
    }
}
