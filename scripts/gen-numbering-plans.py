#!/usr/bin/env python3
"""Writes Sources/ConnectProtocol/Generated/NumberingPlans.swift from the metadata of
Python's `phonenumbers` (a port of Google's libphonenumber): for each supported home
country its calling code, possible national lengths, national and international
prefixes, and its general national-number pattern as a minimal digit automaton.

Those are facts about numbering plans; Ringplan reads numbers with them the way
libphonenumber's `parse` does (see `NumberingPlan.swift`), without regular expressions
on the request path.

    pip install phonenumbers==9.0.43
    python3 scripts/gen-numbering-plans.py > Sources/ConnectProtocol/Generated/NumberingPlans.swift
"""
import sys

try:
    import re._parser as sre_parse
    import re._constants as sre_constants
except ImportError:  # Python before 3.11
    import sre_parse
    import sre_constants

import phonenumbers
from phonenumbers import PhoneMetadata

REGIONS = "IN AE AU BD CA DE FR GB ID KE LK MY NG NP PH PK SA SG US ZA".split()
DIGITS = "0123456789"


# --- regular expression (the subset libphonenumber's metadata uses) -> NFA -> minimal DFA

class NFA:
    def __init__(self):
        self.moves = []  # state -> list of (digit or None for epsilon, target)

    def state(self):
        self.moves.append([])
        return len(self.moves) - 1

    def edge(self, source, digit, target):
        self.moves[source].append((digit, target))


def digits_of_set(items):
    chosen, negate = set(), False
    for op, arg in items:
        if op == sre_constants.LITERAL:
            chosen.add(chr(arg))
        elif op == sre_constants.RANGE:
            chosen.update(chr(c) for c in range(arg[0], arg[1] + 1))
        elif op == sre_constants.CATEGORY and arg == sre_constants.CATEGORY_DIGIT:
            chosen.update(DIGITS)
        elif op == sre_constants.NEGATE:
            negate = True
        else:
            raise SystemExit(f"unsupported set item {op} {arg}")
    chosen &= set(DIGITS)
    return set(DIGITS) - chosen if negate else chosen


def build(nfa, items, start):
    """Adds the pattern `items` after state `start`; returns its end state."""
    current = start
    for op, arg in items:
        if op == sre_constants.LITERAL:
            nxt = nfa.state()
            nfa.edge(current, chr(arg), nxt)
            current = nxt
        elif op == sre_constants.IN:
            nxt = nfa.state()
            for digit in digits_of_set(arg):
                nfa.edge(current, digit, nxt)
            current = nxt
        elif op == sre_constants.CATEGORY and arg == sre_constants.CATEGORY_DIGIT:
            nxt = nfa.state()
            for digit in DIGITS:
                nfa.edge(current, digit, nxt)
            current = nxt
        elif op == sre_constants.SUBPATTERN:
            current = build(nfa, arg[-1], current)
        elif op == sre_constants.BRANCH:
            end = nfa.state()
            for alternative in arg[1]:
                branch = nfa.state()
                nfa.edge(current, None, branch)
                nfa.edge(build(nfa, alternative, branch), None, end)
            current = end
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
            low, high, sub = arg
            for _ in range(low):
                current = build(nfa, sub, current)
            if high == sre_constants.MAXREPEAT:
                loop = nfa.state()
                nfa.edge(current, None, loop)
                nfa.edge(build(nfa, sub, loop), None, loop)
                current = loop
            else:
                end = nfa.state()
                nfa.edge(current, None, end)
                for _ in range(high - low):
                    current = build(nfa, sub, current)
                    nfa.edge(current, None, end)
                current = end
        else:
            raise SystemExit(f"unsupported pattern item {op} {arg}")
    return current


def closure(nfa, states):
    stack, seen = list(states), set(states)
    while stack:
        for digit, target in nfa.moves[stack.pop()]:
            if digit is None and target not in seen:
                seen.add(target)
                stack.append(target)
    return frozenset(seen)


def automaton(pattern):
    """(transitions, accepting): a minimal DFA over digits for the whole pattern; state 0
    starts, -1 is the dead state."""
    nfa = NFA()
    start = nfa.state()
    end = build(nfa, sre_parse.parse(pattern), start)
    first = closure(nfa, [start])
    index, order, table = {first: 0}, [first], []
    while len(table) < len(order):
        subset = order[len(table)]
        row = []
        for digit in DIGITS:
            targets = [t for s in subset for d, t in nfa.moves[s] if d == digit]
            if not targets:
                row.append(-1)
                continue
            nxt = closure(nfa, targets)
            if nxt not in index:
                index[nxt] = len(order)
                order.append(nxt)
            row.append(index[nxt])
        table.append(row)
    accepting = [end in subset for subset in order]
    return minimize(table, accepting)


