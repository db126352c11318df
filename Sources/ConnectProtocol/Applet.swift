/// Which of Exotel's applets asks Ringplan whom to dial: the answer's shape and what it may
/// hold differ. The one table to change when Exotel changes an applet's schema.
public enum Applet: String, Sendable, Hashable, CaseIterable {
    /// CCM Programmable Connect (the seed): `destination` is an array of contact objects
    /// (see `ConnectVersion`), agents may be softphone users (`sip:`), one answer has one
    /// kind of destination.
    case ccm
    /// The generic Programmable Connect ("Programmable Connect: working with Connect
    /// applet (dynamic URL)"), for accounts without CCM: `destination` is an object
    /// `{"numbers": [...]}` of E.164 numbers, with no `destination_type` and no `sip:`
    /// values (integrators report that Exotel silently drops them), the same answer in
    /// every `exotel-version`.
    case connect

    /// Whether `destination` may hold SIP addresses.
    public var dialsSIP: Bool { self == .ccm }

    /// Whether one answer must dial one kind of destination (`destination_type`).
    public var hasDestinationType: Bool { self == .ccm }
}
