import CYaml

/// Reads one YAML document through libyaml's event parser into `Node`s with spans.
///
/// The rule language needs none of YAML's reference features, and they are how YAML files
/// attack their readers, so the loader refuses them instead of bounding them: anchors and
/// aliases (the "billion laughs"), merge keys and tags. It also bounds size and nesting, and
/// builds the tree with an explicit stack, so that no input can exhaust memory or the stack.
public enum YAMLLoader {
    public static let maxFileBytes = 16 << 20
    public static let maxDepth = 64
    static let maxProblems = 20

    /// Returns the root node, or nil when the file had any problem (each one reported):
    /// later stages only see well-formed documents.
    public static func load(_ file: SourceFile, into diagnostics: inout Diagnostics) -> Node? {
        if file.bytes.count > maxFileBytes {
            diagnostics.error(.fileTooLarge,
                              "file is \(file.bytes.count) bytes, over the limit of \(maxFileBytes) bytes",
                              at: .line(1, in: file.path),
                              help: "split it into files joined with `include:`; long number lists belong in a list file (`{ file: vip.txt }`)")
            return nil
        }
        return file.bytes.withUnsafeBufferPointer { buffer in
            if let offset = UTF8Validation.firstInvalidOffset(buffer) {
                let position = UTF8Validation.position(of: offset, in: buffer)
                diagnostics.error(.invalidUTF8,
                                  "file is not valid UTF-8: byte 0x\(String(buffer[offset], radix: 16, uppercase: true)) at offset \(offset)",
                                  at: SourceSpan(file: file.path, start: position,
                                                 end: SourcePosition(line: position.line, column: position.column + 1)),
                                  help: "save the file as UTF-8")
                return nil
            }
            var builder = TreeBuilder(file: file.path)
            builder.run(buffer)
            diagnostics.append(contentsOf: builder.diagnostics)
            if builder.diagnostics.hasErrors { return nil }
            guard let root = builder.root else {
                diagnostics.error(.emptyDocument, "file holds no YAML document", at: .line(1, in: file.path),
                                  help: "a rule file starts with `ringplan: 1`")
                return nil
            }
            return root
        }
    }
}

/// The event loop: one frame per open mapping or sequence.
private struct TreeBuilder {
    /// An open collection. Children are appended in place (`stack[last]`), never through
    /// an enum payload, which would copy the array on every append.
    struct Frame {
        let isMapping: Bool
        let start: SourcePosition
        let path: String
        var items: [Node] = []
        var entries: [MappingEntry] = []
        var pendingKey: Node?
        var seen: [String: SourceSpan] = [:]
    }

    let file: String
    var diagnostics = Diagnostics()
    var root: Node?
    var stack: [Frame] = []
    var documents = 0
    var problems = 0
    var stopped = false

    init(file: String) { self.file = file }

