/// A deterministic automaton over decimal digits: a numbering plan's pattern (from
/// libphonenumber's metadata, see `scripts/gen-numbering-plans.py`) without a regular
/// expression engine. States of every plan live in two shared tables; a plan's automaton is
/// its first state and its count.
public struct DigitAutomaton: Sendable, Hashable {
    /// Index of the start state in the shared tables.
    let start: Int
    let states: Int

    /// Ten transitions per state, one per digit, as absolute state indexes. Written once,
    /// when first read, and never again: safe to share.
    nonisolated(unsafe) private static let transitions: UnsafeBufferPointer<UInt16> = immortal(NumberingPlan.generatedTransitions)
    nonisolated(unsafe) private static let accepting: UnsafeBufferPointer<Bool> = immortal(NumberingPlan.generatedAccepting)
    private static let dead: UInt16 = 0xFFFF

    /// The generated arrays copied once into memory that is never freed, so that a walk
    /// reads plain pointers (an array would be retained and bounds-checked per digit).
    private static func immortal<T>(_ values: [T]) -> UnsafeBufferPointer<T> {
        let memory = UnsafeMutableBufferPointer<T>.allocate(capacity: values.count)
        _ = memory.initialize(from: values)
        return UnsafeBufferPointer(memory)
    }

    /// Whether digits `from..<to` of `number`, all of them, are a word of the pattern.
    @inline(__always)
    func matches(_ number: RawNumber, from: Int, to: Int) -> Bool {
        guard from < to else { return false }
        var state = start
        for index in from..<to {
            let next = Self.transitions[state * 10 + number.digit(index)]
            if next == Self.dead { return false }
            state = Int(next)
        }
        return Self.accepting[state]
    }

    /// Whether ASCII `digits`, all of them, are a word of the pattern.
    func matches(digits: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !digits.isEmpty else { return false }
        var state = start
        for byte in digits {
            let next = Self.transitions[state * 10 + Int(byte &- UInt8(ascii: "0"))]
            if next == Self.dead { return false }
            state = Int(next)
        }
        return Self.accepting[state]
    }

    /// Where the pattern's match starting at digit `from` ends, or nil when none starts
    /// there. The generator checks that these patterns are prefix-free, so the first
    /// accepting state is the only match, as `re.match` finds it.
    @inline(__always)
    func prefixEnd(in number: RawNumber, from: Int) -> Int? {
        var state = start
        var index = from
        while index < number.count {
            let next = Self.transitions[state * 10 + number.digit(index)]
            if next == Self.dead { return nil }
            state = Int(next)
            index += 1
            if Self.accepting[state] { return index }
        }
        return nil
    }

    /// The lengths of the words that start with `digits` (ASCII digits): how long a number
    /// that starts so can be. Empty when no word starts so.
    func lengths(ofWordsStartingWith digits: some Collection<UInt8>) -> NationalLengths {
        var state = start
        for byte in digits {
            let next = Self.transitions[state * 10 + Int(byte &- UInt8(ascii: "0"))]
            if next == Self.dead { return NationalLengths(mask: 0) }
            state = Int(next)
        }
        // Breadth-first over depths: national numbers have at most 17 digits.
        var mask: UInt32 = 0
        var frontier: Set<Int> = [state]
        var length = digits.count
        while !frontier.isEmpty && length < 32 {
            if frontier.contains(where: { Self.accepting[$0] }) { mask |= 1 << UInt32(length) }
            var next: Set<Int> = []
            for state in frontier {
                for digit in 0..<10 where Self.transitions[state * 10 + digit] != Self.dead {
                    next.insert(Int(Self.transitions[state * 10 + digit]))
                }
            }
            frontier = next
            length += 1
        }
        return NationalLengths(mask: mask)
    }
}
