import ConnectProtocol

/// Enumerates the attempts of each variant of a rule that depends on the call, on interned
/// destinations: 1,250 rules that look up a table of 200 agents are a quarter of a million
/// variants, so a variant is a few integers in buffers reused from one to the next, and each
/// distinct answer is encoded once (found again by a hash of its integers, allocating nothing).
///
/// It resolves plans as `Dial.attempts` does (a step's targets in order, a destination named
/// twice in a step dialled once, one an earlier step dialled left out, a step with no one
/// skipped), written apart from it on purpose: the property tests hold the two to the same
/// answers through the table and the reference evaluator.
struct VariantEncoder {
    /// One attempt of the current variant: its step's kind, and whom it dials as
    /// `ids[start..<start + count]`.
    struct Attempt {
        var kind: Int32
        var start: Int32
        var count: Int32
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
    private var kinds: [Step.Kind] = []

    /// The current variant: its attempts and the destinations they dial.
    private(set) var attempts: [Attempt] = []
    private(set) var ids: [Int32] = []

    /// Answers already encoded, by a hash of (kind, last, ids); each bucket checked in full.
    private var known: [UInt64: [(kind: Int32, isLast: Bool, ids: [Int32], value: Int32)]] = [:]

    private mutating func intern(_ destination: Destination) -> Int32 {
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
        let kind = Step.Kind(strategy: step.strategy, options: step.options, busy: step.busy)
        if let id = kindIDs[kind] { return id }
        kindIDs[kind] = Int32(kinds.count)
        kinds.append(kind)
        return Int32(kinds.count - 1)
    }

    /// Every variant of one branch, combination by combination (the tables' digits, most
    /// significant first: 0 for a key not in the table, else the value's index + 1); `body`
    /// reads the variant from `attempts` and `ids`.
    mutating func variants(of branch: Branch, lookups: [Lookup], radices: [Int], ruleSet: RuleSet,
                           _ body: (inout VariantEncoder) throws(AnswerError) -> Void) throws(AnswerError) {
        let steps = branch.steps.map { step in
            CompiledStep(targets: step.targets.map { target in
                switch target {
                case .destination(let destination): return .fixed(intern(destination))
                case .lookup(let table, let otherwise):
                    return .lookup(digit: lookups.firstIndex(of: .table(table))!, values: ruleSet.tables[table].values.map { intern($0) },
                                   otherwise: otherwise.map { intern($0) })
                case .sticky:
                    return .lookup(digit: lookups.firstIndex(of: .sticky)!, values: ruleSet.agents.map { intern($0) }, otherwise: [])
                }
            }, parallel: step.strategy != .hunt, kind: kind(step))
        }
        var digits = [Int](repeating: 0, count: lookups.count)
        var dialled: [Int32] = []
        var named: [Int32] = []
        for combination in 0..<radices.reduce(1, *) {
            var rest = combination
            for position in lookups.indices.reversed() {
                digits[position] = rest % radices[position]
                rest /= radices[position]
            }
            attempts.removeAll(keepingCapacity: true)
            ids.removeAll(keepingCapacity: true)
            dialled.removeAll(keepingCapacity: true)
            for step in steps {
                named.removeAll(keepingCapacity: true)
                for target in step.targets {
                    switch target {
                    case .fixed(let id):
                        if !named.contains(id) { named.append(id) }
                    case .lookup(let digit, let values, let otherwise):
                        if digits[digit] != 0 {
                            let id = values[digits[digit] - 1]
                            if !named.contains(id) { named.append(id) }
                        } else {
                            for id in otherwise where !named.contains(id) { named.append(id) }
                        }
                    }
                }
                let start = ids.count
                for id in named where !dialled.contains(contactOf[Int(id)]) { ids.append(id) }
                guard ids.count > start else { continue }
                for id in ids[start...] { dialled.append(contactOf[Int(id)]) }
                if step.parallel {
                    attempts.append(Attempt(kind: step.kind, start: Int32(start), count: Int32(ids.count - start), isLast: false))
                } else {
                    for offset in start..<ids.count { attempts.append(Attempt(kind: step.kind, start: Int32(offset), count: 1, isLast: false)) }
                }
            }
            if !attempts.isEmpty { attempts[attempts.count - 1].isLast = true }
            try body(&self)
        }
    }

    /// The index `encode` gave an attempt of the current variant dialling the same with the
    /// same kind, or a new one from `encode` (called once per distinct answer).
    mutating func answer(_ attempt: Attempt, encode: (Routing.Attempt, _ isLast: Bool) throws(AnswerError) -> Int32) throws(AnswerError) -> Int32 {
        let slice = ids[Int(attempt.start)..<Int(attempt.start + attempt.count)]
        var hash = FNV1a()
        func mix(_ value: Int32) { withUnsafeBytes(of: value.littleEndian) { hash.mix($0) } }
        mix(attempt.kind)
        mix(attempt.isLast ? 1 : 0)
        for value in slice { mix(value) }
        if let bucket = known[hash.value],
           let found = bucket.first(where: { $0.kind == attempt.kind && $0.isLast == attempt.isLast && $0.ids.elementsEqual(slice) }) {
            return found.value
        }
        let kind = kinds[Int(attempt.kind)]
        let plain = Routing.Attempt(destinations: slice.map { destinations[Int($0)] }, strategy: kind.strategy, options: kind.options, step: 0,
                                    busy: kind.busy)
        let value = try encode(plain, attempt.isLast)
        known[hash.value, default: []].append((attempt.kind, attempt.isLast, Array(slice), value))
        return value
    }

    /// The contact `DialWhomNumber` names for a destination of the current variant.
    func dialled(_ id: Int32) -> DialedContact { destinations[Int(id)].contact.dialed }

    /// Whether an attempt's step leaves busy agents out.
    func busy(_ attempt: Attempt) -> BusyPolicy { kinds[Int(attempt.kind)].busy }
}

extension Step {
    /// What a step's answers share besides whom they dial.
    struct Kind: Hashable {
        var strategy: DialStrategy
        var options: AnswerOptions
        var busy: BusyPolicy
    }
}
