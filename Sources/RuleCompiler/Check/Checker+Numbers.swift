import ConnectProtocol
import Routing

extension Checker {
    mutating func number(_ text: Text) -> PhoneNumber? {
        value(Numbers.number(text.value, home: country), at: text.span)
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
