import Foundation

/// A test file (`*.test.yaml`): cases of requests against one rule set, each with what the
/// answer must be. See Grammar.md, "Test files".
struct TestFile {
    struct Fetch {
        var query: String
        var headers: [String: String]
        var now: Int64?
        var expect: Expectation?
        /// The agent state the fetch is decided with: its own, else its case's.
        var state: AgentStateSyntax?
        let span: SourceSpan
    }

    struct Case {
        let name: Text
        var fetches: [Fetch]
    }

    enum Expectation {
        case noRule
        /// Keys: `rule`, `destination`, `attempt`, or any field of the answer's JSON.
        case fields([(key: String, value: ExpectedValue, span: SourceSpan)])
    }

    let path: String
    var rules: Text?
    var now: Int64?
    var cases: [Case] = []

    static let topKeys = ["ringplan", "rules", "now", "cases"]
    static let caseKeys = ["name", "request", "headers", "now", "expect", "fetches", "agents", "sticky"]
    static let fetchKeys = ["request", "headers", "now", "expect", "agents", "sticky"]

    /// `agents: { priya: busy, rahul: free }` and `sticky: priya` (the caller's sticky
    /// agent): what the server would know of agents, as names (or numbers) still to resolve.
    struct AgentStateSyntax {
        var agents: [(name: Text, busy: Bool)] = []
        var sticky: Text?
    }

    static func decode(_ root: Node, path: String, diagnostics: inout Diagnostics) -> TestFile? {
        guard let top = MappingReader(root, expected: "a test file (`ringplan: 1`, `rules:` and `cases:`)", context: "the test file",
                                      keys: topKeys, diagnostics: &diagnostics) else { return nil }
        var file = TestFile(path: path)
        _ = top.required("ringplan", in: "the test file", diagnostics: &diagnostics)
        if let node = top.required("rules", in: "the test file", diagnostics: &diagnostics) {
            file.rules = Read.text(node, expected: "the rule-set file the cases run against", diagnostics: &diagnostics)
        }
        if let node = top["now"] { file.now = time(node, &diagnostics) }
        guard let casesNode = top.required("cases", in: "the test file", diagnostics: &diagnostics) else { return file }
        guard case .sequence(let items) = casesNode.content else {
            diagnostics.error(.wrongType, "expected a list of cases, found \(casesNode.kindDescription)", at: casesNode.span)
            return file
        }
        var names: [String: SourceSpan] = [:]
        for item in items {
            guard let reader = MappingReader(item, expected: "a test case", context: "a test case", keys: caseKeys, diagnostics: &diagnostics),
                  let nameNode = reader.required("name", in: "the test case", diagnostics: &diagnostics),
                  let name = Read.text(nameNode, expected: "the case's name", diagnostics: &diagnostics) else { continue }
            if let first = names[name.value] {
                diagnostics.error(.invalidTestFile, "two test cases are named `\(name.value)`", at: name.span,
                                  notes: [.init("first named here", at: first)])
            }
            names[name.value] = name.span
            var testCase = Case(name: name, fetches: [])
            let caseState = state(reader, &diagnostics)
            if let fetches = reader["fetches"] {
                if reader["request"] != nil || reader["expect"] != nil {
                    diagnostics.error(.conflictingKeys, "a case has `request` and `expect`, or `fetches`, not both", at: reader.keySpan("fetches")!)
                }
                guard case .sequence(let steps) = fetches.content, !steps.isEmpty else {
                    diagnostics.error(.wrongType, "expected a non-empty list of fetches, found \(fetches.kindDescription)", at: fetches.span)
                    continue
                }
                for step in steps {
                    guard let fetchReader = MappingReader(step, expected: "a fetch (`request` and `expect`)", context: "a fetch",
                                                          keys: fetchKeys, diagnostics: &diagnostics),
                          var fetch = fetch(fetchReader, step, &diagnostics) else { continue }
                    if fetch.state == nil { fetch.state = caseState }
                    testCase.fetches.append(fetch)
                }
            } else if let fetch = fetch(reader, item, &diagnostics) {
                testCase.fetches.append(fetch)
            }
            file.cases.append(testCase)
        }
        return file
    }

    private static func fetch(_ reader: MappingReader, _ node: Node, _ diagnostics: inout Diagnostics) -> Fetch? {
        guard let requestNode = reader.required("request", in: "the case", diagnostics: &diagnostics),
              let query = query(requestNode, &diagnostics) else { return nil }
        var headers: [String: String] = [:]
        if let node = reader["headers"], let mapping = MappingReader(node, expected: "a mapping of headers", keys: nil, diagnostics: &diagnostics) {
            for entry in mapping.ordered {
                if let value = Read.text(entry.value, expected: "a header value", diagnostics: &diagnostics) {
                    headers[entry.name.lowercased()] = value.value
                }
            }
        }
        var expectation: Expectation?
        if let node = reader.required("expect", in: "the case", diagnostics: &diagnostics) {
            expectation = expect(node, &diagnostics)
        }
        return Fetch(query: query, headers: headers, now: reader["now"].flatMap { time($0, &diagnostics) }, expect: expectation,
                     state: state(reader, &diagnostics), span: node.span)
    }

