import ConnectProtocol

/// A lookup table (`tables:`): a CRM export that says, per caller, whom to dial (the
/// customer's relationship manager). Checked and deduplicated by the compiler.
public struct LookupTable: Sendable {
    /// What a table is keyed by.
    public enum Key: String, Sendable, Hashable, CaseIterable {
        /// The caller's number, in E.164.
        case caller
        /// Exotel's `CustomField`, as exact text (a lead id, a language).
        case customField = "custom_field"
    }

    public var name: String
    public var key: Key
    /// The distinct values, in order of first appearance in the file.
    public var values: [Destination]
    /// The keys of a table keyed by caller, ascending, without duplicates.
    public var numbers: [PhoneNumber]
    /// The keys of a table keyed by custom field, ascending by their UTF-8 bytes, without duplicates.
    public var texts: [String]
    /// For each key, its value's index in `values`.
    public var valueIndexes: [Int32]
    /// The file the rows come from, and each key's line in it, for explanations.
    public var file: String
    public var lines: [Int32]

    public init(name: String, key: Key, values: [Destination], numbers: [PhoneNumber] = [], texts: [String] = [], valueIndexes: [Int32],
                file: String = "", lines: [Int32] = []) {
        precondition(numbers.count + texts.count == valueIndexes.count && (lines.isEmpty || lines.count == valueIndexes.count))
        precondition(key == .caller ? texts.isEmpty : numbers.isEmpty)
        self.name = name
        self.key = key
        self.values = values
        self.numbers = numbers
        self.texts = texts
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

    /// The row of a text, by binary search over its UTF-8 bytes; nil when it is no key.
    public func row(ofText text: String) -> Int? {
        var low = 0, high = texts.count
        while low < high {
            let middle = (low + high) / 2
            if texts[middle].utf8.lexicographicallyPrecedes(text.utf8) { low = middle + 1 } else { high = middle }
        }
        return low < texts.count && texts[low].utf8.elementsEqual(text.utf8) ? low : nil
    }

    /// The row of a call's key (its caller, or its `CustomField`); nil when it has none in the table.
    public func row(for facts: CallFacts) -> Int? {
        switch key {
        case .caller: return facts.caller.flatMap { row(of: $0) }
        case .customField: return facts.customField.flatMap { row(ofText: $0) }
        }
    }

    /// The index in `values` of a number's value; nil when it is no key.
    public func valueIndex(of number: PhoneNumber) -> Int? { row(of: number).map { Int(valueIndexes[$0]) } }

    /// Where a row is written: `rm.csv:3`, or nil when the table does not know.
    public func place(ofRow row: Int) -> String? { lines.isEmpty ? nil : "\(file):\(lines[row])" }

    public var rowCount: Int { valueIndexes.count }
}
