import Foundation

/// A Connect request as Exotel sends it: the query string's parameters that routing uses,
/// still as text (numbers are normalised per rule set, which knows the home country).
///
/// Parsing works on the query's UTF-8 bytes and decodes only the parameters it keeps.
/// Real traffic's quirks, from `shared/reference/connect-protocol.md`:
/// - `+` is a space and `%XX` a byte; a malformed escape is kept literally.
/// - The literal `null` and empty values mean absent.
/// - `digits` arrives wrapped in literal double quotes (`"2"`), which are stripped.
/// - `CallFrom` wins over `From`, `CallTo` over `To` (they can differ).
/// - A repeated parameter: the first occurrence wins, so that appending to a URL cannot
///   change its meaning.
/// - Unknown parameters are ignored.
public struct ConnectRequest: Sendable, Hashable {
    public var callSid: String?
    public var callFrom: String?
    public var callTo: String?
    public var direction: String?
    public var currentTime: String?
    public var digits: String?
    public var dialWhomNumber: String?
    public var dialCallStatus: String?
    /// The `key` parameter, for the server's shared-secret check.
    public var key: String?
    /// How many parameters the query held, for the server's bound.
    public var parameterCount = 0

    /// What routing reads, lexed once, before any rule set's home country or zone applies.
    public private(set) var lexed = Lexed()

    /// The values routing reads, as plain values: each rule set's reader copies this, not
    /// the request's strings (copying the request retained and released all nine of them,
    /// most of what reading a request cost).
    public struct Lexed: Sendable, Hashable {
        public var caller: RawNumber?
        public var exophone: RawNumber?
        public var dialWhom: RawNumber?
        /// `CurrentTime` as seconds since 1970 read as UTC, when it is a readable time.
        public var wallSeconds: Int64?
        public var direction: CallDirection?
        /// `digits` packed for the skill lookup (`SkillDigits.key`).
        public var digitsKey: UInt64?
        public init() {}
    }

    public init(callSid: String? = nil, callFrom: String? = nil, callTo: String? = nil, direction: String? = nil,
                currentTime: String? = nil, digits: String? = nil, dialWhomNumber: String? = nil,
                dialCallStatus: String? = nil, key: String? = nil) {
        self.callSid = callSid
        self.callFrom = callFrom
        self.callTo = callTo
        self.direction = direction
        self.currentTime = currentTime
        self.digits = digits
        self.dialWhomNumber = dialWhomNumber
        self.dialCallStatus = dialCallStatus
        self.key = key
        lex()
    }

    private mutating func lex() {
        lexed.caller = callFrom.flatMap { RawNumber($0) }
        lexed.exophone = callTo.flatMap { RawNumber($0) }
        lexed.dialWhom = dialWhomNumber.flatMap { RawNumber($0) }
        lexed.wallSeconds = currentTime.flatMap { WallClockTime(parsing: $0) }?.secondsSinceEpochAsUTC
        lexed.direction = CallDirection.parse(direction)
        lexed.digitsKey = digits.flatMap { SkillDigits.key($0) }
    }

    private enum Field {
        case callSid, callFrom, from, callTo, to, direction, currentTime, digits, dialWhomNumber, dialCallStatus, key
    }

    /// Parses a raw query string (without the `?`).
    public init(query: some StringProtocol) {
        if let parsed = query.utf8.withContiguousStorageIfAvailable({ ConnectRequest(queryBytes: $0) }) {
            self = parsed // a native string or substring: no copy
        } else {
            var copy = String(query)
            self = copy.withUTF8 { ConnectRequest(queryBytes: $0) }
        }
    }

