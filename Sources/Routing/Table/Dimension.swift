/// The decision table's dimensions. `skill` stands for the skill, the call's direction and
/// its custom field together (`SkillIndex`: each is small, so their product is one index).
/// A new dimension is a case here and a field of `PerDimension`.
public enum Dimension: Int, CaseIterable, Sendable {
    case caller, exophone, time, skill
}

/// One value per dimension, by name.
public struct PerDimension<Value> {
    public var caller: Value
    public var exophone: Value
    public var time: Value
    public var skill: Value

    public init(caller: Value, exophone: Value, time: Value, skill: Value) {
        self.caller = caller
        self.exophone = exophone
        self.time = time
        self.skill = skill
    }

    public init(_ value: (Dimension) -> Value) {
        self.init(caller: value(.caller), exophone: value(.exophone), time: value(.time), skill: value(.skill))
    }

    public subscript(dimension: Dimension) -> Value {
        get {
            switch dimension {
            case .caller: caller
            case .exophone: exophone
            case .time: time
            case .skill: skill
            }
        }
        set {
            switch dimension {
            case .caller: caller = newValue
            case .exophone: exophone = newValue
            case .time: time = newValue
            case .skill: skill = newValue
            }
        }
    }

    public func map<Other>(_ transform: (Value) -> Other) -> PerDimension<Other> {
        PerDimension<Other> { transform(self[$0]) }
    }
}

extension PerDimension: Equatable where Value: Equatable {}
extension PerDimension: Sendable where Value: Sendable {}
