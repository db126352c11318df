#!/usr/bin/env python3
"""Differential test of how Ringplan reads numbers, against Python's `phonenumbers` (a port
of Google's libphonenumber) as an independent oracle.

For each of the 20 supported home countries and each number type its metadata describes
(fixed line, mobile, toll free, premium rate, shared cost, VoIP, UAN, ...), numbers are
generated from the type's pattern and kept when `phonenumbers` calls them valid. Each is
written as Exotel or a person might send it (E.164, international format, national
format, national digits, with the country's international prefix, with the bare calling
code) and also slightly broken (a digit dropped or added), beside random digit strings. `ringplan number --country CC`
reads them all, and:

- on every text `phonenumbers` parses to a valid number, Ringplan must give the same
  E.164 number;
- Ringplan must never read a text as a number of another country than the one
  `phonenumbers` reads it as (for texts it cannot parse: than the home country, unless
  the text starts with `+` or an international prefix).

    python3 scripts/phonenumbers-diff.py .build/debug/ringplan [--per-type 40] [--seed 1]

Exit status 0 when there is no disagreement, 1 otherwise (each printed).
"""
import argparse
import importlib.util
import os
import random
import subprocess
import sys

import phonenumbers
from phonenumbers import PhoneMetadata, PhoneNumberFormat, PhoneNumberType

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("plans", os.path.join(here, "gen-numbering-plans.py"))
plans = importlib.util.module_from_spec(spec)
spec.loader.exec_module(plans)
sre_parse, sre_constants = plans.sre_parse, plans.sre_constants

TYPES = {
    "fixed_line": PhoneNumberType.FIXED_LINE, "mobile": PhoneNumberType.MOBILE,
    "toll_free": PhoneNumberType.TOLL_FREE, "premium_rate": PhoneNumberType.PREMIUM_RATE,
    "shared_cost": PhoneNumberType.SHARED_COST, "personal_number": PhoneNumberType.PERSONAL_NUMBER,
    "voip": PhoneNumberType.VOIP, "pager": PhoneNumberType.PAGER, "uan": PhoneNumberType.UAN,
    "voicemail": PhoneNumberType.VOICEMAIL,
}


def sample(items, rnd):
    """A random string of the regular expression `items` (sre_parse's tree)."""
    out = []
    for op, arg in items:
        if op == sre_constants.LITERAL:
            out.append(chr(arg))
        elif op == sre_constants.IN:
            out.append(rnd.choice(sorted(plans.digits_of_set(arg))))
        elif op == sre_constants.CATEGORY:
            out.append(rnd.choice(plans.DIGITS))
        elif op == sre_constants.SUBPATTERN:
            out.append(sample(arg[-1], rnd))
        elif op == sre_constants.BRANCH:
            out.append(sample(rnd.choice(arg[1]), rnd))
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
            low, high, sub = arg
            high = low + 4 if high == sre_constants.MAXREPEAT else high
            out.extend(sample(sub, rnd) for _ in range(rnd.randint(low, high)))
        else:
            raise SystemExit(f"unsupported pattern item {op}")
    return "".join(out)


def valid_numbers(region, meta, desc, kind, count, rnd):
    tree = sre_parse.parse(desc.national_number_pattern)
    found, tries = {}, 0
    while len(found) < count and tries < count * 200:
        tries += 1
        national = sample(tree, rnd)
        if desc.possible_length and len(national) not in desc.possible_length:
            continue
        number = phonenumbers.parse(f"+{meta.country_code}{national}")
        found_kind = phonenumbers.number_type(number)
        # Where fixed-line and mobile numbers look alike (US, CA), the type is both.
        if found_kind == PhoneNumberType.FIXED_LINE_OR_MOBILE and kind in (PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE):
            found_kind = kind
        if phonenumbers.is_valid_number_for_region(number, region) and found_kind == kind:
            found[national] = number
    return list(found.values())


