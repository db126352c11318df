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
    /// The file the rows come from, and each key's line in it, for explanations.
    public var file: String
    public var lines: [Int32]

    public init(name: String, key: Key, values: [Destination], numbers: [PhoneNumber], valueIndexes: [Int32],
                file: String = "", lines: [Int32] = []) {
        precondition(numbers.count == valueIndexes.count && (lines.isEmpty || lines.count == numbers.count))
        self.name = name
        self.key = key
        self.values = values
        self.numbers = numbers
        self.valueIndexes = valueIndexes
        self.file = file
        self.lines = lines
    }

    /// The row of a number, by binary search; nil when it is no key.
    public func row(of number: PhoneNumber) -> Int? {
        var low = 0, high = numbers.count
        while low < high {
            let middle = (low + high) / 2
            if numbers[middle] < number { low = middle + 1 } else { high = middle }
        }
        return low < numbers.count && numbers[low] == number ? low : nil
    }

    /// The index in `values` of a number's value; nil when it is no key.
    public func valueIndex(of number: PhoneNumber) -> Int? { row(of: number).map { Int(valueIndexes[$0]) } }

    /// Where a row is written: `rm.csv:3`, or nil when the table does not know.
    public func place(ofRow row: Int) -> String? { lines.isEmpty ? nil : "\(file):\(lines[row])" }

    public var rowCount: Int { numbers.count }
}
