/// Reading a raw number as libphonenumber's `parse` does with the home country as the
/// default region, then keeping it only when its national number has a possible length.
/// The steps and their names follow `phonenumberutil.py`, so that the differential test
/// (`scripts/phonenumbers-diff.py`) can be read beside it.
extension RawNumber {
    /// The E.164 number these digits mean in `home`, or nil when they are no number we can
    /// place: `+CC...` and `IDD CC...` as written; otherwise always a number of `home`
    /// (a national number with or without its trunk prefix, or the home calling code and a
    /// national number), never another country's.
    public func e164(home: Country) -> PhoneNumber? {
        if plus {
            if let number = international(from: 0) { return number }
            // libphonenumber reads an unknown code after `+` once more without the `+`,
            // and keeps it only when it then finds a calling code.
            return countryCodeWithoutPlus(home: home)
        }
        if let start = afterInternationalPrefix(home: home) { return international(from: start) }
        return national(home: home)
    }

    /// Where the digits after the home country's international prefix start (`00`, `011`,
    /// `0011`...); nil when there is none, or when a `0` follows it, which no calling code
    /// starts with (`_parse_prefix_as_idd`).
    private func afterInternationalPrefix(home: Country) -> Int? {
        guard let idd = home.internationalPrefix, let end = idd.prefixEnd(in: self, from: 0) else { return nil }
        return end < count && digit(end) == 0 ? nil : end
    }

    /// After `+` or an international prefix: a calling code, then a national number read
    /// with that code's plan.
    private func international(from start: Int) -> PhoneNumber? {
        // `TOO_SHORT_AFTER_IDD`.
        guard count - start > 2, let (code, codeDigits) = callingCode(at: start) else { return nil }
        return significant(code: code, from: start + codeDigits, plan: Country.reader(forCallingCode: code))
    }

    /// The assigned calling code that starts at digit `start` (codes are prefix-free).
    private func callingCode(at start: Int) -> (code: Int, digits: Int)? {
        guard digit(start) != 0 else { return nil }
        var code = 0
        for index in start..<min(start + 3, count) {
            code = code * 10 + digit(index)
            if CountryCallingCodes.assigned[code] { return (code, index - start + 1) }
        }
        return nil
    }

    /// A number without `+` or international prefix: the home country's. When it starts
    /// with the home calling code, the code is dropped if the rest reads better as a
    /// national number (`_maybe_extract_country_code`).
    private func national(home: Country) -> PhoneNumber? {
        if let start = afterHomeCallingCode(home: home) {
            return significant(code: home.callingCode, from: start, plan: Country.reader(forCallingCode: home.callingCode))
        }
        return significant(code: home.callingCode, from: 0, plan: home)
    }

    /// Where the national number starts when the digits start with the home calling code
    /// and, without it (and a national prefix after it), the number matches the plan while
    /// the whole did not, or the whole is too long.
    private func afterHomeCallingCode(home: Country) -> Int? {
        let codeDigits = home.callingCodeDigits
        guard count > codeDigits, value(from: 0, to: codeDigits) == UInt64(home.callingCode) else { return nil }
        let start = afterNationalPrefix(from: codeDigits, plan: home)
        let better = !home.general.matches(self, from: 0, to: count) && home.general.matches(self, from: start, to: count)
        return better || home.lengthVerdict(count) == .tooLong ? start : nil
    }

    /// `+` followed by an unknown calling code: libphonenumber tries the digits again as
    /// if there were no `+`, and keeps them only when an international prefix or the home
    /// calling code then gives a calling code.
    private func countryCodeWithoutPlus(home: Country) -> PhoneNumber? {
        if let start = afterInternationalPrefix(home: home) { return international(from: start) }
        guard let start = afterHomeCallingCode(home: home) else { return nil }
        return significant(code: home.callingCode, from: start, plan: Country.reader(forCallingCode: home.callingCode))
    }

    /// Where the national number starts once a national prefix at `start` is dropped
    /// (`_maybe_strip_national_prefix_carrier_code`): not dropped when the number matched
    /// the plan with it and does not without it.
    private func afterNationalPrefix(from start: Int, plan: Country) -> Int {
        guard start < count, let prefix = plan.nationalPrefix, let end = prefix.prefixEnd(in: self, from: start) else { return start }
        if plan.general.matches(self, from: start, to: count) && !plan.general.matches(self, from: end, to: count) { return start }
        return end
    }

    /// The national significant number from digit `start`, after `code`: a national
    /// prefix dropped when what remains has a possible length (or is too long), as `parse`
    /// does last. Ringplan then keeps numbers whose national part has a possible length in
    /// a country of the code (libphonenumber's `is_possible_number`); for a code without a
    /// generated plan, numbers of 7 to 15 digits as written.
    private func significant(code: Int, from start: Int, plan: Country?) -> PhoneNumber? {
        // `_MIN_LENGTH_FOR_NSN`.
        guard count - start >= 2 else { return nil }
        var start = start
        if let plan {
            let stripped = afterNationalPrefix(from: start, plan: plan)
            switch plan.lengthVerdict(count - stripped) {
            case .possible, .tooLong: start = stripped
            case .possibleLocalOnly, .tooShort, .invalidLength: break
            }
        }
        let length = count - start
        let codeDigits = code < 10 ? 1 : code < 100 ? 2 : 3
        if let lengths = Country.nationalLengths(forCallingCode: code) {
            // libphonenumber knows national numbers longer than E.164's 15 digits (Germany,
            // Indonesia: 19 digits at most with the code, which a UInt64 holds).
            guard lengths.contains(length) else { return nil }
        } else {
            guard length <= 17, codeDigits + length <= ConnectLimits.maxE164Digits,
                  codeDigits + length >= ConnectLimits.minE164Digits else { return nil }
        }
        return PhoneNumber(value: UInt64(code) &* E164.pow10(length) &+ value(from: start, to: count))
    }
}