def written_forms(number, meta, rnd):
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    digits = "".join(c for c in national if c.isdigit())
    idd = meta.preferred_international_prefix or meta.international_prefix
    forms = {
        "e164": e164,
        "international": phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL),
        "national": national,
        "national digits": digits,
        "bare calling code": e164[1:],
    }
    if idd and idd.isdigit():
        forms["international prefix"] = idd + e164[1:]
    position = rnd.randrange(len(digits))
    forms["digit dropped"] = digits[:position] + digits[position + 1:]
    forms["digit added"] = digits[:position] + rnd.choice(plans.DIGITS) + digits[position:]
    return forms


SUPPORTED_CODES = {PhoneMetadata.metadata_for_region(region).country_code for region in plans.REGIONS}


def calling_code(e164):
    for digits in (1, 2, 3):
        if int(e164[1:1 + digits]) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            return int(e164[1:1 + digits])
    return e164[1:4] + "?"


def oracle(text, region):
    """(E.164 or None, valid, calling code or None) as phonenumbers reads `text`."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None, False, None
    return phonenumbers.format_number(number, PhoneNumberFormat.E164), phonenumbers.is_valid_number(number), number.country_code


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ringplan", help="the ringplan binary")
    parser.add_argument("--per-type", type=int, default=300, help="valid numbers per country and type")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rnd = random.Random(args.seed)

    numbers = compared = agreed = 0
    problems = []
    per_type = {}
    for region in plans.REGIONS:
        meta = PhoneMetadata.metadata_for_region(region)
        cases = []  # (text, form, type)
        for name, kind in TYPES.items():
            desc = getattr(meta, name)
            if desc is None or not desc.national_number_pattern:
                continue
            generated = valid_numbers(region, meta, desc, kind, args.per_type, rnd)
            per_type[(region, name)] = len(generated)
            numbers += len(generated)
            for number in generated:
                for form, text in written_forms(number, meta, rnd).items():
                    cases.append((text, form, name))
        # Digit strings of no particular shape, some with a leading 0 or 00.
        for _ in range(args.per_type * 4):
            text = rnd.choice(["", "0", "00", "1"]) + "".join(rnd.choice(plans.DIGITS) for _ in range(rnd.randint(4, 16)))
            cases.append((text, "random digits", "none"))
        result = subprocess.run([args.ringplan, "number", "--country", region],
                                input="".join(text + "\n" for text, _, _ in cases),
                                capture_output=True, text=True, check=True)
        answers = result.stdout.split("\n")[:-1]
        assert len(answers) == len(cases), f"{region}: {len(answers)} answers to {len(cases)} numbers"
        for (text, form, name), answer in zip(cases, answers):
            ours = None if answer == "-" else answer
            expected, valid, code = oracle(text, region)
            if valid and code not in SUPPORTED_CODES:
                # A number of a country without a generated plan, after `+` or an
                # international prefix: Ringplan takes the digits after the code as written
                # (libphonenumber would drop that country's national prefix written there).
                continue
            if valid:
                compared += 1
                if ours == expected:
                    agreed += 1
                else:
                    problems.append(f"{region} {name} {form} `{text}`: phonenumbers {expected} (valid), ringplan {ours or 'none'}")
                continue
            if ours is None:
                continue
            ours_code = calling_code(ours)
            international = text.startswith("+") or form == "international prefix"
            allowed = code if code is not None else (None if international else meta.country_code)
            if allowed is not None and ours_code != allowed:
                problems.append(f"{region} {name} {form} `{text}`: read as {ours}, a +{ours_code} number; phonenumbers: {expected or 'no number'} (+{allowed})")

    empty = [f"{region} {name}" for (region, name), count in per_type.items() if count == 0]
    print(f"phonenumbers {phonenumbers.__version__}: {numbers} valid numbers of {len(per_type) - len(empty)} country types "
          f"({len(plans.REGIONS)} countries), {compared} texts phonenumbers reads as valid, {agreed} read alike, "
          f"{len(problems)} disagreements")
    by_type = {}
    for (region, name), count in per_type.items():
        by_type[name] = by_type.get(name, 0) + count
    print("numbers by type:", ", ".join(f"{name} {count}" for name, count in sorted(by_type.items(), key=lambda item: -item[1])))
    if empty:
        print("types without a valid generated number:", ", ".join(empty))
    for problem in problems[:50]:
        print("  " + problem)
    if numbers < 5000:
        print(f"only {numbers} numbers generated; at least 5,000 are required")
        return 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
