#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The memory of one decision table: every array the request path reads is copied here
/// once lowering is done, and freed with the table.
///
/// The indexes then hold `Frozen` views (a pointer and a count), which are trivial values:
/// a lookup that passes them around costs no reference counting, where class references
/// and Swift arrays cost an atomic increment and decrement each time they are copied
/// (two dozen per decision before this, most of a hot lookup's time). Arrays of 2 MiB
/// or more (the number hash of a million listed numbers) get transparent huge pages where
/// the system offers them, so that a random probe does not also miss the TLB.
final class TableMemory: @unchecked Sendable {
    private var blocks: [UnsafeMutableRawPointer] = []
    private(set) var bytes = 0

    static let hugePage = 2 << 20

    init() {}

    deinit {
        for block in blocks { free(block) }
    }

    /// A frozen copy of `array`, valid while this memory lives.
    func freeze<Element: BitwiseCopyable>(_ array: [Element]) -> Frozen<Element> {
        // An empty array still gets a block, so that `base` is always a valid address.
        let size = array.count * MemoryLayout<Element>.stride
        let block = allocate(max(size, MemoryLayout<Element>.stride), alignment: max(MemoryLayout<Element>.alignment, 64))
        array.withUnsafeBytes { if let source = $0.baseAddress { block.copyMemory(from: source, byteCount: size) } }
        return Frozen(base: UnsafePointer(block.assumingMemoryBound(to: Element.self)), count: array.count)
    }

    private func allocate(_ size: Int, alignment: Int) -> UnsafeMutableRawPointer {
        var block: UnsafeMutableRawPointer?
        let huge = size >= Self.hugePage
        let rounded = huge ? (size + Self.hugePage - 1) / Self.hugePage * Self.hugePage : size
        guard posix_memalign(&block, huge ? Self.hugePage : alignment, rounded) == 0, let block else {
            fatalError("out of memory lowering a rule set (\(rounded) bytes)")
        }
        #if os(Linux)
        if huge { _ = madvise(block, rounded, MADV_HUGEPAGE) } // advice only; fine when refused
        #endif
        blocks.append(block)
        bytes += rounded
        return block
    }
}

/// A read-only array in a `TableMemory`: a pointer and a count, copied for free. Valid
/// only while the table that owns the memory lives, which is why the indexes holding
/// these are internal to the table.
struct Frozen<Element: BitwiseCopyable>: @unchecked Sendable {
    let base: UnsafePointer<Element>
    let count: Int

    @inline(__always)
    subscript(index: Int) -> Element {
        assert(index >= 0 && index < count, "index \(index) out of 0..<\(count)")
        return base[index]
    }

    var indices: Range<Int> { 0..<count }
    var isEmpty: Bool { count == 0 }
}
