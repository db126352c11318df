import ConnectProtocol
import Routing

extension Checker {
    /// Heaviest weight of a split branch: weights are parts, not calls.
    static let maxWeight = 1_000_000
    static let maxBranches = 100
    static let maxSteps = 20

    /// A rule's dial; `options` are the rule's over the defaults, which each branch and
    /// step may override in turn.
    mutating func dial(_ syntax: DialSyntax, options: ScopeOptions) -> Dial? {
        let dial: Dial
        switch syntax.form {
        case .nobody:
            return .nobody
        case .plan(let steps):
            if steps.count == 1, let only = steps.first, only.strategy == nil, only.maxParallel == nil, only.options.firstSetKey == nil,
               only.to.count == 1, case .name(let name) = only.to[0], name.value == DialSyntax.nobodyKeyword {
                return .nobody
            }
            guard let steps = self.steps(steps, options: options) else { return nil }
            dial = Dial(branches: [Branch(weight: 1, steps: steps)])
        case .split(let branches, let by, let span):
            guard let split = self.split(branches, by: by, span: span, options: options) else { return nil }
            dial = split
        }
        return bounded(dial, at: syntax.span)
    }

    /// A rule's variants (branches times its tables' values) are each encoded: bound them.
    private mutating func bounded(_ dial: Dial, at span: SourceSpan) -> Dial? {
        let tables = Set(dial.steps.flatMap(\.tables))
        var variants = dial.branches.count * (dial.steps.contains(where: \.dialsSticky) ? stickyCandidates.count + 1 : 1)
        for table in tables {
            variants *= self.tables[table].values.count + 1
            if variants > Dial.maxVariants {
                let names = tables.map { "`\(self.tables[$0].name)`" }.sorted().joined(separator: ", ")
                diagnostics.error(.tooManyVariants, "this dial has more than \(Dial.maxVariants) combinations of branch and table values (tables \(names))",
                                  at: span, help: "look up one table per rule, or split the rule in two with `when: { caller: { in: TABLE } }`")
                return nil
            }
        }
        return dial
    }

    private mutating func steps(_ syntaxes: [StepSyntax], options: ScopeOptions) -> [Step]? {
        if syntaxes.count > Self.maxSteps, let extra = syntaxes.dropFirst(Self.maxSteps).first {
            diagnostics.error(.tooLong, "a plan has at most \(Self.maxSteps) steps", at: extra.span, help: "Exotel fetches once per attempt; merge steps")
            return nil
        }
        let steps = syntaxes.map { step($0, options: options) }
        let checked = steps.compactMap { $0 }
        return checked.count == steps.count ? checked : nil
    }

    private mutating func split(_ syntaxes: [BranchSyntax], by: Text?, span: SourceSpan, options: ScopeOptions) -> Dial? {
        guard syntaxes.count > 1 else {
            diagnostics.error(.singleBranchSplit, "a split of one branch sends every call to it", at: span,
                              help: "dial it with `to:` or `steps:`, or add the other branches")
            return nil
        }
        guard syntaxes.count <= Self.maxBranches else {
            diagnostics.error(.tooLong, "a split has at most \(Self.maxBranches) branches", at: span)
            return nil
        }
        var splitBy = SplitKey.caller
        if let by {
            guard let known = oneOf(by, SplitKey.allCases.map(\.rawValue), what: "split key").flatMap(SplitKey.init) else { return nil }
            splitBy = known
        }
        var branches: [Branch] = []
        var failed = false
        for syntax in syntaxes {
            let weight = syntax.weight.flatMap { self.weight($0) }
            let branchOptions = self.options(syntax.options).overriding(options)
            let steps = self.steps(syntax.steps, options: branchOptions)
            guard let weight, let steps else { failed = true; continue }
            branches.append(Branch(weight: weight, steps: steps))
        }
        guard !failed else { return nil }
        // The same plan twice is one branch of their summed weight, written twice.
        for (index, branch) in branches.enumerated() {
            if let first = branches[..<index].firstIndex(where: { $0.steps == branch.steps }) {
                diagnostics.add(Diagnostic(.identicalBranches, "branch \(index + 1) dials exactly what branch \(first + 1) does",
                                           at: syntaxes[index].span, notes: [.init("branch \(first + 1) is here", at: syntaxes[first].span)],
                                           help: "merge them into one branch of weight \(branch.weight + branches[first].weight)"))
            }
        }
        return Dial(branches: branches, splitBy: splitBy)
    }

