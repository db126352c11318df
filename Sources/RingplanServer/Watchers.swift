import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// inotify on one directory, read by a thread of its own. The directory itself is
/// watched, not its files, so that files replaced by rename (editors) and the Kubernetes
/// ConfigMap `..data` symlink swap are seen.
final class DirectoryWatcher: @unchecked Sendable {
    private let descriptor: Int32
    private let thread: Thread
    /// Read end, write end. Internal for the test that checks they are closed.
    let stopPipe: [Int32]

    init?(path: String, onChange: @escaping @Sendable () -> Void) {
        #if os(Linux)
        let descriptor = inotify_init1(Int32(IN_CLOEXEC))
        guard descriptor >= 0 else { return nil }
        let mask = UInt32(IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_ATTRIB
                           | IN_DELETE_SELF | IN_MOVE_SELF)
        guard inotify_add_watch(descriptor, path, mask) >= 0 else {
            close(descriptor)
            return nil
        }
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else {
            close(descriptor)
            return nil
        }
        for end in pipeEnds { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        self.descriptor = descriptor
        stopPipe = pipeEnds
        let stopRead = pipeEnds[0]
        thread = Thread {
            // The thread owns the inotify descriptor and the pipe's read end: it closes them
            // when it stops, so that `stop` never closes a descriptor under a running poll.
            defer {
                close(descriptor)
                close(stopRead)
            }
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            var fds = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0), pollfd(fd: stopRead, events: Int16(POLLIN), revents: 0)]
            while true {
                guard poll(&fds, 2, -1) >= 0 else { if errno == EINTR { continue } else { return } }
                if fds[1].revents != 0 { return }
                if fds[0].revents != 0 {
                    let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                    if count > 0 { onChange() }
                }
            }
        }
        thread.name = "ringplan-inotify"
        thread.start()
        #else
        return nil
        #endif
    }

    /// Wakes the thread, which closes its descriptors and ends.
    func stop() {
        var byte: UInt8 = 1
        _ = write(stopPipe[1], &byte, 1)
        close(stopPipe[1])
    }
}

/// Delivers a Unix signal (SIGHUP) as a callback instead of its default action.
final class SignalWatcher: @unchecked Sendable {
    private let source: DispatchSourceSignal

    init(signal number: Int32, onSignal: @escaping @Sendable () -> Void) {
        signal(number, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler(handler: onSignal)
        source.resume()
    }

    func stop() { source.cancel() }
}
