import ConnectProtocol
import Foundation
import Routing
import RuleCompiler

/// `ringplan diff --replay`: the decisions of a decision log (written with `--log-numbers`)
/// decided again by two versions of the rules, each exactly as a server serving it decides
/// (`ConnectService`'s admit and decide, with a hunt ledger of its own, so that a re-fetch
/// keeps the rule its call's first fetch chose in that version), and the answers compared
/// byte for byte. Lines are replayed in the log's order; agent state is not in the log, so
/// both versions decide without it.
public final class DecisionReplay {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    private let old: ConnectService
    private let new: ConnectService
    public private(set) var report: ReplayReport
    /// Calls seen, by a hash of the `CallSid` (as the ledger keys them), and whether one of
    /// their decisions changed yet.
    private var calls: [UInt64: Bool] = [:]
    private struct GroupKey: Hashable {
        let ruleSet: String
        let oldRule: String?
        let newRule: String?
    }
    private var groups: [GroupKey: Int] = [:]

    /// `path` names the log in the report.
    public init(old: [RuleSet], new: [RuleSet], path: String) throws {
        func service(_ ruleSets: [RuleSet], _ version: String) throws -> ConnectService {
            var tables: [String: DecisionTable] = [:]
            for ruleSet in ruleSets {
                do { tables[ruleSet.name] = try DecisionTable(ruleSet: ruleSet) } catch {
                    throw Failure(description: "rule set `\(ruleSet.name)` of \(version): cannot build an answer: \(error)")
                }
            }
            let rules = LoadedRules(version: version, loadedAt: Date(), tables: tables, fingerprints: [:])
            return ConnectService(store: RuleStore(serving: rules), ledger: HuntLedger(), metrics: ServerMetrics(), decisions: .none,
                                  token: nil, logNumbers: false)
        }
        self.old = try service(old, "OLD")
        self.new = try service(new, "NEW")
        report = ReplayReport(path: path)
    }