    private mutating func weight(_ text: Text) -> Int? {
        guard let value = Int(text.value), value >= 1, value <= Self.maxWeight else {
            let why = Int(text.value) == 0 ? "a branch of weight 0 never gets a call" : "weights are whole numbers from 1 to \(Self.maxWeight)"
            diagnostics.error(.invalidWeight, "weight `\(text.value)`: \(why)", at: text.span,
                              help: Int(text.value) == 0 ? "remove the branch, or give it a positive weight" : "write the share as a whole number, such as `70`")
            return nil
        }
        return value
    }

    /// One step: its targets resolved, its strategy, its options over `options`.
    private mutating func step(_ syntax: StepSyntax, options: ScopeOptions) -> Step? {
        var targets: [Target] = []
        var origins: [Destination: Text] = [:]
        var failed = false
        /// Every destination the step may dial, tables' values included.
        var possible: [Destination] = []
        for target in syntax.to {
            switch target {
            case .name(let text) where text.value == DialSyntax.stickyKeyword:
                if targets.contains(.sticky) {
                    diagnostics.add(Diagnostic(.duplicateDestination, "`sticky` is dialled twice by this step", at: text.span,
                                               help: "the repeat is skipped; remove it"))
                    continue
                }
                targets.append(.sticky)
                possible += stickyCandidates
                if agentStateSpan == nil { agentStateSpan = text.span }
            case .name(let text):
                guard let expanded = expand(text) else { failed = true; continue }
                for destination in expanded {
                    if let first = origins[destination] {
                        diagnostics.add(Diagnostic(.duplicateDestination, "`\(destination.name)` is dialled twice by this step",
                                                   at: text.span, notes: [.init("already dialled through `\(first.value)`", at: first.span)],
                                                   help: "the repeat is skipped; remove it"))
                        continue
                    }
                    origins[destination] = text
                    targets.append(.destination(destination))
                    possible.append(destination)
                }
            case .lookup(let table, let otherwise, _):
                let index = useTable(table)
                var fallback: [Destination] = []
                for text in otherwise {
                    guard let expanded = expand(text) else { failed = true; continue }
                    for destination in expanded where !fallback.contains(destination) { fallback.append(destination) }
                }
                guard let index else { failed = true; continue }
                targets.append(.lookup(table: index, otherwise: fallback))
                possible += fallback + tables[index].values
            }
        }
        guard !failed, let strategy = strategy(syntax, possible: possible) else { return nil }
        let scoped = self.options(syntax.options).overriding(options)
        return Step(targets: targets, strategy: strategy, options: scoped.answer, busy: scoped.busy ?? .skip)
    }

