import ConnectProtocol
import Routing

extension Checker {
    /// Most distinct values one table may give: each is an answer encoded at compile time
    /// for every rule that looks it up (relationship managers run to hundreds, not millions).
    static let maxTableValues = 10_000

    /// Reads the tables of the scope and resolves their values against its agents.
    mutating func collectTables() {
        for file in files {
            for syntax in file.tables where define(syntax.name, kind: "table", in: tableSpans) {
                tableSpans[syntax.name.value] = syntax.name.span
                var key = LookupTable.Key.caller
                if let text = syntax.key {
                    guard let known = oneOf(text, LookupTable.Key.allCases.map(\.rawValue), what: "table key").flatMap(LookupTable.Key.init) else { continue }
                    key = known
                }
                guard var read = loadTable(syntax.file, key, file.path, country, &diagnostics) else { continue }
                if key == .customField { dropHeader(&read) }
                guard read.values.count <= Self.maxTableValues else {
                    diagnostics.error(.tableFile, "table `\(syntax.name.value)` gives \(read.values.count) different values; at most \(Self.maxTableValues) are encoded",
                                      at: syntax.file.span, help: "a table maps callers to the agents (or numbers) who own them; check that the second column is the agent")
                    continue
                }
                guard let values = resolveValues(read, table: syntax.name.value) else { continue }
                tableIndex[syntax.name.value] = tables.count
                tableAgents.append(Set(values.compactMap(\.agent)))
                tables.append(LookupTable(name: syntax.name.value, key: key, values: values, numbers: read.numbers, texts: read.texts,
                                          valueIndexes: read.valueIDs, file: Workspace.resolve(syntax.file.value, from: file.path), lines: read.lines))
            }
        }
    }

    /// A custom-field table's first row is its header when its value could not be dialled
    /// (no number, no agent of the scope) and no other row gives that value: `lead,agent`.
    private func dropHeader(_ file: inout TableFile) {
        guard let line = file.firstLine, let row = file.lines.firstIndex(of: line) else { return }
        let value = Int(file.valueIDs[row])
        let text = file.values[value]
        guard file.rowCounts[value] == 1, !Numbers.looksLikeNumber(text), agents[text] == nil, groups[text] == nil,
              !SIPAddress.looksLikeSIP(text) else { return }
        file.texts.remove(at: row)
        file.valueIDs.remove(at: row)
        file.lines.remove(at: row)
        file.values.remove(at: value)
        file.places.remove(at: value)
        file.rowCounts.remove(at: value)
        for index in file.valueIDs.indices where file.valueIDs[index] > value { file.valueIDs[index] -= 1 }
    }

    /// Each distinct value as a destination: an agent of the scope, or an E.164 number. Every
    /// row with a bad value is reported (up to the reader's bound), at its column.
    private mutating func resolveValues(_ file: TableFile, table: String) -> [Destination]? {
        var destinations: [Destination] = []
        var failed = false
        var reported = 0
        for (id, text) in file.values.enumerated() {
            let problem: (code: DiagnosticCode, message: String, help: String?)
            if SIPAddress.looksLikeSIP(text) {
                problem = (.tableFile, "`\(text)` is a SIP address; a table gives an agent or an E.164 number",
                           "define the softphone under `agents:` (`name: \"\(text)\"`) and write the agent's name in the table")
            } else if Numbers.looksLikeNumber(text) {
                switch Numbers.number(text, home: country) {
                case .success(let number):
                    destinations.append(Destination(type: .externalNumber, contact: .number(number), agent: nil))
                    continue
                case .failure(let bad): problem = (bad.code, bad.message, bad.help)
                }
            } else if let agent = agents[text] {
                guard let contact = agent.contact else { failed = true; continue } // its definition is reported
                if contact.isSIP && !applet.dialsSIP {
                    problem = (.sipInConnectApplet, "agent `\(text)` is the softphone `\(contact)`, and the generic Connect applet (`applet: connect`) dials numbers only",
                               "give the agent an E.164 number, or use `applet: ccm`")
                } else {
                    destinations.append(Destination(type: .user, contact: contact, agent: text))
                    continue
                }
            } else if groups[text] != nil {
                problem = (.tableFile, "`\(text)` is a group; a table gives one agent or number per caller",
                           "write the agent who owns the caller; dial the group with `else:` or in a later step")
            } else {
                problem = (.unknownReference, "unknown agent `\(text)` in table `\(table)`",
                           Suggestions.help(for: text, in: agents.keys) ?? "a value is an agent's name or an E.164 number such as \"+919876500001\"")
            }
            failed = true
            for place in file.places[id] where reported < TableFileReader.maxReportedLines {
                reported += 1
                diagnostics.error(problem.code, problem.message, at: place, help: problem.help)
            }
            if file.rowCounts[id] > file.places[id].count, let last = file.places[id].last {
                diagnostics.error(problem.code, "\(file.rowCounts[id] - file.places[id].count) more rows give `\(text)`", at: last, help: problem.help)
            }
        }
        return failed ? nil : destinations
    }

    /// A table named in a rule: its index, the table and its agents marked used.
    mutating func useTable(_ name: Text) -> Int? {
        guard let index = tableIndex[name.value] else {
            if tableSpans[name.value] == nil { unknown(name, kind: "table", known: tableSpans.keys) }
            return nil
        }
        used.insert(.table(name.value))
        for agent in tableAgents[index] { used.insert(.agent(agent)) }
        return index
    }
}
