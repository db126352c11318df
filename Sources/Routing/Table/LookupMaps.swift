import ConnectProtocol

/// The lookup tables as hash maps from key to value index: a call's value is one probe. A class, so that
/// handing it to the answer store on every request passes one reference, not three arrays.
final class LookupMaps: Sendable {
    /// By table index (empty for a table keyed by custom field).
    let callerMaps: [PackedNumberMap]
    /// By table index (empty for a table keyed by caller).
    let textMaps: [TextMap]
    let keys: [LookupTable.Key]

    init(tables: [LookupTable], memory: TableMemory) {
        callerMaps = tables.map { table in
            PackedNumberMap(entries: zip(table.numbers, table.valueIndexes).map { ($0.value, UInt32($1)) }, memory: memory)
        }
        textMaps = tables.map { table in TextMap(zip(table.texts, table.valueIndexes).map { ($0, UInt32($1)) }) }
        keys = tables.map(\.key)
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
