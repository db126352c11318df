import ConnectProtocol

public struct Destination: Sendable, Hashable {
    public var type: DestinationType
    public var contact: Contact
    /// The agent's name, for explanations; nil for an external number.
    public var agent: String?

    public init(type: DestinationType, contact: Contact, agent: String?) {
        self.type = type
        self.contact = contact
        self.agent = agent
    }

    /// How logs and explanations name it: the agent, else the number.
    public var name: String { agent ?? contact.description }
}

public enum DialStrategy: Sendable, Hashable {
    /// One destination per fetch, in order, through `fetch_after_attempt`.
    case hunt
    /// All destinations at once, `max_parallel_attempts` at a time; nil: as many as the
    /// step dials, within Exotel's limits (a lookup can change how many that is).
    case parallel(maxAttempts: Int?)
}

/// Who a step names: a fixed destination, or what a lookup table gives for the call.
public enum Target: Sendable, Hashable {
    case destination(Destination)
    /// The value of `RuleSet.tables[table]` for the call's key; `otherwise` when the key is
    /// not in the table (empty: nobody, and the step may be left with no destination).
    case lookup(table: Int, otherwise: [Destination])
    /// `sticky`: the agent who last spoke to the caller, when there is one (see `AgentStateView`).
    case sticky
}

/// One stage of a plan: its destinations are hunted one per attempt, or rung together in
/// one attempt, with the step's answer options.
public struct Step: Sendable, Hashable {
    public var targets: [Target]
    public var strategy: DialStrategy
    /// The options of the step's answers, with the rule's and the defaults' already applied.
    public var options: AnswerOptions
    /// Whether agents known busy are left out.
    public var busy: BusyPolicy

    public init(targets: [Target], strategy: DialStrategy, options: AnswerOptions, busy: BusyPolicy = .skip) {
        self.targets = targets
        self.strategy = strategy
        self.options = options
        self.busy = busy
    }

    /// The tables the step looks up, in order.
    public var tables: [Int] {
        targets.compactMap { if case .lookup(let table, _) = $0 { table } else { nil } }
    }

    /// What the step looks up for a call: its tables and the caller's sticky agent.
    public var lookups: [Lookup] {
        targets.compactMap { target in
            switch target {
            case .lookup(let table, _): .table(table)
            case .sticky: .sticky
            case .destination: nil
            }
        }
    }

    public var dialsSticky: Bool { targets.contains(.sticky) }
}

/// One branch of a split: `weight` parts of the calls, and the steps they are dialled through.
public struct Branch: Sendable, Hashable {
    public var weight: Int
    public var steps: [Step]

    public init(weight: Int, steps: [Step]) {
        self.weight = weight
        self.steps = steps
    }
}

/// What a weighted split hashes, so that a key always lands on the same branch.
public enum SplitKey: String, Sendable, Hashable, CaseIterable {
    /// The caller's E.164 number: a caller always lands on the same branch.
    case caller
    /// The `CallSid`: each call is drawn on its own.
    case call
}

/// What a rule dials: a plan of steps, or several weighted plans, or nobody.
public struct Dial: Sendable, Hashable {
    /// Empty for `nobody`; one branch (of any weight) when the rule does not split.
    public var branches: [Branch]
    public var splitBy: SplitKey

    public init(branches: [Branch], splitBy: SplitKey = .caller) {
        self.branches = branches
        self.splitBy = splitBy
    }

    /// One step, the form of `dial: { to: ..., strategy: ... }`.
    public init(destinations: [Destination], strategy: DialStrategy, options: AnswerOptions = AnswerOptions()) {
        self.init(branches: [Branch(weight: 1, steps: [Step(targets: destinations.map(Target.destination), strategy: strategy, options: options)])])
    }

    /// `dial: nobody`: an empty `destination`, so that Exotel takes "We didn't dial anyone".
    public static let nobody = Dial(branches: [])

    public var isNobody: Bool { branches.isEmpty }

    /// Most variants (branches times each looked-up table's values plus one) a rule may
    /// have: each is encoded in advance. The checker reports more (RP0416).
    public static let maxVariants = 1 << 20

    public var isSplit: Bool { branches.count > 1 }

    /// Every step of every branch.
    public var steps: [Step] { branches.flatMap(\.steps) }

    /// Whether the attempts depend on the call beyond the rule that decided it: a split
    /// picks a branch, a lookup reads a table or the caller's sticky agent.
    public var dependsOnCall: Bool { isSplit || steps.contains { !$0.lookups.isEmpty } }

    /// Every lookup of every step, each once, in order.
    public var lookups: [Lookup] { Array(Set(steps.flatMap(\.lookups))).sorted() }

    /// Every destination a step may name, lookups' `otherwise` included (not their tables).
    public var namedDestinations: [Destination] {
        steps.flatMap { step in
            step.targets.flatMap { target -> [Destination] in
                switch target {
                case .destination(let destination): return [destination]
                case .lookup(_, let otherwise): return otherwise
                case .sticky: return []
                }
            }
        }
    }
}

/// What a call gets when no rule matches it, or when a hunt has no destination left
/// (`unmatched:`).
public enum Unmatched: String, Sendable, Hashable, CaseIterable {
    /// The empty answer of `dial: nobody` (HTTP 200): Exotel takes "We didn't dial anyone".
    case nobody
    /// A fast non-200, so that Exotel tries the Fallback URL.
    case fallback
}