    public init(queryBytes query: UnsafeBufferPointer<UInt8>) {
        guard let base = query.baseAddress else { return }
        var from: String?, to: String?
        var count = 0
        var start = 0
        func find(_ byte: UInt8, from: Int, to: Int) -> Int {
            guard from < to, let found = memchr(base + from, Int32(byte), to - from) else { return to }
            return UnsafeRawPointer(found) - UnsafeRawPointer(base)
        }
        // memchr finds the separators (vectorised in libc); most parameters are skipped
        // after one comparison of their name's length.
        while start <= query.count {
            let end = find(UInt8(ascii: "&"), from: start, to: query.count)
            if end > start {
                count += 1
                let equals = find(UInt8(ascii: "="), from: start, to: end)
                if let field = Self.field(named: UnsafeBufferPointer(start: base + start, count: equals - start)) {
                    let valueStart = min(equals + 1, end)
                    let raw = UnsafeBufferPointer(start: base + valueStart, count: end - valueStart)
                    switch field {
                    case .callSid: if callSid == nil { callSid = Self.decode(raw) }
                    case .callFrom: if callFrom == nil { callFrom = Self.decode(raw) }
                    case .from: if from == nil { from = Self.decode(raw) }
                    case .callTo: if callTo == nil { callTo = Self.decode(raw) }
                    case .to: if to == nil { to = Self.decode(raw) }
                    case .direction: if direction == nil { direction = Self.decode(raw) }
                    case .currentTime: if currentTime == nil { currentTime = Self.decode(raw) }
                    case .digits: if digits == nil { digits = Self.decode(raw, unquoting: true) }
                    case .dialWhomNumber: if dialWhomNumber == nil { dialWhomNumber = Self.decode(raw) }
                    case .dialCallStatus: if dialCallStatus == nil { dialCallStatus = Self.decode(raw) }
                    case .key: if key == nil { key = Self.decode(raw) }
                    }
                }
            }
            start = end + 1
        }
        parameterCount = count
        if callFrom == nil { callFrom = from }
        if callTo == nil { callTo = to }
        lex()
    }

    /// The parameters we keep, told apart by length first so that most names cost one
    /// comparison.
    private static func field(named name: UnsafeBufferPointer<UInt8>) -> Field? {
        func matches(_ literal: StaticString) -> Bool {
            literal.utf8CodeUnitCount == name.count && memcmp(literal.utf8Start, name.baseAddress!, name.count) == 0
        }
        switch name.count {
        case 2: return matches("To") ? .to : nil
        case 3: return matches("key") ? .key : nil
        case 4: return matches("From") ? .from : nil
        case 6: return matches("CallTo") ? .callTo : matches("digits") ? .digits : nil
        case 7: return matches("CallSid") ? .callSid : nil
        case 8: return matches("CallFrom") ? .callFrom : nil
        case 9: return matches("Direction") ? .direction : nil
        case 11: return matches("CurrentTime") ? .currentTime : nil
        case 14: return matches("DialWhomNumber") ? .dialWhomNumber : matches("DialCallStatus") ? .dialCallStatus : nil
        default: return nil
        }
    }

    /// Percent-decodes a value straight into its string; nil for empty and for the literal
    /// `null`. `unquoting` strips one pair of surrounding double quotes (`digits`).
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, unquoting: Bool = false) -> String? {
        if bytes.isEmpty { return nil }
        if bytes.count == 4 && bytes[0] == UInt8(ascii: "n") && bytes[1] == UInt8(ascii: "u")
            && bytes[2] == UInt8(ascii: "l") && bytes[3] == UInt8(ascii: "l") { return nil }
        if !unquoting && !bytes.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) {
            return String(decoding: bytes, as: UTF8.self)
        }
        let value = String(unsafeUninitializedCapacity: bytes.count) { output in
            var count = 0
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "+") {
                    output[count] = UInt8(ascii: " ")
                } else if byte == UInt8(ascii: "%"), index + 2 < bytes.count,
                          let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) {
                    output[count] = high << 4 | low
                    index += 2
                } else {
                    output[count] = byte
                }
                count += 1
                index += 1
            }
            if unquoting, count >= 2, output[0] == UInt8(ascii: "\""), output[count - 1] == UInt8(ascii: "\"") {
                for position in 1..<count - 1 { output[position - 1] = output[position] }
                count -= 2
            }
            return count
        }
        return value.isEmpty || value == "null" ? nil : value
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// IVR key presses as an integer, so that finding a skill is a hash probe, not a string
/// hash: `0`-`9`, `*`, `#` packed 4 bits each (never 0), at most 16 presses.
public enum SkillDigits {
    /// nil for no presses, more than 16, or a character no keypad has.
    public static func key(_ digits: String) -> UInt64? {
        var key: UInt64 = 0
        var count = 0
        for byte in digits.utf8 {
            let code: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): code = UInt64(byte - UInt8(ascii: "0")) + 1
            case UInt8(ascii: "*"): code = 11
            case UInt8(ascii: "#"): code = 12
            default: return nil
            }
            count += 1
            if count > 16 { return nil }
            key = key << 4 | code
        }
        return count == 0 ? nil : key
    }
}
