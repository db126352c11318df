/// How `ringplan serve` runs.
import Foundation

public struct ServerOptions: Sendable {
    public var rulesDirectory: String
    public var host = "127.0.0.1"
    public var port = 8080
    public var adminHost = "127.0.0.1"
    public var adminPort = 8081
    /// When set, `/connect/*` requires `key=` with this value.
    public var token: String?
    /// Log caller numbers in full (they are masked otherwise).
    public var logNumbers = false
    public var ledgerCapacity = 100_000
    /// Seconds between the periodic checks for changed files (the backstop of inotify).
    public var pollInterval: Double = 30
    /// Seconds of quiet after a file event before reloading.
    public var debounce: Double = 0.2
    public var idleTimeout: Double = 60
    /// The server's public address (`https://host[:port][/path]`): the answers of rule sets
    /// that use agent state carry `{publicURL}/events/{name}` so that Exotel reports their calls.
    public var publicURL: String?
    /// Where agent state is kept (`--state`).
    public var state = StateLocation.defaultLocation
    /// Most callers whose sticky agent is kept, all rule sets together.
    public var stickyCapacity = AgentStore.defaultStickyCapacity

    /// The events URL of a rule set, with the token when there is one.
    public func eventsURL(ruleSet: String) -> String? {
        guard let publicURL else { return nil }
        var url = publicURL + "/events/" + ruleSet
        if let token {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            url += "?key=" + (token.addingPercentEncoding(withAllowedCharacters: allowed) ?? token)
        }
        return url
    }

    /// Why `url` cannot be the public URL, or nil: an absolute http(s) URL without query or
    /// fragment (a trailing `/` is dropped).
    public static func publicURLProblem(_ url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty else {
            return "`\(url)` is not an http(s) URL such as https://ringplan.example.com"
        }
        if components.query != nil || components.fragment != nil { return "`\(url)` has a query or fragment; give the address only" }
        if url.utf8.count > 1024 { return "the public URL is over 1024 bytes" }
        return nil
    }

    public init(rulesDirectory: String) {
        self.rulesDirectory = rulesDirectory
    }
}

/// Request bounds: what real Exotel traffic needs, with room, and no more.
public enum RequestLimits {
    /// The realistic query is about 420 bytes.
    public static let maxURIBytes = 4096
    public static let maxQueryParameters = 64
    public static let maxHeaderBytes = 16 * 1024
    public static let maxHeaderFields = 64
    /// Exotel's GET has no body; one is read and dropped up to this size, then refused (413).
    public static let maxBodyBytes = 16 * 1024
    /// Rule-set names in URLs: `[A-Za-z0-9_-]`, no dots or slashes.
    public static let maxNameLength = 64

    public static func isRuleSetName(_ name: Substring) -> Bool {
        !name.isEmpty && name.utf8.count <= maxNameLength && name.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }
}
