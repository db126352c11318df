@testable import Routing
import Testing

/// The sorted-array set operations of lowering and the analyses against Swift's `Set`.
@Suite struct SortedSetsTests {
    @Test func agreeWithSetOnRandomLists() {
        var random = SeededRandom(seed: 42)
        for _ in 0..<500 {
            let a = Array(Set((0..<random.int(0...12)).map { _ in Int32(random.int(0...20)) })).sorted()
            let b = Array(Set((0..<random.int(0...12)).map { _ in Int32(random.int(0...20)) })).sorted()
            #expect(a.sortedUnion(b) == Set(a).union(b).sorted())
            #expect(a.sortedIntersection(b) == Set(a).intersection(b).sorted())
            #expect(a.sortedSubtracting(b) == Set(a).subtracting(b).sorted())
            #expect(a.sortedIntersects(b) == !Set(a).isDisjoint(with: b))
            #expect(a.sortedHasElement(notIn: b) == !Set(a).isSubset(of: b))
        }
    }
}
