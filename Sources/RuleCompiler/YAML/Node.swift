/// A YAML node with the span of its text. Scalars stay strings: the rule language, not
/// YAML 1.1's guessing (`off` -> false, `2026-01-26` -> a date), decides what they mean.
public final class Node: Sendable {
    public enum Content: Sendable {
        /// `plain` is false for quoted and block scalars: those are always strings.
        case scalar(String, plain: Bool)
        case mapping([MappingEntry])
        case sequence([Node])
    }

    public let content: Content
    public let span: SourceSpan

    public init(_ content: Content, span: SourceSpan) {
        self.content = content
        self.span = span
    }

    public var scalar: String? {
        if case .scalar(let value, _) = content { return value }
        return nil
    }

    public var isPlainNull: Bool {
        if case .scalar(let value, plain: true) = content { return ["", "~", "null", "Null", "NULL"].contains(value) }
        return false
    }

    /// How a wrong-type message names what was found.
    public var kindDescription: String {
        switch content {
        case .scalar(let value, let plain):
            if isPlainNull { return "nothing" }
            if plain, ["true", "false", "yes", "no", "on", "off"].contains(value.lowercased()) { return "`\(value)`" }
            return "the scalar `\(value.count > 40 ? String(value.prefix(40)) + "..." : value)`"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        }
    }
}

public struct MappingEntry: Sendable {
    /// Always a scalar node.
    public let key: Node
    public let value: Node

    public var name: String { key.scalar ?? "" }
}