def minimize(table, accepting):
    """Moore's partition refinement, then states renumbered in breadth-first order."""
    block = [1 if a else 0 for a in accepting]
    while True:
        signature = {}
        new_block = []
        for state, row in enumerate(table):
            key = (block[state],) + tuple(block[t] if t >= 0 else -1 for t in row)
            new_block.append(signature.setdefault(key, len(signature)))
        if len(signature) == len(set(block)):
            break
        block = new_block
    order, seen = [], {block[0]: 0}
    queue = [0]
    representative = {}
    for state in range(len(table)):
        representative.setdefault(block[state], state)
    order.append(block[0])
    while queue:
        state = representative[order[queue.pop(0)]]
        for target in table[state]:
            if target >= 0 and block[target] not in seen:
                seen[block[target]] = len(order)
                order.append(block[target])
                queue.append(len(order) - 1)
    rows, accept = [], []
    for b in order:
        state = representative[b]
        rows.append([seen[block[t]] if t >= 0 else -1 for t in table[state]])
        accept.append(accepting[state])
    return rows, accept


def prefix_free(rows, accept):
    """Whether no accepting state leads on to another: the first accepting state a walk
    meets ends the only match, as `re.match` would find it."""
    for state, row in enumerate(rows):
        if accept[state] and any(t >= 0 for t in row):
            return False
    return True


# --- output

DEAD = 0x7FFF
ACCEPTS = 0x8000


def swift_automaton(name, pattern, out, prefix):
    rows, accept = automaton(pattern)
    if prefix and not prefix_free(rows, accept):
        raise SystemExit(f"{name}: `{pattern}` is not prefix-free; NumberingPlan reads prefixes by their first match")
    if accept[0]:
        raise SystemExit(f"{name}: `{pattern}` matches the empty string")
    start = len(out["transitions"]) // 10
    if start + len(rows) >= DEAD:
        raise SystemExit("too many states for 15-bit state numbers")
    for row in rows:
        out["transitions"].extend(DEAD if t < 0 else (t + start) | (ACCEPTS if accept[t] else 0) for t in row)
    return f"DigitAutomaton(start: {start})"


def lengths_mask(lengths):
    mask = 0
    for length in lengths:
        if length > 0:
            mask |= 1 << length
    return mask


def main():
    out = {"transitions": []}
    plans = []
    for region in REGIONS:
        meta = PhoneMetadata.metadata_for_region(region)
        if meta.national_prefix_transform_rule:
            raise SystemExit(f"{region}: national prefix transform rules are not supported")
        general = meta.general_desc
        national = meta.national_prefix_for_parsing
        idd = meta.international_prefix
        plans.append(
            f"        NumberingPlan(\n"
            f"            isoCode: \"{region}\", callingCode: {meta.country_code},\n"
            f"            possibleLengths: 0x{lengths_mask(general.possible_length):x}, "
            f"localOnlyLengths: 0x{lengths_mask(general.possible_length_local_only):x},\n"
            f"            // {general.national_number_pattern}\n"
            f"            general: {swift_automaton(region, general.national_number_pattern, out, False)},\n"
            f"            // {national or 'none'}\n"
            f"            nationalPrefix: {swift_automaton(region, national, out, True) if national else '.never'},\n"
            f"            // {idd or 'none'}\n"
            f"            internationalPrefix: {swift_automaton(region, idd, out, True) if idd else '.never'}\n"
            f"        ),"
        )

    def rows(values, per_line, fmt):
        lines = []
        for i in range(0, len(values), per_line):
            lines.append("        " + ", ".join(fmt(v) for v in values[i:i + per_line]) + ",")
        return "\n".join(lines)

    print(f"""// Generated by scripts/gen-numbering-plans.py from phonenumbers {phonenumbers.__version__}
// (libphonenumber's metadata). Do not edit: run the script again.

extension NumberingPlan {{
    /// The supported home countries' plans.
    static let generated: [NumberingPlan] = [
{chr(10).join(plans)}
    ]

    /// Every automaton's transitions, ten per state (one per digit): the next state's
    /// number, with bit 15 set when that state accepts; 0x7fff is the dead state.
    static let generatedTransitions: [UInt16] = [
{rows(out["transitions"], 16, lambda v: f"0x{v:04x}")}
    ]
}}
""")


if __name__ == "__main__":
    main()
