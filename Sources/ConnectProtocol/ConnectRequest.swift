import Foundation

/// A Connect request as Exotel sends it: the query string's parameters that routing uses,
/// still as text (numbers are normalised per rule set, which knows the home country).
///
/// Parsing works on the query's UTF-8 bytes and decodes only the parameters it keeps.
/// Real traffic's quirks, gathered from Exotel's pages and integrators' logs (Grammar.md,
/// "Numbers", and the README's "Serving Exotel" say how each is handled):
/// - `+` is a space and `%XX` a byte; a malformed escape is kept literally.
/// - The literal `null` and empty values mean absent.
/// - `digits` arrives wrapped in literal double quotes (`"2"`), which are stripped.
/// - `CallFrom` wins over `From`, `CallTo` over `To` (they can differ).
/// - A repeated parameter: the first occurrence wins, so that appending to a URL cannot
///   change its meaning.
/// - Unknown parameters are ignored.
public struct ConnectRequest: Sendable, Hashable {
    /// The query as received. The parameters routing keeps are ranges of it, decoded when
    /// read: a decision reads only `lexed` (the server also `callSid` and `key`), and
    /// building nine Strings a request, then lexing them again, was most of what parsing
    /// cost. A Substring, so that the server's query (a slice of the request target) is
    /// shared, not copied.
    private let text: Substring
    private var spans = Spans()
    /// How many parameters the query held, for the server's bound.
    public private(set) var parameterCount = 0

    /// What routing reads, lexed once, before any rule set's home country or zone applies.
    public private(set) var lexed = Lexed()

    public var callSid: String? { value(spans[.callSid]) }
    /// The decoded `CallSid`'s bytes, as sent (`callSid` repairs invalid UTF-8, which the
    /// split key must not see: it hashes bytes).
    public var callSidBytes: [UInt8]? {
        let span = spans[.callSid]
        guard span.isPresent else { return nil }
        var text = text
        return text.withUTF8 { bytes -> [UInt8]? in
            let raw = UnsafeBufferPointer(rebasing: bytes[Int(span.start)..<Int(span.start + span.count)])
            let decoded = [UInt8](unsafeUninitializedCapacity: raw.count) { output, count in
                count = Self.decode(raw, unquoting: false, into: output)
            }
            return decoded.withUnsafeBufferPointer { Self.isValue($0) } ? decoded : nil
        }
    }

