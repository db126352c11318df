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
    }

    private enum Field: UInt8 {
        case callSid, callFrom, from, callTo, to, direction, currentTime, digits, dialWhomNumber, dialCallStatus, key
    }

    /// The parameter names we keep, by their bytes.
    private static let fields: [(name: [UInt8], field: Field)] = ([
        ("CallSid", .callSid), ("CallFrom", .callFrom), ("From", .from), ("CallTo", .callTo), ("To", .to),
        ("Direction", .direction), ("CurrentTime", .currentTime), ("digits", .digits),
        ("DialWhomNumber", .dialWhomNumber), ("DialCallStatus", .dialCallStatus), ("key", .key),
    ] as [(String, Field)]).map { (Array($0.0.utf8), $0.1) }

    /// Parses a raw query string (without the `?`).
    public init(query: some StringProtocol) {
        var copy = String(query)
        self = copy.withUTF8 { ConnectRequest(queryBytes: $0) }
    }

    public init(queryBytes query: UnsafeBufferPointer<UInt8>) {
        var from: String?, to: String?
        var start = 0
        while start <= query.count {
            var end = start
            while end < query.count && query[end] != UInt8(ascii: "&") { end += 1 }
            if end > start {
                parameterCount += 1
                var equals = start
                while equals < end && query[equals] != UInt8(ascii: "=") { equals += 1 }
                let name = UnsafeBufferPointer(rebasing: query[start..<equals])
                if let field = Self.field(named: name) {
                    let valueStart = min(equals + 1, end)
                    let value = Self.decode(UnsafeBufferPointer(rebasing: query[valueStart..<end]))
                    switch field {
                    case .callSid: if callSid == nil { callSid = value }
                    case .callFrom: if callFrom == nil { callFrom = value }
                    case .from: if from == nil { from = value }
                    case .callTo: if callTo == nil { callTo = value }
                    case .to: if to == nil { to = value }
                    case .direction: if direction == nil { direction = value }
                    case .currentTime: if currentTime == nil { currentTime = value }
                    case .digits: if digits == nil { digits = value.flatMap(Self.unquote) }
                    case .dialWhomNumber: if dialWhomNumber == nil { dialWhomNumber = value }
                    case .dialCallStatus: if dialCallStatus == nil { dialCallStatus = value }
                    case .key: if key == nil { key = value }
                    }
                }
            }
            start = end + 1
        }
        if callFrom == nil { callFrom = from }
        if callTo == nil { callTo = to }
    }

    private static func field(named name: UnsafeBufferPointer<UInt8>) -> Field? {
        for candidate in fields where candidate.name.count == name.count && candidate.name.elementsEqual(name) {
            return candidate.field
        }
        return nil
    }

    /// Percent-decodes a value; nil for empty and for the literal `null`.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        if bytes.isEmpty { return nil }
        let needsDecoding = bytes.contains { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }
        let value: String
        if needsDecoding {
            var decoded: [UInt8] = []
            decoded.reserveCapacity(bytes.count)
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "+") {
                    decoded.append(UInt8(ascii: " "))
                } else if byte == UInt8(ascii: "%"), index + 2 < bytes.count,
                          let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) {
                    decoded.append(high << 4 | low)
                    index += 2
                } else {
                    decoded.append(byte)
                }
                index += 1
            }
            value = String(decoding: decoded, as: UTF8.self)
        } else {
            value = String(decoding: bytes, as: UTF8.self)
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

    /// `"2"` -> `2`; `"null"`, `""` -> absent.
    static func unquote(_ value: String) -> String? {
        var text = Substring(value)
        if text.count >= 2, text.first == "\"", text.last == "\"" { text = text.dropFirst().dropLast() }
        return text.isEmpty || text == "null" ? nil : String(text)
    }
}
