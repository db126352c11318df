/// Whom Exotel dials: an E.164 number, or the SIP address of an Exotel softphone (WebRTC)
/// user, which only agents have.
public enum Contact: Sendable, Hashable, CustomStringConvertible {
    case number(PhoneNumber)
    case sip(SIPAddress)

    /// As the answer writes it: `+919876500001`, `sip:priya7f3a`.
    public var description: String {
        switch self {
        case .number(let number): return number.description
        case .sip(let address): return address.description
        }
    }

    /// What `DialWhomNumber` says when Exotel dialled this contact.
    public var dialed: DialedContact {
        switch self {
        case .number(let number): return .number(number)
        case .sip(let address): return .sipUser(address.userKey)
        }
    }

    public var isSIP: Bool {
        if case .sip = self { return true }
        return false
    }
}

/// The contact a `DialWhomNumber` names, as a plain value (no String on the request path):
/// how a re-fetch finds where a hunt is.
public enum DialedContact: Sendable, Hashable, BitwiseCopyable {
    case number(PhoneNumber)
    /// A SIP address, by a 64-bit hash of its user part: Exotel names a softphone by its
    /// user, and may or may not add its own domain after `@`. Two different users share a
    /// hash with a chance of one in 2^64.
    case sipUser(UInt64)
}

/// `sip:USER` or `sip:USER@HOST`: how Exotel addresses a softphone user (`sip:priya7f3a`).
public struct SIPAddress: Sendable, Hashable, CustomStringConvertible {
    public let user: String
    public let host: String?

    public static let maxUserLength = 64
    public static let maxHostLength = 253

    public var description: String { "sip:" + user + (host.map { "@" + $0 } ?? "") }

    /// The hash `DialWhomNumber` is matched by.
    public var userKey: UInt64 { Self.userKey(of: user) }

    /// The hash of a user part.
    public static func userKey(of user: String) -> UInt64 {
        var user = user
        return user.withUTF8 { userKey($0) }
    }

    /// Stable across runs and machines, so that every replica finds the same position.
    @inline(__always)
    static func userKey(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 { FNV1a.hash(bytes) }

    /// Whether `text` starts with a SIP scheme (any case): the checker then reads it as a SIP
    /// address and reports what is wrong with it.
    public static func looksLikeSIP(_ text: String) -> Bool {
        text.utf8.count >= 4 && text.prefix(4).lowercased() == "sip:"
    }

    /// A SIP address as rules write it: `sip:` in lower case, a user of letters, digits,
    /// `.`, `_` and `-` (at most 64), and an optional `@host` of dot-separated labels of
    /// letters, digits and `-`.
    public static func parse(_ text: String) -> Result<SIPAddress, SIPProblem> {
        guard text.hasPrefix("sip:") else {
            return .failure(looksLikeSIP(text) ? .schemeCase : .notSIP)
        }
        let rest = text.dropFirst(4)
        let parts = rest.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        let user = parts[0]
        guard !user.isEmpty else { return .failure(.emptyUser) }
        guard user.count <= maxUserLength else { return .failure(.userTooLong(user.count)) }
        if let bad = user.firstIndex(where: { !isUserCharacter($0) }) {
            return .failure(.invalidUserCharacter(user[bad], offset: text.distance(from: text.startIndex, to: bad)))
        }
        var host: String?
        if parts.count == 2 {
            let name = parts[1]
            let labels = name.split(separator: ".", omittingEmptySubsequences: false)
            guard !name.isEmpty, name.count <= maxHostLength,
                  labels.allSatisfy({ !$0.isEmpty && $0.count <= 63 && $0.allSatisfy(isHostCharacter) && $0.first != "-" && $0.last != "-" })
            else { return .failure(.invalidHost(String(name))) }
            host = name.lowercased()
        }
        return .success(SIPAddress(user: String(user), host: host))
    }

    private static func isUserCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "." || character == "_" || character == "-")
    }

    private static func isHostCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "-")
    }

    /// A `DialWhomNumber` of `sip:USER[@HOST]` (scheme in any case): its user's hash, or nil
    /// when it is no SIP address or its user is none an agent can have.
    @inline(__always)
    static func dialedUser(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard bytes.count > 4, bytes[0] | 0x20 == UInt8(ascii: "s"), bytes[1] | 0x20 == UInt8(ascii: "i"),
              bytes[2] | 0x20 == UInt8(ascii: "p"), bytes[3] == UInt8(ascii: ":") else { return nil }
        var end = 4
        while end < bytes.count && bytes[end] != UInt8(ascii: "@") && bytes[end] != UInt8(ascii: ";") {
            // A user no agent can have matches none: say so here, as the plain reading does.
            guard isUserByte(bytes[end]) else { return nil }
            end += 1
        }
        guard end > 4, end - 4 <= maxUserLength else { return nil }
        return userKey(UnsafeBufferPointer(rebasing: bytes[4..<end]))
    }

    @inline(__always)
    private static func isUserByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"): return true
        default: return false
        }
    }

    /// Whether `user` is a SIP user an agent can have (the plain reading of `DialWhomNumber`).
    public static func isUser(_ user: Substring) -> Bool {
        !user.isEmpty && user.utf8.count <= maxUserLength && user.utf8.allSatisfy(isUserByte)
    }
}

/// Why a text is not a SIP address rules can use.
public enum SIPProblem: Error, Equatable, Sendable {
    case notSIP
    /// `SIP:` or `Sip:`: rules write the scheme in lower case, as Exotel shows it.
    case schemeCase
    case emptyUser
    case userTooLong(Int)
    /// A character a user part may not hold, and its offset in the text (in characters).
    case invalidUserCharacter(Character, offset: Int)
    case invalidHost(String)
}