    /// FNV-1a of the decoded `CallSid`: the key a split by call hashes, the same in every
    /// replica. Decoded on the stack when it is short, as CallSids are (32 characters): it
    /// runs on every request of a rule set that splits by call.
    public var callSidKey: UInt64? {
        let span = spans[.callSid]
        guard span.isPresent else { return nil }
        var text = text
        return text.withUTF8 { bytes -> UInt64? in
            let raw = UnsafeBufferPointer(rebasing: bytes[Int(span.start)..<Int(span.start + span.count)])
            func hash(_ decoded: UnsafeBufferPointer<UInt8>) -> UInt64? { Self.isValue(decoded) ? FNV1a.hash(decoded) : nil }
            guard Self.needsDecoding(raw) else { return hash(raw) }
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: raw.count) { scratch in
                hash(UnsafeBufferPointer(rebasing: scratch[0..<Self.decode(raw, unquoting: false, into: scratch)]))
            }
        }
    }
    /// `CallFrom`, or `From` without it.
    public var callFrom: String? { value(spans[.callFrom]) }
    /// `CallTo`, or `To` without it.
    public var callTo: String? { value(spans[.callTo]) }
    public var direction: String? { value(spans[.direction]) }
    public var currentTime: String? { value(spans[.currentTime]) }
    public var digits: String? { value(spans[.digits], unquoting: true) }
    public var dialWhomNumber: String? { value(spans[.dialWhomNumber]) }
    public var dialCallStatus: String? { value(spans[.dialCallStatus]) }
    /// The `key` parameter, for the server's shared-secret check.
    public var key: String? { value(spans[.key]) }
    /// `CustomField`: text set earlier in the flow, compared exactly after percent-decoding.
    public var customField: String? { value(spans[.customField]) }

    /// The values routing reads, as plain values: each rule set's reader copies this, not
    /// the request's strings.
    public struct Lexed: Sendable, Hashable {
        public var caller: RawNumber?
        public var exophone: RawNumber?
        public var dialWhom: DialWhom?
        /// `CurrentTime` as seconds since 1970 read as UTC, when it is a readable time.
        public var wallSeconds: Int64?
        public var direction: CallDirection?
        public var digits: KeyPresses?
        public init() {}

        /// `DialWhomNumber`: the number dialled last, or a softphone user's SIP address.
        public enum DialWhom: Sendable, Hashable {
            case number(RawNumber)
            /// The hash of the user part (see `DialedContact.sipUser`).
            case sipUser(UInt64)
        }
    }

    /// Where a kept parameter's raw value is in `text` (count -1: absent).
    private struct Span {
        var start: Int32 = 0
        var count: Int32 = -1
        var isPresent: Bool { count >= 0 }
    }

    private enum Field: Int, CaseIterable {
        case callSid, callFrom, from, callTo, to, direction, currentTime, digits, dialWhomNumber, dialCallStatus, key, customField
    }

    /// A span per `Field`, by raw value: a homogeneous tuple is laid out as an array, and
    /// it lives inline in the request (an Array would allocate on every request).
    private struct Spans {
        private var storage = (Span(), Span(), Span(), Span(), Span(), Span(), Span(), Span(), Span(), Span(), Span(), Span())

        subscript(field: Field) -> Span {
            get { withUnsafeBytes(of: storage) { $0.load(fromByteOffset: field.rawValue * MemoryLayout<Span>.stride, as: Span.self) } }
            set {
                withUnsafeMutableBytes(of: &storage) {
                    $0.storeBytes(of: newValue, toByteOffset: field.rawValue * MemoryLayout<Span>.stride, as: Span.self)
                }
            }
        }

        init() {
            assert(MemoryLayout.size(ofValue: storage) == Field.allCases.count * MemoryLayout<Span>.stride, "one span per field")
        }
    }

    /// Parses a raw query string (without the `?`).
    public init(query: String) {
        self.init(text: Substring(query))
    }

    /// The same for a slice of a string (the server's request target), kept without a copy.
    public init(query: Substring) {
        self.init(text: query)
    }

    private init(text: Substring) {
        self.text = text
        var text = text
        text.withUTF8 { parse($0) }
    }

    /// One pass over the query: each kept parameter is decoded once, into a scratch buffer
    /// (on the stack for a query of a few KB) or used in place when it has nothing to
    /// decode, checked, and lexed right there. `From` and `To` are lexed only when
    /// `CallFrom` or `CallTo` is missing.
    private mutating func parse(_ query: UnsafeBufferPointer<UInt8>) {
        guard let base = query.baseAddress else { return }
        let end = query.count
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: end + 1) { scratch in
            var count = 0
            var start = 0
            while start <= end {
                // memchr (vectorised in libc) skips long values; names are short, and their
                // `=` is found eight bytes at a time.
                let stop = memchr(base + start, Int32(UInt8(ascii: "&")), end - start)
                    .map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? end
                if stop > start {
                    count += 1
                    let equals = Self.equalsSign(base, from: start, stop: stop, end: end)
                    // The first occurrence that has a value wins.
                    if let field = Self.field(named: UnsafeBufferPointer(start: base + start, count: equals - start)),
                       !spans[field].isPresent {
                        let valueStart = min(equals + 1, stop)
                        let span = Span(start: Int32(valueStart), count: Int32(stop - valueStart))
                        let value = Self.decoded(base, span, unquoting: field == .digits, scratch: scratch)
                        if Self.isValue(value) {
                            spans[field] = span
                            lex(field, value)
                        }
                    }
                }
                start = stop + 1
            }
            parameterCount = count
            if !spans[.callFrom].isPresent, spans[.from].isPresent {
                spans[.callFrom] = spans[.from]
                lex(.callFrom, Self.decoded(base, spans[.from], unquoting: false, scratch: scratch))
            }
            if !spans[.callTo].isPresent, spans[.to].isPresent {
                spans[.callTo] = spans[.to]
                lex(.callTo, Self.decoded(base, spans[.to], unquoting: false, scratch: scratch))
            }
        }
    }

    /// The first `=` in `base[from..<stop]`, or `stop`. Eight bytes at a time while eight
    /// can be read (a zero byte of `word ^ "========"` is an `=`; the lowest flagged byte
    /// is exact), then byte by byte: a byte loop cost five instructions a byte of every name.
    @inline(__always)
    static func equalsSign(_ base: UnsafePointer<UInt8>, from: Int, stop: Int, end: Int) -> Int {
        var index = from
        while index < stop && index + 8 <= end {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)) ^ 0x3D3D_3D3D_3D3D_3D3D
            let zeros = (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
            if zeros != 0 { return min(index + zeros.trailingZeroBitCount >> 3, stop) }
            index += 8
        }
        while index < stop && base[index] != UInt8(ascii: "=") { index += 1 }
        return min(index, stop)
    }

    /// A kept parameter's value, decoded: in place when it has nothing to decode (most
    /// values), else in `scratch`.
    @inline(__always)
    private static func decoded(_ base: UnsafePointer<UInt8>, _ span: Span, unquoting: Bool,
                                scratch: UnsafeMutableBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        let raw = UnsafeBufferPointer(start: base + Int(span.start), count: Int(span.count))
        if !unquoting && !needsDecoding(raw) { return raw }
        return UnsafeBufferPointer(rebasing: scratch[0..<decode(raw, unquoting: unquoting, into: scratch)])
    }

    /// Reads what routing needs from a kept parameter's decoded value.
    @inline(__always)
    private mutating func lex(_ field: Field, _ value: UnsafeBufferPointer<UInt8>) {
        switch field {
        case .callFrom: lexed.caller = RawNumber(bytes: value)
        case .callTo: lexed.exophone = RawNumber(bytes: value)
        case .dialWhomNumber:
            if let user = SIPAddress.dialedUser(value) {
                lexed.dialWhom = .sipUser(user)
            } else {
                lexed.dialWhom = RawNumber(bytes: value).map(Lexed.DialWhom.number)
            }
        case .currentTime: lexed.wallSeconds = WallClockTime(bytes: value)?.secondsSinceEpochAsUTC
        case .direction: lexed.direction = CallDirection.parse(bytes: value)
        case .digits: lexed.digits = KeyPresses(bytes: value)
        case .callSid, .from, .to, .dialCallStatus, .key, .customField: break
        }
    }

    /// The parameters we keep, told apart by length first so that most names cost one
    /// comparison.
    private static func field(named name: UnsafeBufferPointer<UInt8>) -> Field? {
        func matches(_ literal: StaticString) -> Bool { name.equals(literal) }
        switch name.count {
        case 2: return matches("To") ? .to : nil
        case 3: return matches("key") ? .key : nil
        case 4: return matches("From") ? .from : nil
        case 6: return matches("CallTo") ? .callTo : matches("digits") ? .digits : nil
        case 7: return matches("CallSid") ? .callSid : nil
        case 8: return matches("CallFrom") ? .callFrom : nil
        case 9: return matches("Direction") ? .direction : nil
        case 11: return matches("CurrentTime") ? .currentTime : matches("CustomField") ? .customField : nil
        case 14: return matches("DialWhomNumber") ? .dialWhomNumber : matches("DialCallStatus") ? .dialCallStatus : nil
        default: return nil
        }
    }

    /// Empty values and the literal `null` mean absent.
    @inline(__always)
    private static func isValue(_ decoded: UnsafeBufferPointer<UInt8>) -> Bool {
        decoded.count != 0 && !decoded.equals("null")
    }

    /// A kept parameter's decoded value.
    private func value(_ span: Span, unquoting: Bool = false) -> String? {
        guard span.isPresent else { return nil }
        var text = text
        return text.withUTF8 { bytes in
            Self.decode(UnsafeBufferPointer(rebasing: bytes[Int(span.start)..<Int(span.start + span.count)]), unquoting: unquoting)
        }
    }

    @inline(__always)
    private static func needsDecoding(_ raw: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in raw where byte == UInt8(ascii: "%") || byte == UInt8(ascii: "+") { return true }
        return false
    }

    /// Percent-decodes a value into its string; nil for empty and for the literal `null`.
    /// `unquoting` strips one pair of surrounding double quotes (`digits`).
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, unquoting: Bool = false) -> String? {
        let value = String(unsafeUninitializedCapacity: bytes.count) { output in
            let count = decode(bytes, unquoting: unquoting, into: output)
            return isValue(UnsafeBufferPointer(rebasing: output[0..<count])) ? count : 0
        }
        return value.isEmpty ? nil : value
    }

    /// Percent-decodes `bytes` into `output` (at least as long), `+` as a space and a
    /// malformed escape kept literally; returns the decoded length.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, unquoting: Bool, into output: UnsafeMutableBufferPointer<UInt8>) -> Int {
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

    public static func == (lhs: ConnectRequest, rhs: ConnectRequest) -> Bool {
        lhs.fields == rhs.fields && lhs.parameterCount == rhs.parameterCount
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(fields)
        hasher.combine(parameterCount)
    }

    /// What two requests are equal by: their kept values, not their text.
    private var fields: [String?] {
        [callSid, callFrom, callTo, direction, currentTime, digits, dialWhomNumber, dialCallStatus, key]
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

extension UnsafeBufferPointer<UInt8> {
    /// Byte equality with a literal (`elementsEqual` against a `String.UTF8View` is generic
    /// and costs a hundred instructions a call).
    @inlinable @inline(__always)
    public func equals(_ literal: StaticString) -> Bool {
        literal.utf8CodeUnitCount == count && (count == 0 || memcmp(literal.utf8Start, baseAddress!, count) == 0)
    }

    /// The same with a String (the version table's raw values).
    func equals(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { expected in
            expected.count == count && (count == 0 || memcmp(expected.baseAddress!, baseAddress!, count) == 0)
        }
    }
}

/// IVR key presses (`digits`) packed into an integer, so that finding a skill is a hash
/// probe and a request's facts hold no String: `0`-`9`, `*`, `#` as 1-12, four bits each,
/// first press highest, at most 16 presses.
public struct KeyPresses: Sendable, Hashable, CustomStringConvertible {
    /// The packed presses; 0 for presses no skill can name (a character no keypad has, or
    /// more than 16), which never select a skill.
    public let key: UInt64

    public static let unreadable = KeyPresses(key: 0)

    private init(key: UInt64) { self.key = key }

    /// nil for no presses.
    public init?(_ text: String) {
        var text = text
        guard let presses = text.withUTF8({ KeyPresses(bytes: $0) }) else { return nil }
        self = presses
    }

    /// nil for no presses.
    public init?(bytes digits: UnsafeBufferPointer<UInt8>) {
        guard !digits.isEmpty else { return nil }
        guard digits.count <= 16 else { self = .unreadable; return }
        var key: UInt64 = 0
        for byte in digits {
            let code: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): code = UInt64(byte - UInt8(ascii: "0")) + 1
            case UInt8(ascii: "*"): code = 11
            case UInt8(ascii: "#"): code = 12
            default: self = .unreadable; return
            }
            key = key << 4 | code
        }
        self.key = key
    }

    public var isReadable: Bool { key != 0 }

    /// The presses as typed; nil when unreadable.
    public var text: String? {
        guard isReadable else { return nil }
        var presses: [UInt8] = []
        var key = key
        while key != 0 {
            let code = UInt8(key & 0xF)
            presses.append(code == 11 ? UInt8(ascii: "*") : code == 12 ? UInt8(ascii: "#") : UInt8(ascii: "0") + code - 1)
            key >>= 4
        }
        return String(decoding: presses.reversed(), as: UTF8.self)
    }

    public var description: String { text ?? "(not keypad presses)" }
}