    /// What one name or number of `to` dials: an external number, an agent, or a group's
    /// agents; nil when it is wrong (reported).
    mutating func expand(_ target: Text) -> [Destination]? {
        if target.value == DialSyntax.nobodyKeyword {
            diagnostics.error(.conflictingKeys, "`nobody` dials no one, so it cannot be dialled with other destinations or options",
                              at: target.span, help: "write `dial: nobody` on its own, or remove `nobody`")
            return nil
        }
        if SIPAddress.looksLikeSIP(target.value) {
            diagnostics.error(.invalidNumber, "`\(target.value)` is not a number: external destinations are E.164 numbers", at: target.span,
                              help: "a SIP address is an agent's contact: define it under `agents:` (`name: \"\(target.value)\"`) and dial the agent")
            return nil
        }
        if Numbers.looksLikeNumber(target.value) {
            return number(target).map { [Destination(type: .externalNumber, contact: .number($0), agent: nil)] }
        }
        if let agent = agents[target.value] {
            used.insert(.agent(target.value))
            guard let contact = agent.contact, dialable(contact, agent: target.value, at: target, definedAt: agent.span) else { return nil }
            return [Destination(type: .user, contact: contact, agent: target.value)]
        }
        if let group = groups[target.value] {
            used.insert(.group(target.value))
            for member in group.members { used.insert(.agent(member)) }
            var expanded: [Destination] = []
            for member in group.members {
                guard let agent = agents[member], let contact = agent.contact else { continue }
                guard dialable(contact, agent: member, at: target, definedAt: agent.span) else { return nil }
                expanded.append(Destination(type: .user, contact: contact, agent: member))
            }
            return expanded
        }
        if tableSpans[target.value] != nil {
            diagnostics.error(.unknownReference, "`\(target.value)` is a table, not an agent or group", at: target.span,
                              help: "dial what the table gives with `{ lookup: \(target.value) }`")
            return nil
        }
        unknown(target, kind: "agent or group", known: Array(agents.keys) + Array(groups.keys))
        return nil
    }

    /// Whether the rule set's applet can dial an agent's contact (the generic Connect
    /// applet dials numbers only).
    private mutating func dialable(_ contact: Contact, agent: String, at target: Text, definedAt span: SourceSpan) -> Bool {
        guard contact.isSIP, !applet.dialsSIP else { return true }
        diagnostics.error(.sipInConnectApplet,
                          "agent `\(agent)` is the softphone `\(contact)`, and the generic Connect applet (`applet: connect`) dials numbers only",
                          at: target.span, notes: [.init("`\(agent)` is defined here", at: span)],
                          help: "give the agent an E.164 number, or use `applet: ccm` (CCM Programmable Connect dials softphones)")
        return false
    }

    /// `possible`: every destination the step may dial, tables' values included.
    private mutating func strategy(_ syntax: StepSyntax, possible: [Destination]) -> DialStrategy? {
        var parallel = false
        if let text = syntax.strategy {
            switch text.value {
            case "hunt": parallel = false
            case "parallel": parallel = true
            default:
                diagnostics.error(.unknownValue, "unknown strategy `\(text.value)`", at: text.span,
                                  help: Suggestions.help(for: text.value, in: ["hunt", "parallel"])
                                      ?? "expected `hunt` (one at a time, in order) or `parallel` (all at once)")
                return nil
            }
        }
        guard parallel else {
            if let text = syntax.maxParallel {
                diagnostics.error(.maxParallelWithoutParallel, "`max_parallel` only applies to `strategy: parallel`", at: text.span,
                                  help: "add `strategy: parallel`, or remove `max_parallel`")
                return nil
            }
            return .hunt
        }
        if applet.hasDestinationType, let first = possible.first, let mixed = possible.first(where: { $0.type != first.type }) {
            let culprit = mixed.name
            diagnostics.error(.mixedDestinationTypes,
                              "parallel ringing mixes agents and external numbers (`\(culprit)`); one answer has one `destination_type`",
                              at: syntax.toSpan, help: "ring agents and external numbers in separate steps or rules, or use `strategy: hunt`")
            return nil
        }
        let limit = ConnectLimits.maxParallelAttempts
        guard let text = syntax.maxParallel else { return .parallel(maxAttempts: nil) }
        guard let count = Int(text.value), limit.contains(count) else {
            diagnostics.error(.maxParallelOutOfRange, "`max_parallel` is `\(text.value)`; Exotel rings \(limit.lowerBound) to \(limit.upperBound) at once",
                              at: text.span)
            return nil
        }
        return .parallel(maxAttempts: count)
    }
}
