/// The versions of the Connect answer schema, and every difference between them: the one
/// table to change when Exotel publishes a new version.
public enum ConnectVersion: String, Sendable, Hashable, CaseIterable, Comparable {
    case v1_0 = "1.0"
    case v1_1 = "1.1"

    public static let newest = ConnectVersion.v1_1

    public static func < (lhs: ConnectVersion, rhs: ConnectVersion) -> Bool { lhs.index < rhs.index }

    /// The position in `allCases`, for tables with an entry per version (the answer store
    /// reads it on every request, where `allCases.firstIndex` would build an array).
    @inlinable public var index: Int {
        switch self {
        case .v1_0: return 0
        case .v1_1: return 1
        }
    }

    /// A constant (`allCases.count` is a lazily initialised global, checked on every read).
    @inlinable public static var count: Int { newest.index + 1 }

    /// The key of a destination object: `{"device_contact_uri": ...}` in 1.0 (the seed),
    /// `{"contact_uri": ...}` in 1.1 (integrators' reports; `device_contact_uri` is dropped).
    public var destinationKey: String {
        switch self {
        case .v1_0: return "device_contact_uri"
        case .v1_1: return "contact_uri"
        }
    }

    /// Whether CCM answers carry `destination_type`: 1.0 does (the seed, where it is
    /// mandatory); 1.1 does not (its sample answer has none, and integrators found that
    /// `"destination_type": "user"` makes Exotel look the destination up as a user id and
    /// dial nobody: the form of `contact_uri`, a number or `sip:`, says what it is).
    public var carriesDestinationType: Bool {
        switch self {
        case .v1_0: return true
        case .v1_1: return false
        }
    }

    /// The version an `exotel-version` header asks for. No header means 1.0 (the seed's
    /// "Current Version"); a value we do not know gets the newest we know, and `isFallback`
    /// says so, for the decision log.
    public static func negotiate(header: String?) -> (version: ConnectVersion, isFallback: Bool) {
        guard let header else { return (.v1_0, false) }
        // On UTF-8 bytes: trimming Characters cost more than the rest of a decision.
        var text = header
        return text.withUTF8 { bytes in
            var start = 0, end = bytes.count
            while start < end && (bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t")) { start += 1 }
            while end > start && (bytes[end - 1] == UInt8(ascii: " ") || bytes[end - 1] == UInt8(ascii: "\t")) { end -= 1 }
            let value = UnsafeBufferPointer(rebasing: bytes[start..<end])
            for version in allCases where value.equals(version.rawValue) { return (version, false) }
            if value.equals("1" as StaticString) { return (.v1_0, false) }
            return (newest, true)
        }
    }
}
