/// One `when` key's condition: the atoms of a list are ORed, `{ not: ... }` negates.
public indirect enum Match<Atom: Sendable & Hashable>: Sendable, Hashable {
    case atom(Atom)
    case anyOf([Match])
    case not(Match)

    /// Evaluates the condition, given how to test one atom.
    @inlinable
    public func holds(_ test: (Atom) -> Bool) -> Bool {
        switch self {
        case .atom(let atom): return test(atom)
        case .anyOf(let matches): return matches.contains { $0.holds(test) }
        case .not(let match): return !match.holds(test)
        }
    }

    /// The same condition over other atoms.
    public func map<Other>(_ transform: (Atom) -> Other) -> Match<Other> {
        switch self {
        case .atom(let atom): return .atom(transform(atom))
        case .anyOf(let matches): return .anyOf(matches.map { $0.map(transform) })
        case .not(let match): return .not(match.map(transform))
        }
    }

    /// Every atom, in source order.
    public var atoms: [Atom] {
        switch self {
        case .atom(let atom): return [atom]
        case .anyOf(let matches): return matches.flatMap(\.atoms)
        case .not(let match): return match.atoms
        }
    }

    /// Whether the condition has no `not`: then once it holds for a set of atoms, it holds
    /// for every larger set.
    var isMonotone: Bool {
        switch self {
        case .atom: return true
        case .anyOf(let matches): return matches.allSatisfy(\.isMonotone)
        case .not: return false
        }
    }
}
