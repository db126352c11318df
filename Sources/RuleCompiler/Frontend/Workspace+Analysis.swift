import Routing

extension Workspace {
    /// Shadowed rules, partly shadowed rules and gaps, from the lowered table, with an
    /// example call for each (a query `ringplan eval` behaves as claimed on).
    func analyze(_ ruleSet: RuleSet, syntax: RuleFileSyntax) {
        guard let table = try? DecisionTable(ruleSet: ruleSet) else { return }
        tables[ruleSet.name] = table
        guard let findings = CoverageAnalysis(table: table).run() else { return }
        let spans = syntax.rules?.map { $0.name?.span } ?? []
        func span(_ rule: Int) -> SourceSpan? { rule < spans.count ? spans[rule] : nil }
        func name(_ rule: Int) -> String { ruleSet.rules[rule].name }
        let file = syntax.path
        let fate = switch ruleSet.unmatched {
        case .nobody: "they get the empty answer, and Exotel takes \"We didn't dial anyone\" (`unmatched: nobody`)"
        case .fallback: "Exotel then goes to the Fallback URL (`unmatched: fallback`)"
        }
        for finding in findings {
            switch finding {
            case .shadowed(let rule, let takers):
                report(Diagnostic(.unreachableRule, "rule `\(name(rule))` never decides a call: earlier rules take all of its calls",
                                  at: span(rule), notes: takers.map { .init("rule `\(name($0))` takes some of them", at: span($0)) },
                                  help: "move it above the rules that take its calls, narrow them, or remove it"))
            case .partlyShadowed(let rule, let taker, let example):
                report(Diagnostic(.partlyShadowed, "rule `\(name(rule))` decides only part of what its `when` describes: rule `\(name(taker))` takes some of those calls, such as \(example.description)",
                                  at: span(rule), notes: [.init("rule `\(name(taker))` is here", at: span(taker))],
                                  help: "see it with: ringplan eval \(file) --explain --query '\(example.query)'"))
            case .lookupGap(let rule, let branch, let example):
                let dial = ruleSet.rules[rule].dial
                let tables = Set(dial.branches[branch ?? 0].steps.flatMap(\.tables)).sorted().map { "`\(ruleSet.tables[$0].name)`" }
                let which = branch.map { " on branch \($0 + 1) of its split" } ?? ""
                report(Diagnostic(.lookupGap, "rule `\(name(rule))` dials no one for some of its calls\(which), such as \(example.description): table\(tables.count == 1 ? "" : "s") \(tables.joined(separator: ", ")) \(tables.count == 1 ? "has" : "have") no row for them and the lookup has no `else`; \(fate)",
                                  at: span(rule),
                                  help: "add `else:` to the lookup, or narrow the rule with `caller: { in: TABLE }`; see it with: ringplan eval \(file) --explain --query '\(example.query)'"))
            case .gap(let example):
                report(Diagnostic(.routingGap, "some calls match no rule, such as \(example.description); \(fate)",
                                  at: syntax.rulesSpan,
                                  help: "add a last rule without `when` (with `dial: nobody` if that is meant), or see it with: ringplan eval \(file) --explain --query '\(example.query)'"))
            }
        }
    }
}

extension Workspace {
    /// Agents, groups, lists, calendars and tables that no rule set using their file refers to.
    /// Files no rule set includes are not judged (they may serve rule sets elsewhere), and
    /// neither are skills: they describe the IVR menu, which may offer more than routing uses.
    func reportUnusedDefinitions() {
        for (key, used) in usedIn where !unjudged.contains(key) {
            guard let syntax = syntaxCache[key] ?? nil else { continue }
            var definitions: [(kind: Definition.Kind, name: Text)] = []
            definitions += syntax.agents.map { (.agent, $0.name) }
            definitions += syntax.groups.map { (.group, $0.name) }
            definitions += syntax.lists.map { (.list, $0.name) }
            definitions += syntax.calendars.map { (.calendar, $0.name) }
            definitions += syntax.tables.map { (.table, $0.name) }
            for (kind, name) in definitions where !used.contains(Definition(kind: kind, name: name.value)) {
                report(Diagnostic(.unusedDefinition, "\(kind.rawValue) `\(name.value)` is not used by any rule", at: name.span,
                                  help: "remove it, or use it in a rule"))
            }
        }
    }
}
