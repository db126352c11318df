import Foundation

/// The `/connect/{name}` route, below both ways a request reaches it (`ConnectFastPath` in
/// the channel pipeline, `PublicResponder` in the application): the target's split into
/// name and query, the answer, and the names of the headers it reads and writes.
enum ConnectRoute {
    static let prefix = "/connect/"
    /// Agent pass-through events (`ConnectService.event`).
    static let eventsPrefix = "/events/"
    /// Exotel's request header naming the Connect version.
    static let exotelVersion = "exotel-version"
    /// The rule-set version that answered.
    static let versionHeader = "Ringplan-Version"
    /// The rule that answered.
    static let ruleHeader = "Ringplan-Rule"
    static let contentType = "application/json"

    struct Answer: Equatable {
        let status: Int
        let body: ArraySlice<UInt8>
        var version: String? = nil
        var rule: String? = nil
        /// A HEAD request: headers only.
        let head: Bool
    }

    /// The answer to a `GET` (or, with `head`, a `HEAD`) of `target` when it is
    /// `/connect/...`, or nil.
    static func answer(connect: ConnectService, target: String?, head: Bool, versionHeader: String?) -> Answer? {
        guard let target else { return nil }
        let isEvent: Bool
        if target.utf8.starts(with: prefix.utf8) {
            isEvent = false
        } else if target.utf8.starts(with: eventsPrefix.utf8) {
            isEvent = true
        } else {
            return nil
        }
        guard target.utf8.count <= RequestLimits.maxURIBytes else {
            return Answer(status: 414, body: ConnectService.error(414, "URI too long").1, head: head)
        }
        // On UTF-8 code units: Character-wise searching of a 400-byte query costs
        // microseconds (grapheme breaking).
        let utf8 = target.utf8
        let nameStart = utf8.index(utf8.startIndex, offsetBy: isEvent ? eventsPrefix.utf8.count : prefix.utf8.count)
        let mark = utf8[nameStart...].firstIndex(of: UInt8(ascii: "?"))
        let name = Substring(utf8[nameStart..<(mark ?? utf8.endIndex)])
        let query = mark.map { Substring(utf8[utf8.index(after: $0)...]) }
        let reply = isEvent ? connect.event(name: name, query: query, now: Int64(time(nil)))
            : connect.answer(name: name, query: query, versionHeader: versionHeader, now: Int64(time(nil)))
        return Answer(status: reply.status, body: reply.body, version: reply.version, rule: reply.rule, head: head)
    }

    /// The headers of a JSON answer, in order, before `Date` and `Server` (which each path
    /// adds its own way): given one at a time, so that neither path builds a list.
    @inline(__always)
    static func forEachHeader(bodyCount: Int, version: String?, rule: String?, _ add: (_ name: String, _ value: String) -> Void) {
        add("Content-Type", contentType)
        add("Content-Length", String(bodyCount))
        if let version { add(versionHeader, version) }
        if let rule { add(ruleHeader, rule) }
    }
}
