import ConnectProtocol
import Routing

extension Checker {
    mutating func number(_ text: Text) -> PhoneNumber? {
        value(Numbers.number(text.value, home: country), at: text.span)
    }

    /// An agent's contact: an E.164 number, or the SIP address of an Exotel softphone user.
    mutating func contact(_ text: Text) -> Contact? {
        guard SIPAddress.looksLikeSIP(text.value) else { return number(text).map(Contact.number) }
        switch SIPAddress.parse(text.value) {
        case .success(let address): return .sip(address)
        case .failure(let problem):
            let (message, help): (String, String?)
            switch problem {
            case .notSIP, .schemeCase:
                (message, help) = ("`\(text.value)` writes the SIP scheme in capitals", "write it `sip:` in lower case: `sip:\(text.value.dropFirst(4))`")
            case .emptyUser:
                (message, help) = ("`\(text.value)` has no user after `sip:`", "Exotel names a softphone by its user, such as \"sip:priya7f3a\"")
            case .userTooLong(let length):
                (message, help) = ("the SIP user of `\(text.value)` has \(length) characters, over the limit of \(SIPAddress.maxUserLength)", nil)
            case .invalidUserCharacter(let character, let offset):
                (message, help) = ("`\(text.value)` has `\(character)` at character \(offset + 1), which a SIP user cannot hold",
                                   "SIP users hold letters, digits, `.`, `_` and `-`; copy the address from the user's device in Exotel")
            case .invalidHost(let host):
                (message, help) = ("`\(host)` in `\(text.value)` is not a host name", "write `sip:USER` or `sip:USER@HOST`, the host as dot-separated names")
            }
            diagnostics.error(.invalidSIPAddress, message, at: text.span, help: help)
            return nil
        }
    }

    /// A number or a prefix, as lists and conditions hold them.
    mutating func numberOrPrefix(_ text: Text) -> NumberAtom? {
        value(Numbers.atom(text.value, home: country), at: text.span)
    }

    mutating func collectLists() {
        for file in files {
            for list in file.lists where define(list.name, kind: "list", in: listSpans) {
                listSpans[list.name.value] = list.name.span
                let resolved: NumberList?
                switch list.source {
                case .file(let path):
                    resolved = loadList(path, file.path, country, &diagnostics).map {
                        NumberList(name: list.name.value, numbers: $0.numbers, prefixes: $0.prefixes)
                    }
                case .entries(let entries):
                    var numbers: [PhoneNumber] = [], prefixes: [String] = []
                    for entry in entries {
                        guard Numbers.looksLikeNumber(entry.value) else {
                            diagnostics.error(.invalidNumber, "`\(entry.value)` is not a number or a prefix; lists hold numbers",
                                              at: entry.span, help: "to combine lists, name both in the condition: `caller: [vip, partners]`")
                            continue
                        }
                        switch numberOrPrefix(entry) {
                        case .number(let number): numbers.append(number)
                        case .prefix(let digits): prefixes.append(digits)
                        default: break
                        }
                    }
                    resolved = NumberList(name: list.name.value, numbers: Array(Set(numbers)).sorted(), prefixes: Array(Set(prefixes)).sorted())
                }
                if let resolved {
                    listIndex[list.name.value] = lists.count
                    lists.append(resolved)
                }
            }
        }
    }
}
