/// A deterministic automaton over decimal digits: a numbering plan's pattern (from
/// libphonenumber's metadata, see `scripts/gen-numbering-plans.py`) without a regular
/// expression engine. The states of every plan live in one shared table of ten transitions
/// per state; a transition is the next state's number with bit 15 set when that state
/// accepts, so that a step is one load. An automaton is its table and its start state: 16
/// bytes, cheap to keep in every `Country`.
public struct DigitAutomaton: @unchecked Sendable, Hashable {
    /// The shared table, read through a plain pointer: a walk reads no global (whose lazy
    /// initialisation is checked on every read) and retains no array. Never freed nor
    /// written after it is made, so sharing it is safe.
    private let table: UnsafePointer<UInt16>
    private let start: UInt16

    private static let dead: UInt16 = 0x7FFF
    private static let accepts: UInt16 = 0x8000
    private static let stateMask: UInt16 = 0x7FFF

    /// The generated table, copied once into memory that is never freed.
    nonisolated(unsafe) private static let shared: UnsafePointer<UInt16> = {
        let values = NumberingPlan.generatedTransitions
        let memory = UnsafeMutableBufferPointer<UInt16>.allocate(capacity: values.count + 10)
        _ = memory.initialize(from: values)
        // The start state of `never`: every digit leads to the dead state.
        for digit in 0..<10 { memory[values.count + digit] = dead }
        return UnsafePointer(memory.baseAddress!)
    }()

    init(start: Int) {
        table = Self.shared
        self.start = UInt16(start)
    }

    /// Matches nothing: a plan without a national or an international prefix.
    static let never = DigitAutomaton(start: NumberingPlan.generatedTransitions.count / 10)

    public static func == (lhs: DigitAutomaton, rhs: DigitAutomaton) -> Bool { lhs.start == rhs.start }
    public func hash(into hasher: inout Hasher) { hasher.combine(start) }

    @inline(__always)
    private func step(_ entry: UInt16, _ digit: Int) -> UInt16 {
        table[Int(entry & Self.stateMask) &* 10 &+ digit]
    }

    /// Whether digits `from..<to` of `number`, all of them, are a word of the pattern.
    @inline(__always)
    func matches(_ number: RawNumber, from: Int, to: Int) -> Bool {
        guard from < to else { return false }
        var entry = start
        for index in from..<to {
            entry = step(entry, number.digit(index))
            if entry == Self.dead { return false }
        }
        return entry & Self.accepts != 0
    }

    /// Whether ASCII `digits`, all of them, are a word of the pattern.
    func matches(digits: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !digits.isEmpty else { return false }
        var entry = start
        for byte in digits {
            entry = step(entry, Int(byte &- UInt8(ascii: "0")))
            if entry == Self.dead { return false }
        }
        return entry & Self.accepts != 0
    }

    /// Where the pattern's match starting at digit `from` ends, or nil when none starts
    /// there. The generator checks that these patterns are prefix-free, so the first
    /// accepting state is the only match, as `re.match` finds it.
    @inline(__always)
    func prefixEnd(in number: RawNumber, from: Int) -> Int? {
        var entry = start
        var index = from
        while index < number.count {
            entry = step(entry, number.digit(index))
            if entry == Self.dead { return nil }
            index += 1
            if entry & Self.accepts != 0 { return index }
        }
        return nil
    }

    /// What the first one or two steps from the start say, as bit sets, so that reading
    /// the usual number needs no step at all (see `Country.firstSteps`).
    struct FirstSteps: Sendable, Hashable {
        /// Digits whose first step dies.
        var deadFirst: UInt16 = 0
        /// Digits whose first step accepts.
        var acceptsFirst: UInt16 = 0
        /// Two-digit starts `d1 * 10 + d2` on which the walk has died by the second step
        /// without accepting.
        var deadByTwo: (UInt64, UInt64) = (0, 0)

        static func == (lhs: FirstSteps, rhs: FirstSteps) -> Bool {
            lhs.deadFirst == rhs.deadFirst && lhs.acceptsFirst == rhs.acceptsFirst && lhs.deadByTwo == rhs.deadByTwo
        }

        func hash(into hasher: inout Hasher) { hasher.combine(deadFirst); hasher.combine(acceptsFirst) }

        @inline(__always) func diesByTwo(_ first: Int, _ second: Int) -> Bool {
            let index = first &* 10 &+ second
            return (index < 64 ? deadByTwo.0 >> UInt64(index) : deadByTwo.1 >> UInt64(index - 64)) & 1 != 0
        }
    }

    var firstSteps: FirstSteps {
        var steps = FirstSteps()
        for first in 0..<10 {
            let one = step(start, first)
            if one == Self.dead { steps.deadFirst |= 1 << UInt16(first) }
            if one != Self.dead && one & Self.accepts != 0 { steps.acceptsFirst |= 1 << UInt16(first) }
            for second in 0..<10 {
                let dies = one == Self.dead || (one & Self.accepts == 0 && step(one, second) == Self.dead)
                guard dies else { continue }
                let index = first * 10 + second
                if index < 64 { steps.deadByTwo.0 |= 1 << UInt64(index) } else { steps.deadByTwo.1 |= 1 << UInt64(index - 64) }
            }
        }
        return steps
    }

    /// The lengths of the words that start with `digits` (ASCII digits): how long a number
    /// that starts so can be. Empty when no word starts so.
    func lengths(ofWordsStartingWith digits: some Collection<UInt8>) -> NationalLengths {
        var entry = start
        for byte in digits {
            entry = step(entry, Int(byte &- UInt8(ascii: "0")))
            if entry == Self.dead { return NationalLengths(mask: 0) }
        }
        // Breadth-first over depths: national numbers have at most 17 digits.
        var mask: UInt32 = 0
        var frontier: Set<UInt16> = [entry]
        var length = digits.count
        while !frontier.isEmpty && length < 32 {
            if length > 0, frontier.contains(where: { $0 & Self.accepts != 0 }) { mask |= 1 << UInt32(length) }
            var next: Set<UInt16> = []
            for entry in frontier {
                for digit in 0..<10 where step(entry, digit) != Self.dead { next.insert(step(entry, digit)) }
            }
            frontier = next
            length += 1
        }
        return NationalLengths(mask: mask)
    }
}
