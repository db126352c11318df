import ConnectProtocol

/// For each class of each dimension, a value that falls in it: how the analyses turn a
/// class of calls into an example request one can paste into `ringplan eval`.
extension NumberIndex {
    /// Class -> a number in it (class 0, which no atom satisfies, is "no number").
    func representatives(home: Country) -> [Int: PhoneNumber] {
        var result: [Int: PhoneNumber] = [:]
        // A plain home-country number for the class of numbers no condition names.
        for filler in ["7000000000", "7777777777", "6000000001"] {
            if let number = E164.normalize(("+" + String(home.callingCode) + filler)[...], home: home), row(number) == 0 {
                result[0] = number
                break
            }
        }
        exact.forEach { number, classID in
            if result[Int(classID)] == nil { result[Int(classID)] = PhoneNumber(value: number) }
        }
        // Prefixes: their digits, padded out to a number of a valid length, checked.
        prefixes.forEach { key, classID in
            guard result[Int(classID)] == nil else { return }
            let digits = Self.prefixDigits(key: key)
            for filler in ["0", "5", "7", "9", "1"] {
                var candidate = digits
                while E164.normalize(("+" + candidate)[...], home: home) == nil && candidate.count < 15 { candidate += filler }
                if let number = E164.normalize(("+" + candidate)[...], home: home), row(number) == Int(classID) {
                    result[Int(classID)] = number
                    break
                }
            }
        }
        return result
    }
}

extension TimeIndex {
    /// Class -> a local moment in it: the earliest minute of the first kind of day that has it.
    func representatives() -> [Int: LocalMoment] {
        var result: [Int: LocalMoment] = [:]
        for (slot, day) in slotDays.enumerated() {
            guard let day else { continue }
            for minute in 0..<1440 {
                let classID = Int(minuteClass[Int(dayStart[slot]) + minute])
                if result[classID] == nil {
                    result[classID] = LocalMoment(localSeconds: Int64(day) * 86_400 + Int64(minute) * 60)
                }
            }
        }
        return result
    }
}
