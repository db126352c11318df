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
/// the system offers them, so that a random probe does not also miss the TLB. They are
/// mapped afresh for that: memory from `malloc` is often pages that lowering already
/// touched and freed, which stay small pages whatever the advice.
final class TableMemory: @unchecked Sendable {
    private var blocks: [UnsafeMutableRawPointer] = []
    private var mappings: [(address: UnsafeMutableRawPointer, size: Int)] = []
    private(set) var bytes = 0

    static let hugePage = 2 << 20

    init() {}

    deinit {
        for block in blocks { free(block) }
        for mapping in mappings { munmap(mapping.address, mapping.size) }
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
        if size >= Self.hugePage { return allocateHuge(size) }
        var block: UnsafeMutableRawPointer?
        guard posix_memalign(&block, alignment, size) == 0, let block else {
            fatalError("out of memory lowering a rule set (\(size) bytes)")
        }
        blocks.append(block)
        bytes += size
        return block
    }

    /// A fresh mapping, aligned to a huge page (mapped one huge page larger, the ends
    /// trimmed), advised to use huge pages before anything touches it.
    private func allocateHuge(_ size: Int) -> UnsafeMutableRawPointer {
        let rounded = (size + Self.hugePage - 1) / Self.hugePage * Self.hugePage
        let mapped = rounded + Self.hugePage
        guard let raw = mmap(nil, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), raw != MAP_FAILED else {
            fatalError("out of memory lowering a rule set (\(rounded) bytes)")
        }
        let start = (Int(bitPattern: raw) + Self.hugePage - 1) / Self.hugePage * Self.hugePage
        let head = start - Int(bitPattern: raw)
        if head > 0 { munmap(raw, head) }
        let tail = mapped - head - rounded
        let block = UnsafeMutableRawPointer(bitPattern: start)!
        if tail > 0 { munmap(block + rounded, tail) }
        #if os(Linux)
        _ = madvise(block, rounded, MADV_HUGEPAGE) // advice only; fine when refused
        #endif
        mappings.append((block, rounded))
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
