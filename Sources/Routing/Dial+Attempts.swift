import ConnectProtocol

/// One fetch's worth of a plan: whom one answer dials, and how.
public struct Attempt: Sendable, Hashable {
    public var destinations: [Destination]
    public var strategy: DialStrategy
    public var options: AnswerOptions
    /// The step of the branch it comes from (0 = the first), for explanations.
    public var step: Int
    /// Whether destinations known busy are left out of it (its step's `busy`).
    public var busy: BusyPolicy = .skip

    /// The answer to the fetch that gets this attempt. Every attempt but the call's last
    /// asks Exotel to fetch again (`fetch_after_attempt`); the last one of a hunt says
    /// `false`, the last ringing in parallel leaves it out (as a plan of one step always has).
    public func answer(isLast: Bool, applet: Applet) throws(AnswerError) -> ConnectAnswer {
        try answer(dialling: destinations, isLast: isLast, applet: applet)
    }

    /// The answer dialling `destinations`, some of this attempt's (busy agents left out).
    public func answer(dialling destinations: [Destination], isLast: Bool, applet: Applet) throws(AnswerError) -> ConnectAnswer {
        guard !destinations.isEmpty else { throw .noDestination }
        switch strategy {
        case .hunt:
            return try ConnectAnswer(applet: applet, destinationType: destinations[0].type, destinations: [destinations[0].contact],
                                     fetchAfterAttempt: !isLast, parallelAttempts: nil, options: options)
        case .parallel(let maxAttempts):
            let limit = ConnectLimits.maxParallelAttempts
            return try ConnectAnswer(applet: applet, destinationType: destinations[0].type, destinations: destinations.map(\.contact),
                                     fetchAfterAttempt: isLast ? nil : true,
                                     parallelAttempts: maxAttempts ?? min(max(destinations.count, limit.lowerBound), limit.upperBound),
                                     options: options)
        }
    }
}

extension Step {
    /// Whom the step dials for a call: its targets in order, each lookup replaced by its
    /// value (`value(lookup)`: the table's value, nil when the call's key is not in it; the
    /// caller's sticky agent) or a table's `otherwise`, a destination named twice dialled once.
    public func destinations(_ value: (Lookup) -> Destination?) -> [Destination] {
        var result: [Destination] = []
        for target in targets {
            switch target {
            case .destination(let destination):
                if !result.contains(destination) { result.append(destination) }
            case .lookup(let table, let otherwise):
                for destination in value(.table(table)).map({ [$0] }) ?? otherwise where !result.contains(destination) {
                    result.append(destination)
                }
            case .sticky:
                if let destination = value(.sticky), !result.contains(destination) { result.append(destination) }
            }
        }
        return result
    }
}

extension Dial {
    /// The branch a call takes, given its split key (see `SplitHash`); 0 when the rule does
    /// not split.
    public func branch(forKey key: UInt64) -> Int {
        guard branches.count > 1 else { return 0 }
        var point = SplitHash.point(key, total: branches.reduce(0) { $0 + $1.weight })
        for (index, branch) in branches.enumerated() {
            if point < branch.weight { return index }
            point -= branch.weight
        }
        return branches.count - 1
    }

    /// The attempts of one branch for a call, in the order Exotel's fetches walk them: a
    /// hunting step gives one attempt per destination, a parallel one a single attempt, and a
    /// step with no destination for this call none. A destination rings once per call: one
    /// that an earlier step already dialled is left out of later ones (the relationship
    /// manager tried first is not rung again with the team), which also keeps `DialWhomNumber`
    /// naming one attempt only.
    public func attempts(branch: Int, _ value: (Lookup) -> Destination?) -> [Attempt] {
        guard branches.indices.contains(branch) else { return [] }
        var attempts: [Attempt] = []
        var dialled = Set<DialedContact>()
        for (index, step) in branches[branch].steps.enumerated() {
            let destinations = step.destinations(value).filter { !dialled.contains($0.contact.dialed) }
            guard !destinations.isEmpty else { continue }
            for destination in destinations { dialled.insert(destination.contact.dialed) }
            switch step.strategy {
            case .hunt:
                attempts += destinations.map { Attempt(destinations: [$0], strategy: .hunt, options: step.options, step: index, busy: step.busy) }
            case .parallel:
                attempts.append(Attempt(destinations: destinations, strategy: step.strategy, options: step.options, step: index, busy: step.busy))
            }
        }
        return attempts
    }
}

extension Attempt {
    /// Whom it dials with busy agents left out (when its step skips them).
    public func free(_ agents: AgentKnowledge) -> [Destination] {
        guard busy == .skip, agents.anyoneBusy else { return destinations }
        return destinations.filter { !agents.isBusy($0.contact.dialed) }
    }
}

extension Array where Element == Attempt {
    /// The first attempt from `start` that has someone to dial once busy agents are left
    /// out, or nil: how a fetch moves past busy agents.
    public func firstFree(from start: Int, _ agents: AgentKnowledge) -> Int? {
        guard start < count else { return nil }
        return self[start...].firstIndex { !$0.free(agents).isEmpty }
    }

    /// The attempt after the one that dialled `dialWhom` (0 when none did): how a re-fetch
    /// moves through a plan when no per-call state says where the call is (each contact is in
    /// one attempt at most); `count` means the plan is done.
    public func attempt(after dialWhom: DialedContact?) -> Int {
        guard let dialWhom else { return 0 }
        return firstIndex { $0.destinations.contains { $0.contact.dialed == dialWhom } }.map { $0 + 1 } ?? 0
    }
}

/// Where a split key falls among a split's weights: the same in every replica, after
/// restarts, and in every evaluator, since it depends only on the key.
public enum SplitHash {
    /// A point in `0..<total`. SplitMix64's finalizer spreads the key's bits (callers' numbers
    /// differ in a few low digits; FNV-1a's high bits are weak), and the top 32 bits are
    /// scaled to `total` by a multiply, which is unbiased to within total/2^32.
    @inline(__always)
    public static func point(_ key: UInt64, total: Int) -> Int {
        var z = key &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        z ^= z >> 31
        return Int(((z >> 32) &* UInt64(total)) >> 32)
    }

    /// The key of a call for `by`: the caller's number, or the `CallSid`'s hash; a call
    /// without a readable caller is split by its `CallSid`, and one with neither takes key 0.
    @inline(__always)
    public static func key(_ by: SplitKey, caller: PhoneNumber?, callSid: UInt64?) -> UInt64 {
        switch by {
        case .caller: return caller?.value ?? callSid ?? 0
        case .call: return callSid ?? 0
        }
    }
}
