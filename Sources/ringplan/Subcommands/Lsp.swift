import ArgumentParser
import Foundation
import LanguageServer

struct Lsp: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lsp",
        abstract: "Serve the checker to an editor over the Language Server Protocol (stdio).",
        discussion: """
            An editor starts it and speaks JSON-RPC 2.0 on its standard input and output. The rules \
            directory is the workspace folder, or the directory of the first file opened. Diagnostics \
            come from the unsaved texts a moment after each edit, for every rule file of the directory.
            """
    )

    func run() throws {
        // Logs would corrupt the protocol on stdout: nothing else writes there.
        let server = LanguageServer(writer: MessageWriter(fileDescriptor: STDOUT_FILENO))
        throw ExitCode(server.run(input: STDIN_FILENO))
    }
}