    private static func state(_ reader: MappingReader, _ diagnostics: inout Diagnostics) -> AgentStateSyntax? {
        guard reader["agents"] != nil || reader["sticky"] != nil else { return nil }
        var state = AgentStateSyntax()
        if let node = reader["agents"],
           let mapping = MappingReader(node, expected: "a mapping of agents to `busy` or `free`", keys: nil, diagnostics: &diagnostics) {
            for entry in mapping.ordered {
                guard let value = Read.text(entry.value, expected: "`busy` or `free`", diagnostics: &diagnostics) else { continue }
                guard value.value == "busy" || value.value == "free" else {
                    diagnostics.error(.unknownValue, "unknown agent state `\(value.value)`", at: value.span, help: "write `busy` or `free`")
                    continue
                }
                state.agents.append((Text(value: entry.name, span: mapping.keySpan(entry.name) ?? value.span), value.value == "busy"))
            }
        }
        state.sticky = reader["sticky"].flatMap { Read.text($0, expected: "an agent's name", diagnostics: &diagnostics) }
        return state
    }

    /// A query string as written, or a mapping of parameters to encode.
    private static func query(_ node: Node, _ diagnostics: inout Diagnostics) -> String? {
        if let text = node.scalar, !node.isPlainNull { return text }
        guard let mapping = MappingReader(node, expected: "a query string or a mapping of parameters", keys: nil, diagnostics: &diagnostics) else {
            return nil
        }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return mapping.ordered.compactMap { entry -> String? in
            guard let value = Read.text(entry.value, expected: "a parameter value", diagnostics: &diagnostics) else { return nil }
            return "\(entry.name)=\(value.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value.value)"
        }.joined(separator: "&")
    }

    private static func expect(_ node: Node, _ diagnostics: inout Diagnostics) -> Expectation? {
        if let text = node.scalar {
            if text == "no rule" { return .noRule }
            diagnostics.error(.unknownValue, "unknown expectation `\(text)`", at: node.span,
                              help: "write `no rule`, or a mapping such as `{ rule: vip }`")
            return nil
        }
        guard let mapping = MappingReader(node, expected: "a mapping of expected answer fields", keys: nil, diagnostics: &diagnostics) else {
            return nil
        }
        return .fields(mapping.ordered.map { ($0.name, ExpectedValue($0.value), $0.value.span) })
    }

    /// `now:` as seconds since 1970 or an ISO 8601 time.
    private static func time(_ node: Node, _ diagnostics: inout Diagnostics) -> Int64? {
        guard let text = node.scalar else { return nil }
        if let seconds = Int64(text) { return seconds }
        if let date = ISO8601DateFormatter().date(from: text) { return Int64(date.timeIntervalSince1970) }
        diagnostics.error(.invalidDate, "`\(text)` is not a time", at: node.span, help: "write an ISO 8601 time such as 2026-11-25T10:15:00+05:30")
        return nil
    }
}

/// An expected value, compared with the answer's JSON.
indirect enum ExpectedValue: Equatable, CustomStringConvertible {
    case string(String), int(Int), bool(Bool), null
    case list([ExpectedValue])
    case object([String: ExpectedValue])

    init(_ node: Node) {
        switch node.content {
        case .scalar(let text, let plain):
            if plain && node.isPlainNull { self = .null }
            else if plain, let number = Int(text) { self = .int(number) }
            else if plain, text == "true" || text == "false" { self = .bool(text == "true") }
            else { self = .string(text) }
        case .sequence(let items): self = .list(items.map(ExpectedValue.init))
        case .mapping(let entries): self = .object(Dictionary(entries.map { ($0.name, ExpectedValue($0.value)) }, uniquingKeysWith: { $1 }))
        }
    }

    /// The value of an answer's JSON body, in the same shape.
    static func decoding(json bytes: [UInt8]) -> ExpectedValue? {
        try? JSONDecoder().decode(ExpectedValue.self, from: Data(bytes))
    }

    var description: String {
        switch self {
        case .string(let text): return text
        case .int(let number): return String(number)
        case .bool(let value): return String(value)
        case .null: return "nothing"
        case .list(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .object(let fields): return "{" + fields.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        }
    }
}

extension ExpectedValue: Decodable {
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int.self) { self = .int(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([ExpectedValue].self) { self = .list(value) }
        else { self = .object(try container.decode([String: ExpectedValue].self)) }
    }
}
