import Foundation

/// A file's size, modification time (nanoseconds) and inode: what tells that it changed,
/// or was replaced by a rename (editors, Kubernetes' ConfigMap swaps), without reading it.
public struct FileStamp: Sendable, Equatable {
    public let size: Int64
    public let modified: Int64
    public let inode: UInt64

    /// Nil when the file cannot be found.
    public init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        #if canImport(Darwin)
        let time = info.st_mtimespec
        #else
        let time = info.st_mtim
        #endif
        size = Int64(info.st_size)
        modified = Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
        inode = UInt64(info.st_ino)
    }
}
