import ConnectProtocol
import Foundation
import RuleCompiler

/// The members of a decision log line that `ringplan diff --replay` reads (DecisionRecord
/// writes them). Read by a strict scan of one JSON object, not by Foundation's parsers,
/// which cost 6-8 µs a line: the bound for a million lines is 10 s, two decisions included.
struct LoggedDecision: Sendable {
    var callSid: String?
    var ruleSet: String
    /// The rule the log names (`-`: none).
    var rule: String
    /// The negotiated version as logged (`1.1`, or `1.1 (unknown 9)` after a fallback).
    var connectVersion: String?
    var query: String
    var now: Int64
    /// Agent state changed the logged answer.
    var agentState: Bool

    /// The version as negotiated, without the note of a fallback: negotiated again, it is itself.
    var versionHeader: String? { connectVersion.map { String($0.prefix { $0 != " " }) } }

    /// Longer lines are not read: a request is at most 8 KiB, a decision line a few hundred
    /// bytes more.
    static let maxLineBytes = 64 * 1024

    init(line: UnsafeBufferPointer<UInt8>) throws(ReplayReport.Unused) {
        guard line.count <= Self.maxLineBytes else { throw .malformed }
        var reader = JSONScanner(bytes: line)
        var message: String?, callSid: String?, ruleSet: String?, rule: String?, version: String?, query: String?, now: Int64?
        var agentState = false
        do {
            try reader.object { key, scanner throws(JSONScanner.Malformed) in
                // Members are told apart by length first, as the request's parameters are.
                switch key.count {
                case 3 where key.equals("msg"): message = try scanner.string()
                case 3 where key.equals("now"): now = try scanner.integer()
                case 4 where key.equals("rule"): rule = try scanner.string()
                case 7 where key.equals("request"): query = try scanner.string()
                case 8 where key.equals("call_sid"): callSid = try scanner.string()
                case 8 where key.equals("rule_set"): ruleSet = try scanner.string()
                case 11 where key.equals("agent_state"): agentState = try scanner.isNonEmptyArray()
                case 15 where key.equals("connect_version"): version = try scanner.string()
                default: try scanner.skipValue()
                }
            }
        } catch {
            throw .malformed
        }
        switch message {
        case "decision": break
        case "refused": throw .refusal
        default: throw .notADecision
        }
        guard let query, let now else { throw .withoutRequest }
        guard let ruleSet, let rule else { throw .malformed }
        self.callSid = callSid == "-" ? nil : callSid
        self.ruleSet = ruleSet
        self.rule = rule
        connectVersion = version
        self.query = query
        self.now = now
        self.agentState = agentState
    }
}

/// A strict reader of one JSON value over bytes: the grammar of RFC 8259, nesting bounded,
/// strings decoded only when asked for.
struct JSONScanner {
    struct Malformed: Error {}

    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    static let maxDepth = 64

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// The whole input is one object: `member` reads each member's value (or skips it).
    mutating func object(_ member: (UnsafeBufferPointer<UInt8>, inout JSONScanner) throws(Malformed) -> Void) throws(Malformed) {
        skipSpace()
        try expect(UInt8(ascii: "{"))
        skipSpace()
        if peek() == UInt8(ascii: "}") {
            index += 1
        } else {
            while true {
                skipSpace()
                let key = try rawString()
                skipSpace()
                try expect(UInt8(ascii: ":"))
                skipSpace()
                if key.escaped {
                    // Keys with escapes are no keys Ringplan writes; decoded, they may still be one.
                    let decoded = Array(Self.decode(key.range, in: bytes).utf8)
                    try decoded.withUnsafeBufferPointer { buffer throws(Malformed) in try member(buffer, &self) }
                } else {
                    try member(UnsafeBufferPointer(rebasing: bytes[key.range]), &self)
                }
                skipSpace()
                let next = try take()
                if next == UInt8(ascii: "}") { break }
                guard next == UInt8(ascii: ",") else { throw Malformed() }
            }
        }
        skipSpace()
        guard index == bytes.count else { throw Malformed() }
    }

    mutating func string() throws(Malformed) -> String {
        let raw = try rawString()
        return raw.escaped ? Self.decode(raw.range, in: bytes) : String(decoding: bytes[raw.range], as: UTF8.self)
    }

