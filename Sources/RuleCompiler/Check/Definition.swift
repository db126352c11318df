/// A named definition a rule can use, as the checker records what rules use and the
/// unused-definition analysis (RP0503) asks: a kind and a name, not a string to parse.
struct Definition: Hashable, Sendable {
    enum Kind: String, Sendable {
        case agent, group, list, calendar, table
    }

    let kind: Kind
    let name: String

    static func agent(_ name: String) -> Definition { Definition(kind: .agent, name: name) }
    static func group(_ name: String) -> Definition { Definition(kind: .group, name: name) }
    static func list(_ name: String) -> Definition { Definition(kind: .list, name: name) }
    static func calendar(_ name: String) -> Definition { Definition(kind: .calendar, name: name) }
    static func table(_ name: String) -> Definition { Definition(kind: .table, name: name) }
}
