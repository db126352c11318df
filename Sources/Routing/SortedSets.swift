/// Set operations on sorted arrays without repeats, for class lists (lowering and the
/// analyses): linear merges, no hashing.
extension Array where Element: Comparable {
    /// The union, sorted, without repeats.
    func sortedUnion(_ other: [Element]) -> [Element] {
        if isEmpty { return other }
        if other.isEmpty { return self }
        var result: [Element] = []
        result.reserveCapacity(count + other.count)
        var i = 0, j = 0
        while i < count && j < other.count {
            if self[i] < other[j] { result.append(self[i]); i += 1 } else if other[j] < self[i] { result.append(other[j]); j += 1 } else {
                result.append(self[i]); i += 1; j += 1
            }
        }
        result += self[i...]
        result += other[j...]
        return result
    }

    /// The elements in both.
    func sortedIntersection(_ other: [Element]) -> [Element] {
        var result: [Element] = []
        var i = 0, j = 0
        while i < count && j < other.count {
            if self[i] == other[j] { result.append(self[i]); i += 1; j += 1 } else if self[i] < other[j] { i += 1 } else { j += 1 }
        }
        return result
    }

    /// The elements not in `other`.
    func sortedSubtracting(_ other: [Element]) -> [Element] {
        var result: [Element] = []
        var j = 0
        for value in self {
            while j < other.count && other[j] < value { j += 1 }
            if j >= other.count || other[j] != value { result.append(value) }
        }
        return result
    }

    /// Whether the two share an element, without allocating.
    /// Binary search.
    func sortedContains(_ element: Element) -> Bool {
        var low = startIndex, high = endIndex
        while low < high {
            let middle = low + (high - low) / 2
            if self[middle] < element { low = middle + 1 } else { high = middle }
        }
        return low < endIndex && self[low] == element
    }

    func sortedIntersects(_ other: [Element]) -> Bool {
        var i = 0, j = 0
        while i < count && j < other.count {
            if self[i] == other[j] { return true }
            if self[i] < other[j] { i += 1 } else { j += 1 }
        }
        return false
    }

    /// Whether some element is not in `other`, without allocating.
    func sortedHasElement(notIn other: [Element]) -> Bool {
        var j = 0
        for value in self {
            while j < other.count && other[j] < value { j += 1 }
            if j >= other.count || other[j] != value { return true }
        }
        return false
    }
}
