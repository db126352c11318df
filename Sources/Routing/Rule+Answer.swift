import ConnectProtocol

extension Rule {
    /// How many different answers the rule gives: one per destination when hunting.
    public var answerCount: Int {
        switch dial.strategy {
        case .hunt: return max(dial.destinations.count, 1)
        case .parallel: return 1
        }
    }

    /// The answer to the `attempt`-th fetch of a call this rule decided (0 = the first).
    /// Hunting answers one destination per fetch, with `fetch_after_attempt` while more
    /// remain; parallel ringing answers every destination at once; `nobody` answers an
    /// empty `destination`.
    public func answer(attempt: Int, applet: Applet) throws(AnswerError) -> ConnectAnswer {
        if dial.isNobody { return .nobody(applet: applet) }
        switch dial.strategy {
        case .hunt:
            let destination = dial.destinations[attempt]
            return try ConnectAnswer(applet: applet, destinationType: destination.type, destinations: [destination.contact],
                                     fetchAfterAttempt: attempt + 1 < dial.destinations.count,
                                     parallelAttempts: nil, options: options)
        case .parallel(let maxAttempts):
            return try ConnectAnswer(applet: applet, destinationType: dial.destinations[0].type,
                                     destinations: dial.destinations.map(\.contact),
                                     fetchAfterAttempt: nil, parallelAttempts: maxAttempts, options: options)
        }
    }

    /// The attempt after the one that dialled `dialWhom`: how a re-fetch moves down a hunt
    /// when no per-call state says where the call is. 0 when nothing was dialled yet or the
    /// contact is none of the rule's; `answerCount` when the hunt is exhausted.
    public func attempt(after dialWhom: DialedContact?) -> Int {
        guard case .hunt = dial.strategy, let dialWhom,
              let index = dial.destinations.firstIndex(where: { $0.contact.dialed == dialWhom }) else { return 0 }
        return index + 1
    }
}