    mutating func run(_ buffer: UnsafeBufferPointer<UInt8>) {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            report(.io, "cannot start the YAML parser (out of memory)", at: .line(1, in: file))
            return
        }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)

        var event = yaml_event_t()
        while !stopped {
            guard yaml_parser_parse(&parser, &event) == 1 else {
                reportSyntaxError(parser)
                return
            }
            let type = event.type
            handle(&event)
            yaml_event_delete(&event)
            if type == YAML_STREAM_END_EVENT { return }
        }
    }

    private mutating func handle(_ event: inout yaml_event_t) {
        let span = SourceSpan(file: file, start: position(event.start_mark), end: position(event.end_mark), path: childPath())
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents > 1 {
                report(.multipleDocuments, "file holds more than one YAML document", at: span,
                       help: "put each rule set in its own file")
                stopped = true
            }
        case YAML_ALIAS_EVENT:
            report(.anchorOrAlias, "YAML aliases are not supported", at: span,
                   help: "name shared numbers in `lists:`, agents in `groups:` and hours in `calendars:`, and refer to them by name")
            attach(Node(.scalar("", plain: true), span: span))
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            checkAnchorAndTag(anchor: scalar.anchor, tag: scalar.tag, at: span)
            let value = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            attach(Node(.scalar(value, plain: scalar.style == YAML_PLAIN_SCALAR_STYLE), span: span))
        case YAML_SEQUENCE_START_EVENT:
            let start = event.data.sequence_start
            checkAnchorAndTag(anchor: start.anchor, tag: start.tag, at: span)
            open(mapping: false, at: span)
        case YAML_MAPPING_START_EVENT:
            let start = event.data.mapping_start
            checkAnchorAndTag(anchor: start.anchor, tag: start.tag, at: span)
            open(mapping: true, at: span)
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            close(at: position(event.end_mark))
        default:
            break
        }
    }

    private mutating func open(mapping: Bool, at span: SourceSpan) {
        if stack.count >= YAMLLoader.maxDepth {
            report(.nestingTooDeep, "nesting is deeper than \(YAMLLoader.maxDepth) levels", at: span,
                   help: "rule files need a handful of levels; this file is likely generated wrongly")
            stopped = true
            return
        }
        stack.append(Frame(isMapping: mapping, start: span.start, path: span.path))
    }

    private mutating func close(at end: SourcePosition) {
        guard let frame = stack.popLast() else { return }
        let span = SourceSpan(file: file, start: frame.start, end: end, path: frame.path)
        attach(Node(frame.isMapping ? .mapping(frame.entries) : .sequence(frame.items), span: span))
    }

    /// Adds a finished node to the open collection, or makes it the root.
    private mutating func attach(_ node: Node) {
        let top = stack.count - 1
        guard top >= 0 else {
            root = node
            return
        }
        guard stack[top].isMapping else {
            stack[top].items.append(node)
            return
        }
        if let key = stack[top].pendingKey {
            stack[top].entries.append(MappingEntry(key: key, value: node))
            stack[top].pendingKey = nil
            return
        }
        stack[top].pendingKey = node
        guard case .scalar(let name, let plain) = node.content else {
            report(.complexKey, "a mapping key must be a plain string, found \(node.kindDescription)", at: node.span)
            return
        }
        if plain && name == "<<" {
            report(.mergeKey, "YAML merge keys (`<<`) are not supported", at: node.span,
                   help: "write the keys out, or use `defaults:` for answer options shared by every rule")
        } else if let first = stack[top].seen[name] {
            report(.duplicateKey, "duplicate key `\(name)`", at: node.span,
                   notes: [.init("`\(name)` first appears here", at: first)],
                   help: "YAML keeps only one of them; remove or rename one")
        } else {
            stack[top].seen[name] = node.span
        }
    }

    /// The data path of the node that starts next.
    private func childPath() -> String {
        guard let frame = stack.last else { return "" }
        guard frame.isMapping else { return "\(frame.path)[\(frame.items.count)]" }
        let key = frame.pendingKey?.scalar ?? ""
        return frame.path.isEmpty ? key : "\(frame.path).\(key)"
    }

    private mutating func checkAnchorAndTag(anchor: UnsafeMutablePointer<yaml_char_t>?, tag: UnsafeMutablePointer<yaml_char_t>?,
                                            at span: SourceSpan) {
        if let anchor {
            report(.anchorOrAlias, "YAML anchors (`&\(String(cString: anchor))`) are not supported", at: span,
                   help: "name shared numbers in `lists:`, agents in `groups:` and hours in `calendars:`, and refer to them by name")
        }
        if let tag {
            report(.tag, "YAML tags (`\(String(cString: tag))`) are not supported", at: span,
                   help: "remove the tag; quote the value if it must stay a string")
        }
    }

    private mutating func reportSyntaxError(_ parser: yaml_parser_t) {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown problem"
        let mark = position(parser.problem_mark)
        var notes: [Diagnostic.Note] = []
        if let context = parser.context.map({ String(cString: $0) }) {
            let at = position(parser.context_mark)
            notes.append(.init(context, at: SourceSpan(file: file, start: at, end: SourcePosition(line: at.line, column: at.column + 1))))
        }
        report(.yamlSyntax, "invalid YAML: \(problem)",
               at: SourceSpan(file: file, start: mark, end: SourcePosition(line: mark.line, column: mark.column + 1)),
               notes: notes, help: yamlHelp(problem))
    }

    private func yamlHelp(_ problem: String) -> String? {
        if problem.contains("tab") { return "indent with spaces, not tabs" }
        if problem.contains("mapping values are not allowed") { return "quote values that contain `: `, or check the indentation" }
        return "check the indentation and quoting of this line and the one above"
    }

    private mutating func report(_ code: DiagnosticCode, _ message: String, at span: SourceSpan,
                                 notes: [Diagnostic.Note] = [], help: String? = nil) {
        guard !stopped else { return }
        problems += 1
        if problems > YAMLLoader.maxProblems {
            diagnostics.error(.tooManyProblems, "too many problems in this file; stopped reading it", at: span)
            stopped = true
            return
        }
        diagnostics.error(code, message, at: span, notes: notes, help: help)
    }

    private func position(_ mark: yaml_mark_t) -> SourcePosition {
        SourcePosition(line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }
}
