import ArgumentParser

@main
struct Ringplan: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ringplan",
        abstract: "Call-routing rules for Exotel's Connect applet: check them, evaluate them, serve them.",
        subcommands: [Check.self]
    )
}

/// Exit statuses shared by every subcommand: scripts and CI tell rule problems from usage problems.
enum Exit {
    /// Rule errors (or warnings under `--strict`), failed tests.
    static let failure = ExitCode(1)
    /// Usage or I/O errors: a missing path, an unreadable file.
    static let usage = ExitCode(2)
}
