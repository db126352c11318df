import ConnectProtocol

/// The lookup tables as hash maps from key to value index: a call's value is one probe. A class, so that
/// handing it to the answer store on every request passes one reference, not three arrays.
final class LookupMaps: Sendable {
    /// By table index (empty for a table keyed by custom field).
    let callerMaps: [PackedNumberMap]
    /// By table index (empty for a table keyed by caller).
    let textMaps: [TextMap]
    let keys: [LookupTable.Key]
    /// Who `sticky` may be: the index in `RuleSet.agents` of each agent's contact.
    let stickyAgents: [DialedContact: Int]

    init(tables: [LookupTable], agents: [Destination], memory: TableMemory) {
        callerMaps = tables.map { table in
            PackedNumberMap(entries: zip(table.numbers, table.valueIndexes).map { ($0.value, UInt32($1)) }, memory: memory)
        }
        textMaps = tables.map { table in TextMap(zip(table.texts, table.valueIndexes).map { ($0, UInt32($1)) }) }
        keys = tables.map(\.key)
        var stickyAgents: [DialedContact: Int] = [:]
        for (index, agent) in agents.enumerated() where stickyAgents[agent.contact.dialed] == nil {
            stickyAgents[agent.contact.dialed] = index
        }
        self.stickyAgents = stickyAgents
    }

    /// The index of the call's value among the lookup's values (a table's `values`, the rule
    /// set's `agents`), nil when it has none.
    @inline(__always)
    func valueIndex(_ lookup: Lookup, facts: CallFacts) -> Int? {
        switch lookup {
        case .table(let table): return valueIndex(table: table, facts: facts)
        case .sticky: return facts.agents.sticky(caller: facts.caller).flatMap { stickyAgents[$0] }
        }
    }

    /// The index in the table's `values` of the call's value, nil when its key is not in it.
    @inline(__always)
    func valueIndex(table: Int, facts: CallFacts) -> Int? {
        switch keys[table] {
        case .caller:
            guard let caller = facts.caller else { return nil }
            return callerMaps[table].value(caller.value).map { Int($0) }
        case .customField:
            return facts.customField.flatMap { textMaps[table].value($0) }.map { Int($0) }
        }
    }
}
