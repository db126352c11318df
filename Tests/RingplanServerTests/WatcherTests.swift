import Foundation
import Testing
@testable import RingplanServer

@Suite struct WatcherTests {
    /// What a descriptor is, as /proc says (`pipe:[123]`), or nil when it is closed.
    static func target(of descriptor: Int32) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(descriptor)")
    }

    /// A watcher gives back both ends of its pipe (and its inotify descriptor) once
    /// stopped: a server that stops watchers must not leak them. Pipes have unique inodes,
    /// so other tests reusing the numbers cannot fool the check.
    @Test func stoppedWatchersCloseTheirPipe() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ringplan-watch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var pipes: [(descriptor: Int32, target: String)] = []
        for _ in 0..<5 {
            let watcher = try #require(DirectoryWatcher(path: directory.path) {})
            for descriptor in watcher.stopPipe {
                let target = try #require(Self.target(of: descriptor))
                #expect(target.hasPrefix("pipe:"))
                pipes.append((descriptor, target))
            }
            watcher.stop()
        }
        // The threads close the read ends as they wake.
        func open() -> [Int32] { pipes.filter { Self.target(of: $0.descriptor) == $0.target }.map(\.descriptor) }
        for _ in 0..<200 where !open().isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        #expect(open().isEmpty)
    }
}
