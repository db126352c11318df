import ArgumentParser
import Foundation
import Routing
import RuleCompiler

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw who gets the calls: a week view of which rule decides each kind of call.",
        discussion: """
            Every kind of call the rule set tells apart (by caller, ExoPhone, skill, direction and custom \
            field), quarter-hour by quarter-hour, coloured by the deciding rule, with whom it dials; days \
            that calendars list, and clock changes, are marked. html is one self-contained file (no \
            scripts); svg a drawing; text for terminals. Exit status: 0; 1 when the rule set has errors; \
            2 for usage or I/O errors.
            """
    )

    @Argument(help: "The rule-set file, such as rules/support.yaml.")
    var ruleSet: String

    @Option(help: "The first day, YYYY-MM-DD in the rule set's time zone (default: today there).")
    var from: String?

    @Option(help: "How many days (1 to \(WeekView.maxDays)).")
    var days = 7

    @Option(help: "html, svg or text.")
    var format: Format = .text

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var output: String?

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case html, svg, text
    }

    func run() throws {
        let (_, _, table) = try loadRuleSet(ruleSet, analyze: false)
        let first: LocalDate
        if let from {
            guard let date = LocalDate(parsing: from) else {
                FileHandle.standardError.write(Data("error: --from `\(from)` is not a date: write YYYY-MM-DD, such as 2027-01-04\n".utf8))
                throw Exit.usage
            }
            first = date
        } else {
            let now = Int64(Date().timeIntervalSince1970)
            first = LocalMoment(localSeconds: now + table.reader.zone.offset(atUTC: now)).date
        }
        let view: WeekView
        do { view = try WeekView(table: table, from: first, days: days) } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw Exit.usage
        }
        let text = WeekViewRenderer.render(view, as: WeekViewRenderer.Format(rawValue: format.rawValue)!)
        if let output {
            do { try Data(text.utf8).write(to: URL(fileURLWithPath: output)) } catch {
                FileHandle.standardError.write(Data("error: cannot write \(output): \(error.localizedDescription)\n".utf8))
                throw Exit.usage
            }
        } else {
            print(text, terminator: "")
        }
    }
}
