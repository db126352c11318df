import ConnectProtocol

/// Enumerates the attempts of each variant of a rule that depends on the call, on interned
/// destinations: 1,250 rules that look up a table of 200 agents are a quarter of a million
/// variants, so each is a few small integer arrays, and each distinct answer is encoded once.
///
/// It resolves plans as `Dial.attempts` does (a step's targets in order, a destination named
/// twice in a step dialled once, one an earlier step dialled left out, a step with no one
/// skipped), written apart from it on purpose: the property tests hold the two to the same
/// answers through the table and the reference evaluator.
struct VariantEncoder {
    /// One attempt of a variant: whom it dials (interned), and its step's kind and options.
    struct Attempt: Hashable {
        var step: Int32
        var destinations: [Int32]
        var isLast: Bool
    }

    private struct CompiledStep {
        enum Target {
            case fixed(Int32)
            /// `digit`: the table's position among the rule's tables; `values`: interned values.
            case lookup(digit: Int, values: [Int32], otherwise: [Int32])
        }
        var targets: [Target]
        var parallel: Bool
        /// Interned (strategy, options): steps alike share their answers.
        var kind: Int32
    }

    private var destinationIDs: [Destination: Int32] = [:]
    private(set) var destinations: [Destination] = []
    /// The contact of each destination, interned: a destination rings once per call by contact.
    private var contactOf: [Int32] = []
    private var contactIDs: [DialedContact: Int32] = [:]
    private var kindIDs: [Step.Kind: Int32] = [:]
    private(set) var kinds: [Step.Kind] = []

    mutating func intern(_ destination: Destination) -> Int32 {
        if let id = destinationIDs[destination] { return id }
        let id = Int32(destinations.count)
        destinationIDs[destination] = id
        destinations.append(destination)
        let contact = destination.contact.dialed
        if let known = contactIDs[contact] {
            contactOf.append(known)
        } else {
            contactIDs[contact] = Int32(contactIDs.count)
            contactOf.append(Int32(contactIDs.count - 1))
        }
        return id
    }

    private mutating func kind(_ step: Step) -> Int32 {
        let kind = Step.Kind(strategy: step.strategy, options: step.options)
        if let id = kindIDs[kind] { return id }
        kindIDs[kind] = Int32(kinds.count)
        kinds.append(kind)
        return Int32(kinds.count - 1)
    }

    /// Every variant of one branch, combination by combination (the tables' digits, most
    /// significant first: 0 for a key not in the table, else the value's index + 1).
    mutating func variants(of branch: Branch, tables: [Int], radices: [Int], ruleSet: RuleSet,
                           _ body: (_ attempts: [Attempt], _ encoder: VariantEncoder) throws(AnswerError) -> Void) throws(AnswerError) {
        let steps = branch.steps.map { step in
            CompiledStep(targets: step.targets.map { target in
                switch target {
                case .destination(let destination): return .fixed(intern(destination))
                case .lookup(let table, let otherwise):
                    return .lookup(digit: tables.firstIndex(of: table)!, values: ruleSet.tables[table].values.map { intern($0) },
                                   otherwise: otherwise.map { intern($0) })
                }
            }, parallel: step.strategy != .hunt, kind: kind(step))
        }
        var digits = [Int](repeating: 0, count: tables.count)
        var attempts: [Attempt] = []
        var dialled: [Int32] = []
        var named: [Int32] = []
        let combinations = radices.reduce(1, *)
        for combination in 0..<combinations {
            var rest = combination
            for position in tables.indices.reversed() {
                digits[position] = rest % radices[position]
                rest /= radices[position]
            }
            attempts.removeAll(keepingCapacity: true)
            dialled.removeAll(keepingCapacity: true)
            for step in steps {
                named.removeAll(keepingCapacity: true)
                func add(_ id: Int32) { if !named.contains(id) { named.append(id) } }
                for target in step.targets {
                    switch target {
                    case .fixed(let id): add(id)
                    case .lookup(let digit, let values, let otherwise):
                        if digits[digit] == 0 { otherwise.forEach(add) } else { add(values[digits[digit] - 1]) }
                    }
                }
                let fresh = named.filter { !dialled.contains(contactOf[Int($0)]) }
                guard !fresh.isEmpty else { continue }
                dialled += fresh.map { contactOf[Int($0)] }
                if step.parallel {
                    attempts.append(Attempt(step: step.kind, destinations: fresh, isLast: false))
                } else {
                    attempts += fresh.map { Attempt(step: step.kind, destinations: [$0], isLast: false) }
                }
            }
            if !attempts.isEmpty { attempts[attempts.count - 1].isLast = true }
            try body(attempts, self)
        }
    }

    /// The plan's `Attempt` of an interned one, to encode.
    func attempt(_ attempt: Attempt) -> Routing.Attempt {
        let kind = kinds[Int(attempt.step)]
        return Routing.Attempt(destinations: attempt.destinations.map { destinations[Int($0)] }, strategy: kind.strategy,
                               options: kind.options, step: 0)
    }
}

extension Step {
    /// What a step's answers share besides whom they dial.
    struct Kind: Hashable {
        var strategy: DialStrategy
        var options: AnswerOptions
    }
}
