/// Reading a raw number as libphonenumber's `parse` does with the home country as the
/// default region, then keeping it only when its national number has a possible length.
/// The steps and their names follow `phonenumberutil.py`, so that the differential test
/// (`scripts/phonenumbers-diff.py`) can be read beside it. Countries are borrowed, never
/// copied: a copy of one is a hundred bytes, on every number of every request.
extension RawNumber {
    /// The E.164 number these digits mean in `home`, or nil when they are no number we can
    /// place: `+CC...` and `IDD CC...` as written; otherwise always a number of `home`
    /// (a national number with or without its trunk prefix, or the home calling code and a
    /// national number), never another country's.
    public func e164(home: borrowing Country) -> PhoneNumber? {
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
    @inline(__always)
    private func afterInternationalPrefix(home: borrowing Country) -> Int? {
        // Most numbers start with two digits no international prefix starts with.
        let first = home.internationalPrefixFirst
        if count >= 2 && first.diesByTwo(digit(0), digit(1)) { return nil }
        guard let end = home.internationalPrefix.prefixEnd(in: self, from: 0) else { return nil }
        return end < count && digit(end) == 0 ? nil : end
    }

    /// After `+` or an international prefix: a calling code, then a national number read
    /// with that code's plan.
    private func international(from start: Int) -> PhoneNumber? {
        // `TOO_SHORT_AFTER_IDD`.
        guard count - start > 2, let (code, codeDigits) = callingCode(at: start) else { return nil }
        guard let plan = Country.reader(forCallingCode: code) else { return asWritten(code: code, from: start + codeDigits) }
        return significant(from: start + codeDigits, plan: plan)
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
    @inline(__always)
    private func national(home: borrowing Country) -> PhoneNumber? {
        if let start = afterHomeCallingCode(home: home) { return significant(afterHomeCodeFrom: start, home: home) }
        return significant(from: 0, plan: home)
    }

    /// The home calling code was dropped: libphonenumber reads the rest with the code's
    /// main country (the United States for +1, even at home in Canada).
    private func significant(afterHomeCodeFrom start: Int, home: borrowing Country) -> PhoneNumber? {
        if home.readsOwnCode { return significant(from: start, plan: home) }
        guard let plan = Country.reader(forCallingCode: home.callingCode) else { return nil }
        return significant(from: start, plan: plan)
    }

    /// Where the national number starts when the digits start with the home calling code
    /// and, without it (and a national prefix after it), the number matches the plan while
    /// the whole did not, or the whole is too long.
    @inline(__always)
    private func afterHomeCallingCode(home: borrowing Country) -> Int? {
        let codeDigits = home.callingCodeDigits
        guard starts(with: home.callingCodeNibbles, count: codeDigits) else { return nil }
        let start = afterNationalPrefix(from: codeDigits, plan: home)
        let general = home.general
        let better = !general.matches(self, from: 0, to: count) && general.matches(self, from: start, to: count)
        let tooLong = home.lengthVerdict(count) == .tooLong
        return better || tooLong ? start : nil
    }

    /// `+` followed by an unknown calling code: libphonenumber tries the digits again as
    /// if there were no `+`, and keeps them only when an international prefix or the home
    /// calling code then gives a calling code.
    private func countryCodeWithoutPlus(home: borrowing Country) -> PhoneNumber? {
        if let start = afterInternationalPrefix(home: home) { return international(from: start) }
        guard let start = afterHomeCallingCode(home: home) else { return nil }
        return significant(afterHomeCodeFrom: start, home: home)
    }

    /// Where the national number starts once a national prefix at `start` is dropped
    /// (`_maybe_strip_national_prefix_carrier_code`): not dropped when the number matched
    /// the plan with it and does not without it.
    @inline(__always)
    private func afterNationalPrefix(from start: Int, plan: borrowing Country) -> Int {
        guard start < count else { return start }
        // The usual cases without a step: no national prefix starts with the first digit;
        // or a one-digit prefix (`0`) is there, and no number of the plan starts with it
        // and the next digit, so the number is no viable one with it.
        let first = UInt16(1) << UInt16(digit(start))
        let prefixSteps = plan.nationalPrefixFirst, generalSteps = plan.generalFirst
        if prefixSteps.deadFirst & first != 0 { return start }
        if prefixSteps.acceptsFirst & first != 0,
           generalSteps.deadFirst & first != 0 || (start + 1 < count && generalSteps.diesByTwo(digit(start), digit(start + 1))) {
            return start + 1
        }
        guard let end = plan.nationalPrefix.prefixEnd(in: self, from: start) else { return start }
        let general = plan.general
        if general.matches(self, from: start, to: count) && !general.matches(self, from: end, to: count) { return start }
        return end
    }

    /// The national significant number from digit `start`, read with `plan` (the calling
    /// code's): a national prefix dropped when what remains has a possible length (or is
    /// too long), as `parse` does last. Ringplan then keeps numbers whose national part has
    /// a possible length in a country of the code (libphonenumber's `is_possible_number`).
    /// libphonenumber knows national numbers longer than E.164's 15 digits (Germany,
    /// Indonesia: 19 digits at most with the code, which a UInt64 holds).
    @inline(__always)
    private func significant(from start: Int, plan: borrowing Country) -> PhoneNumber? {
        // `_MIN_LENGTH_FOR_NSN`.
        guard count - start >= 2 else { return nil }
        var start = start
        let stripped = afterNationalPrefix(from: start, plan: plan)
        switch plan.lengthVerdict(count - stripped) {
        case .possible, .tooLong: start = stripped
        case .possibleLocalOnly, .tooShort, .invalidLength: break
        }
        let length = count - start
        guard plan.codeLengths.contains(length) else { return nil }
        return PhoneNumber(value: UInt64(plan.callingCode) &* E164.pow10(length) &+ value(from: start))
    }

    /// A calling code without a generated plan: the digits after it as written, 7 to 15
    /// digits in all.
    private func asWritten(code: Int, from start: Int) -> PhoneNumber? {
        let length = count - start
        let codeDigits = code < 10 ? 1 : code < 100 ? 2 : 3
        guard length >= 2, codeDigits + length <= ConnectLimits.maxE164Digits,
              codeDigits + length >= ConnectLimits.minE164Digits else { return nil }
        return PhoneNumber(value: UInt64(code) &* E164.pow10(length) &+ value(from: start))
    }
}
