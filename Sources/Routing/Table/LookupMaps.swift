import ConnectProtocol

/// The lookup tables as hash maps from key to value index: a caller's value is one probe of
/// the map the fact reader has already started loading (see `FactReader`).
struct LookupMaps: Sendable {
    /// By table index.
    let callerMaps: [PackedNumberMap]

    init(tables: [LookupTable], memory: TableMemory) {
        callerMaps = tables.map { table in
            PackedNumberMap(entries: zip(table.numbers, table.valueIndexes).map { ($0.value, UInt32($1)) }, memory: memory)
        }
    }

    /// The index in the table's `values` of the call's value, nil when its key is not in it.
    @inline(__always)
    func valueIndex(table: Int, facts: CallFacts) -> Int? {
        guard let caller = facts.caller else { return nil }
        return callerMaps[table].value(caller.value).map { Int($0) }
    }
}
