import ArgumentParser
import ConnectProtocol
import Foundation

/// How the server reads the numbers of requests: for operators asking why a caller did not
/// match, and for the differential test against libphonenumber.
struct Number: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the E.164 form the server reads each number as (`-` when it reads none).",
        discussion: """
        Numbers are read as Exotel sends them (`09845012345`, `1800 123 4567`, `+91 98450 12345`, \
        `0091...`) with --country as the home country, as libphonenumber reads them. Without NUMBER \
        arguments, reads one number per line from standard input.
        """
    )

    @Option(help: "Home country of national numbers (ISO 3166 code, as `country:` in rule sets).")
    var country = "IN"

    @Argument(help: "Numbers to read.")
    var numbers: [String] = []

    func run() throws {
        guard let home = Country.known[country.uppercased()] else {
            throw ValidationError("unknown or unsupported country `\(country)`; supported: \(Country.known.keys.sorted().joined(separator: ", "))")
        }
        func read(_ text: String) -> String { E164.normalize(text, home: home)?.description ?? "-" }
        if !numbers.isEmpty {
            for number in numbers { print(read(number)) }
            return
        }
        var output = ""
        while let line = Swift.readLine(strippingNewline: true) {
            output += read(line)
            output += "\n"
            if output.utf8.count > 1 << 16 {
                print(output, terminator: "")
                output = ""
            }
        }
        print(output, terminator: "")
    }
}