    /// Replays the file at `path` (`-`: standard input), line by line, reading it in blocks.
    public func replay(file path: String) throws {
        let descriptor = path == "-" ? STDIN_FILENO : open(path, O_RDONLY)
        guard descriptor >= 0 else { throw Failure(description: "cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { if descriptor != STDIN_FILENO { close(descriptor) } }
        let blockBytes = 4 << 20
        var buffer = [UInt8](repeating: 0, count: blockBytes + LoggedDecision.maxLineBytes + 1)
        var filled = 0
        // Within a line longer than the bound, skipped to its end.
        var skipping = false
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + filled, blockBytes) }
            guard count >= 0 else { throw Failure(description: "cannot read \(path): \(String(cString: strerror(errno)))") }
            filled += count
            let atEnd = count == 0
            let consumed = buffer.withUnsafeBufferPointer { bytes -> Int in
                var start = 0
                while start < filled {
                    guard let newline = memchr(bytes.baseAddress! + start, 0x0A, filled - start) else {
                        if atEnd || filled - start > LoggedDecision.maxLineBytes {
                            if !skipping { replay(line: UnsafeBufferPointer(rebasing: bytes[start..<filled])) }
                            skipping = !atEnd
                            return filled
                        }
                        return start
                    }
                    let end = UnsafeRawPointer(newline) - UnsafeRawPointer(bytes.baseAddress!)
                    if !skipping { replay(line: UnsafeBufferPointer(rebasing: bytes[start..<end])) }
                    skipping = false
                    start = end + 1
                }
                return start
            }
            if consumed > 0 {
                buffer.withUnsafeMutableBufferPointer { bytes in
                    _ = memmove(bytes.baseAddress!, bytes.baseAddress! + consumed, filled - consumed)
                }
                filled -= consumed
            }
            if atEnd { break }
        }
        finish()
    }

    /// One log line (without its newline); blank lines are not counted.
    func replay(line: UnsafeBufferPointer<UInt8>) {
        guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return }
        report.lines += 1
        do { batch.append(try LoggedDecision(line: line)) } catch {
            report.unused[error, default: 0] += 1
            return
        }
        if batch.count == Self.batchSize { decideBatch() }
    }

    /// Decisions read but not yet decided: each version decides a batch on a core of its
    /// own, in the log's order (its ledger needs that), then the answers are compared.
    private var batch: [LoggedDecision] = []
    static let batchSize = 4_096

    private func decideBatch() {
        let count = batch.count
        guard count > 0 else { return }
        var before = [Answer?](repeating: nil, count: count), after = [Answer?](repeating: nil, count: count)
        before.withUnsafeMutableBufferPointer { oldAnswers in
            after.withUnsafeMutableBufferPointer { newAnswers in
                // Each iteration writes only its own array.
                nonisolated(unsafe) let outputs = [oldAnswers, newAnswers]
                let batch = batch, services = [old, new]
                DispatchQueue.concurrentPerform(iterations: 2) { version in
                    for index in 0..<count { outputs[version][index] = Self.answer(services[version], batch[index]) }
                }
            }
        }
        for index in 0..<count { tally(batch[index], before[index], after[index]) }
        batch.removeAll(keepingCapacity: true)
    }

    private func tally(_ logged: LoggedDecision, _ before: Answer?, _ after: Answer?) {
        guard before != nil || after != nil else {
            report.unused[.unknownRuleSet, default: 0] += 1
            return
        }
        report.decisions += 1
        if logged.agentState { report.withAgentState += 1 }
        if let before, (before.rule ?? "-") != logged.rule { report.notAsLogged += 1 }
        let key = logged.callSid.map { FNV1a.hash($0.utf8) }
        let seen = key.flatMap { calls[$0] }
        if seen == nil { report.calls += 1 }
        let changed = before != after
        if let key, seen == nil || changed { calls[key] = (seen ?? false) || changed }
        guard changed else { return }
        report.changedDecisions += 1
        let group = GroupKey(ruleSet: logged.ruleSet, oldRule: before?.rule, newRule: after?.rule)
        let index: Int
        if let existing = groups[group] {
            index = existing
        } else {
            index = report.groups.count
            groups[group] = index
            report.groups.append(ReplayReport.Group(
                ruleSet: group.ruleSet, oldRule: group.oldRule, newRule: group.newRule, calls: 0, decisions: 0,
                example: ReplayReport.Example(callSid: logged.callSid, query: logged.query, now: logged.now,
                                              connectVersion: logged.versionHeader.map { ConnectVersion.negotiate(header: $0).version.rawValue }
                                                  ?? ConnectVersion.v1_0.rawValue)))
        }
        report.groups[index].decisions += 1
        if seen != true { report.groups[index].calls += 1 }
    }

    /// Groups largest first (then by name, so that reports are stable).
    func finish() {
        decideBatch()
        report.groups.sort {
            ($1.calls, $1.decisions, $0.ruleSet, $0.oldRule ?? "", $0.newRule ?? "") < ($0.calls, $0.decisions, $1.ruleSet, $1.oldRule ?? "", $1.newRule ?? "")
        }
    }

    /// What a version answers: the deciding rule, status and body; nil when it lacks the rule set.
    private struct Answer: Equatable, Sendable {
        let rule: String?
        let status: Int
        let body: ArraySlice<UInt8>
    }

    private static func answer(_ service: ConnectService, _ logged: LoggedDecision) -> Answer? {
        guard service.store.current?.tables[logged.ruleSet] != nil else { return nil }
        switch service.admit(name: Substring(logged.ruleSet), query: Substring(logged.query), versionHeader: logged.versionHeader) {
        case .failure(let refusal):
            return Answer(rule: nil, status: refusal.status, body: ConnectService.error(refusal.status, refusal.message).1)
        case .success(let admitted):
            let outcome = service.decide(admitted, now: logged.now).outcome
            let (status, body) = ConnectService.reply(outcome)
            return Answer(rule: outcome.rule.map { admitted.table.ruleSet.rules[$0].name }, status: status, body: body)
        }
    }
}
