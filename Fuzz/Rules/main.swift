import Foundation
import FuzzSupport

/// Arbitrary bytes as a rule file, an included file, a list file, a lookup table file, a
/// rule set with plans and splits, an iCalendar file, or a rule set of calendars (the first
/// byte picks which; the example rules fill the other roles), through
/// loading, checking, lowering and the analyses. Whatever compiles must then answer the
/// probe requests with the table and the reference evaluator agreeing, bodies valid.
let directory = NSTemporaryDirectory() + "ringplan-fuzz-rules-\(getpid())"
let examples = FuzzInvariants.repository.appendingPathComponent("rules")
let hours = FuzzInvariants.repository.appendingPathComponent("examples/hours")

func write(_ name: String, _ bytes: some Sequence<UInt8>) {
    FileManager.default.createFile(atPath: directory + "/" + name, contents: Data(bytes))
}

func fuzzRules(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0, size <= 64 * 1024 else { return 0 }
    let role = data[0] % 7
    let content = UnsafeBufferPointer(start: data + 1, count: size - 1)
    try? FileManager.default.removeItem(atPath: directory)
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    for name in ["support.yaml", "team.yaml", "sales.yaml", "rm.csv"] {
        write(name, (try? Data(contentsOf: examples.appendingPathComponent(name))) ?? Data())
    }
    // The opening-hours rule set only for its own roles: it would slow every other input.
    if role >= 5 {
        for name in ["hours.yaml", "holidays.ics"] {
            write(name, (try? Data(contentsOf: hours.appendingPathComponent(name))) ?? Data())
        }
    }
    write("vip.txt", Array("+919845012345\n+9198450199*\n".utf8))
    switch role {
    case 0: write("support.yaml", content)
    case 1: write("team.yaml", content)
    case 3: write("rm.csv", content)
    case 4: write("sales.yaml", content)
    case 5: write("holidays.ics", content)
    case 6: write("hours.yaml", content)
    default:
        // A list file: the shared file names it.
        write("vip.txt", content)
        write("team.yaml", Array(((try? String(contentsOf: examples.appendingPathComponent("team.yaml"), encoding: .utf8)) ?? "")
            .replacingOccurrences(of: "  vip:\n    - \"+919845012345\"\n    - \"+9198450199*\"         # a prefix: every number that starts with it\n",
                                  with: "  vip: { file: vip.txt }\n").utf8))
    }
    // Analyses included: they lower the rule set and look for gaps and shadowed rules.
    for compiled in FuzzInvariants.compile([directory], analyze: true) {
        for probe in FuzzInvariants.probes {
            for header in [nil, "1.1"] as [String?] {
                FuzzInvariants.check(compiled, query: probe[...], versionHeader: header, now: 1_795_000_000)
            }
        }
    }
    return 0
}

FuzzDriver.run { data, size in fuzzRules(data, size) }
