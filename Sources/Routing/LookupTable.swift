import ConnectProtocol

/// A lookup table (`tables:`): a CRM export that says, per caller, whom to dial (the
/// customer's relationship manager). Checked and deduplicated by the compiler.
public struct LookupTable: Sendable {
    /// What a table is keyed by.
    public enum Key: String, Sendable, Hashable, CaseIterable {
        /// The caller's number, in E.164.
        case caller
    }

    public var name: String
    public var key: Key
    /// The distinct values, in order of first appearance in the file.
    public var values: [Destination]
    /// The keys, ascending, without duplicates.
    public var numbers: [PhoneNumber]
    /// For each key, its value's index in `values`.
    public var valueIndexes: [Int32]

    public init(name: String, key: Key, values: [Destination], numbers: [PhoneNumber], valueIndexes: [Int32]) {
        precondition(numbers.count == valueIndexes.count)
        self.name = name
        self.key = key
        self.values = values
        self.numbers = numbers
        self.valueIndexes = valueIndexes
    }

    /// The index in `values` of a number's value, by binary search; nil when it is no key.
    public func valueIndex(of number: PhoneNumber) -> Int? {
        var low = 0, high = numbers.count
        while low < high {
            let middle = (low + high) / 2
            if numbers[middle] < number { low = middle + 1 } else { high = middle }
        }
        return low < numbers.count && numbers[low] == number ? Int(valueIndexes[low]) : nil
    }

    public var rowCount: Int { numbers.count }
}
