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

    public static let count = allCases.count

    /// The key of a destination object: `{"device_contact_uri": ...}` in 1.0 (the seed),
    /// `{"contact_uri": ...}` in 1.1 (integrators' reports; `device_contact_uri` is dropped).
    public var destinationKey: String {
        switch self {
        case .v1_0: return "device_contact_uri"
        case .v1_1: return "contact_uri"
        }
    }

    /// The version an `exotel-version` header asks for. No header means 1.0 (the seed's
    /// "Current Version"); a value we do not know gets the newest we know, and `isFallback`
    /// says so, for the decision log.
    public static func negotiate(header: String?) -> (version: ConnectVersion, isFallback: Bool) {
        guard let header else { return (.v1_0, false) }
        // On UTF-8 code units: trimming Characters cost more than the rest of a decision.
        var value = Substring(header).utf8
        while let first = value.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { value = value.dropFirst() }
        while let last = value.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { value = value.dropLast() }
        for version in allCases where value.elementsEqual(version.rawValue.utf8) { return (version, false) }
        if value.elementsEqual("1".utf8) { return (.v1_0, false) }
        return (newest, true)
    }
}