    /// A whole number (no fraction or exponent), in Int64's range.
    mutating func integer() throws(Malformed) -> Int64 {
        let start = index
        try skipNumber()
        guard let value = Int64(String(decoding: bytes[start..<index], as: UTF8.self)) else { throw Malformed() }
        return value
    }

    /// Whether the value is an array with an element; any other value is skipped as false.
    mutating func isNonEmptyArray() throws(Malformed) -> Bool {
        guard peek() == UInt8(ascii: "[") else {
            try skipValue()
            return false
        }
        var probe = self
        probe.index += 1
        probe.skipSpace()
        let empty = probe.peek() == UInt8(ascii: "]")
        try skipValue()
        return !empty
    }

    mutating func skipValue(depth: Int = 0) throws(Malformed) {
        guard depth < Self.maxDepth else { throw Malformed() }
        switch peek() {
        case UInt8(ascii: "\""): _ = try rawString()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let close = try take() == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            skipSpace()
            if peek() == close {
                index += 1
                return
            }
            while true {
                skipSpace()
                if close == UInt8(ascii: "}") {
                    _ = try rawString()
                    skipSpace()
                    try expect(UInt8(ascii: ":"))
                    skipSpace()
                }
                try skipValue(depth: depth + 1)
                skipSpace()
                let next = try take()
                if next == close { return }
                guard next == UInt8(ascii: ",") else { throw Malformed() }
            }
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: try skipNumber()
        }
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private mutating func skipNumber() throws(Malformed) {
        if peek() == UInt8(ascii: "-") { index += 1 }
        guard let first = peek(), Self.isDigit(first) else { throw Malformed() }
        index += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        if peek() == UInt8(ascii: ".") {
            index += 1
            guard let digit = peek(), Self.isDigit(digit) else { throw Malformed() }
            skipDigits()
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            guard let digit = peek(), Self.isDigit(digit) else { throw Malformed() }
            skipDigits()
        }
    }

    private mutating func skipDigits() {
        while let byte = peek(), Self.isDigit(byte) { index += 1 }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func literal(_ word: StaticString) throws(Malformed) {
        guard index + word.utf8CodeUnitCount <= bytes.count,
              UnsafeBufferPointer(rebasing: bytes[index..<index + word.utf8CodeUnitCount]).equals(word) else { throw Malformed() }
        index += word.utf8CodeUnitCount
    }

    /// A string's contents (between the quotes), checked, and whether it holds escapes.
    private mutating func rawString() throws(Malformed) -> (range: Range<Int>, escaped: Bool) {
        try expect(UInt8(ascii: "\""))
        let start = index
        var escaped = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return (start..<index - 1, escaped)
            }
            guard byte >= 0x20 else { throw Malformed() }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                index += 1
                guard index < bytes.count else { throw Malformed() }
                switch bytes[index] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    break
                case UInt8(ascii: "u"):
                    guard index + 4 < bytes.count, (1...4).allSatisfy({ Self.hexValue(bytes[index + $0]) != nil }) else { throw Malformed() }
                    index += 4
                default: throw Malformed()
                }
            }
            index += 1
        }
        throw Malformed()
    }

    /// A checked string's contents with its escapes decoded; a lone surrogate becomes U+FFFD.
    static func decode(_ range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(range.count)
        var index = range.lowerBound
        func hex4(_ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 << 4 | UInt32(hexValue(bytes[at + $1]) ?? 0) } }
        while index < range.upperBound {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\\") else {
                output.append(byte)
                index += 1
                continue
            }
            let kind = bytes[index + 1]
            index += 2
            switch kind {
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex4(index)
                index += 4
                if (0xD800..<0xDC00).contains(scalar), index + 6 <= range.upperBound, bytes[index] == UInt8(ascii: "\\"),
                   bytes[index + 1] == UInt8(ascii: "u"), case let low = hex4(index + 2), (0xDC00..<0xE000).contains(low) {
                    scalar = 0x10000 + (scalar - 0xD800) << 10 + (low - 0xDC00)
                    index += 6
                }
                output += String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8
            default: output.append(kind) // `"`, `\` and `/` stand for themselves
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func take() throws(Malformed) -> UInt8 {
        guard index < bytes.count else { throw Malformed() }
        index += 1
        return bytes[index - 1]
    }

    private mutating func expect(_ byte: UInt8) throws(Malformed) {
        guard try take() == byte else { throw Malformed() }
    }

    private mutating func skipSpace() {
        while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }
}
