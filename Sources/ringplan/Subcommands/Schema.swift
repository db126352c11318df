import ArgumentParser
import RuleCompiler

struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the JSON Schema (draft 2020-12) of rule files and test files, for editors.",
        discussion: "Save it and point the YAML language server at it: `# yaml-language-server: $schema=ringplan.schema.json`."
    )

    func run() throws {
        print(RuleSchema.json(), terminator: "")
    }
}
