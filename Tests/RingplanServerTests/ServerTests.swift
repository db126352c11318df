import Foundation
import Testing
@testable import RingplanServer

/// The server over a real socket on 127.0.0.1.
@Suite(.serialized) struct ServerTests {
    static let vip = "/connect/support?CallSid=a1&CallFrom=09845012345&CallTo=08047112345&CurrentTime=2026-11-25+10:15:00&digits=%222%22"

    func destinations(_ result: HTTPResult, key: String = "device_contact_uri") -> [String] {
        (result.json?["destination"] as? [[String: String]] ?? []).compactMap { $0[key] }
    }

    @Test func acceptanceExamplesOverHTTP() async throws {
        let server = try await TestServer()
        do {
            let first = try await server.get(Self.vip)
            #expect(first.status == 200)
            #expect(first.headers["content-type"] == "application/json")
            #expect(first.headers["ringplan-rule"] == "vip")
            #expect(first.headers["ringplan-version"] == server.server.store.current?.version)
            #expect(destinations(first) == ["+919876500001"])
            #expect(first.json?["fetch_after_attempt"] as? Bool == true)

            let afterHours = try await server.get("/connect/support?CallFrom=09900000001&CallTo=08047112345&CurrentTime=2026-11-25+21:00:00")
            #expect(afterHours.headers["ringplan-rule"] == "after-hours")
            let parallel = try await server.get("/connect/support?CallFrom=09900000001&CallTo=08047112345&CurrentTime=2026-11-25+11:00:00&digits=%222%22")
            #expect(destinations(parallel) == ["+919876500003", "sip:vikram4c2e", "+919876500001"])
            let holiday = try await server.get("/connect/support?CallFrom=09900000001&CallTo=08047110000&CurrentTime=2026-01-26+11:00:00")
            #expect(holiday.headers["ringplan-rule"] == "after-hours")
            let lunch = try await server.get("/connect/support?CallFrom=09900000001&CallTo=08047110000&CurrentTime=2026-11-25+13:30:00")
            #expect(lunch.headers["ringplan-rule"] == "after-hours")

            let saturday = "/connect/support?CallFrom=09900000001&CallTo=08047110000&CurrentTime=2026-11-28+12:00:00"
            let v10 = try await server.get(saturday)
            #expect(v10.headers["ringplan-rule"] == "everyone-else")
            #expect(destinations(v10) == ["+919876500001"])
            let v11 = try await server.get(saturday, headers: ["Exotel-Version": "1.1"])
            #expect(destinations(v11, key: "contact_uri") == ["+919876500001"])
            let unknown = try await server.get(saturday, headers: ["exotel-version": "9.9"])
            #expect(destinations(unknown, key: "contact_uri") == ["+919876500001"], "an unknown version gets the newest")

            let head = try await server.get(saturday, method: "HEAD")
            #expect(head.status == 200)
            #expect(head.body.isEmpty)
            #expect(head.headers["content-length"] == v10.headers["content-length"])
            #expect(head.headers["content-type"] == "application/json")
        }
        await server.stop()
    }

    @Test func nonAnswersAreFastNon200s() async throws {
        let server = try await TestServer(files: ["closed.yaml": """
            ringplan: 1
            unmatched: fallback
            agents: { a: "+919876500001" }
            rules:
              - name: only-vip
                when: { caller: "+919845012345" }
                dial: a
            """])
        do {
            #expect(try await server.get("/connect/nope?CallFrom=1").status == 404)
            let noMatch = try await server.get("/connect/closed?CallFrom=09900000001")
            #expect(noMatch.status == 422)
            #expect(noMatch.json?["error"] as? String == "no rule matched")
            let metrics = try await server.get("/metrics", admin: true)
            #expect(metrics.body.contains(#"outcome="fallback""#))
            #expect(try await server.get("/connect/..%2Fsupport?CallFrom=1").status == 404)
            #expect(try await server.get("/connect/sup.port").status == 404)
            #expect(try await server.get("/healthz").status == 200)
            #expect(try await server.get("/readyz").status == 200)
        }
        await server.stop()
    }

    @Test func huntFetchedThreeTimes() async throws {
        let server = try await TestServer()
        do {
            let first = try await server.get(Self.vip)
            // Re-fetches come without digits and later; the call stays on rule `vip`.
            let refetch = "/connect/support?CallSid=a1&CallFrom=09845012345&CallTo=08047112345&CurrentTime=2026-11-25+21:30:00"
            let second = try await server.get(refetch)
            let third = try await server.get(refetch)
            #expect(destinations(first) == ["+919876500001"])
            #expect(destinations(second) == ["+919876500002"])
            #expect(second.json?["fetch_after_attempt"] as? Bool == false)
            #expect(second.headers["ringplan-rule"] == "vip")
            // The hunt is exhausted: `unmatched: nobody` (the default) dials nobody.
            #expect(third.status == 200)
            #expect(third.body == #"{"fetch_after_attempt":false,"destination_type":"user","destination":[]}"#)
            #expect(third.headers["ringplan-rule"] == "vip")
        }
        await server.stop()
    }

    /// rules/sales.yaml's plan: the RM, the rest of the team in parallel, the desk; a fourth
    /// fetch gets the version's "nobody" (`unmatched: nobody`), or a 422 under `fallback`.
    @Test func threeStepPlanFetchedFourTimes() async throws {
        let fallback = try String(contentsOf: TestServer.repositoryRules.appendingPathComponent("sales.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "country: IN\n", with: "country: IN\nunmatched: fallback\n")
        let server = try await TestServer(files: ["strict.yaml": fallback])
        do {
            for (ruleSet, version) in [("sales", "1.0"), ("sales", "1.1"), ("strict", "1.0")] {
                let fetch = "/connect/\(ruleSet)?CallSid=plan-\(ruleSet)-\(version)&CallFrom=09845012345&CallTo=08047112345&CurrentTime=2026-11-25+10:15:00"
                let key = version == "1.0" ? "device_contact_uri" : "contact_uri"
                var answers: [HTTPResult] = []
                for _ in 0..<4 { answers.append(try await server.get(fetch, headers: ["exotel-version": version])) }
                #expect(answers[0].status == 200)
                #expect(destinations(answers[0], key: key) == ["+919876500001"])
                #expect(answers[0].json?["fetch_after_attempt"] as? Bool == true)
                #expect(answers[0].json?["max_ringing_duration"] as? Int == 15)
                #expect(destinations(answers[1], key: key) == ["+919876500002"], "priya, dialled first, is left out of the team")
                #expect((answers[1].json?["parallel_ringing"] as? [String: Any])?["max_parallel_attempts"] as? Int == 1)
                #expect(answers[1].json?["fetch_after_attempt"] as? Bool == true)
                #expect(destinations(answers[2], key: key) == ["+918047119999"])
                #expect(answers[2].json?["fetch_after_attempt"] as? Bool == false)
                #expect(answers.prefix(3).allSatisfy { $0.headers["ringplan-rule"] == "own-rm" })
                if ruleSet == "strict" {
                    #expect(answers[3].status == 422)
                } else {
                    #expect(answers[3].status == 200)
                    #expect(answers[3].body == (version == "1.0" ? #"{"fetch_after_attempt":false,"destination_type":"user","destination":[]}"#
                                                                 : #"{"fetch_after_attempt":false,"destination":[]}"#))
                }
            }
            // Another replica, with no ledger entry for the call, goes on from DialWhomNumber.
            let elsewhere = try await server.get("/connect/sales?CallSid=plan-replica&CallFrom=09845012345&CallTo=08047112345&CurrentTime=2026-11-25+10:15:00&DialWhomNumber=09876500001")
            #expect(destinations(elsewhere) == ["+919876500002"])
        }
        await server.stop()
    }

    @Test func nobodyIsDialledOnPurposeAndWhenNoRuleMatches() async throws {
        let server = try await TestServer(files: ["desk.yaml": """
            ringplan: 1
            agents: { a: "+919876500001" }
            rules:
              - name: blocked
                when: { caller: "+919845012345" }
                dial: nobody
              - name: office
                when: { time: "mon-fri 09:00-18:00" }
                dial: a
            """])
        do {
            let blocked = try await server.get("/connect/desk?CallFrom=09845012345&CurrentTime=2026-11-25+10:00:00")
            #expect(blocked.status == 200)
            #expect(blocked.headers["ringplan-rule"] == "blocked")
            #expect(blocked.body == #"{"fetch_after_attempt":false,"destination_type":"user","destination":[]}"#)
            let night = try await server.get("/connect/desk?CallFrom=09900000001&CurrentTime=2026-11-25+23:00:00",
                                              headers: ["exotel-version": "1.1"])
            #expect(night.status == 200)
            #expect(night.headers["ringplan-rule"] == nil)
            #expect(night.body == #"{"fetch_after_attempt":false,"destination":[]}"#)
            let metrics = try await server.get("/metrics", admin: true)
            #expect(metrics.body.contains(#"rule="blocked""#) && metrics.body.contains(#"outcome="nobody""#))
        }
        await server.stop()
    }

    @Test func genericConnectAppletAndTollFreeCallers() async throws {
        let server = try await TestServer(files: ["generic.yaml": """
            ringplan: 1
            applet: connect
            agents: { priya: "+919876500001" }
            rules:
              - name: toll-free
                when: { caller: "+9118001234567" }
                dial: { to: [priya, "+918047119999"], strategy: parallel }
              - name: rest
                dial: nobody
            """])
        do {
            // A national toll-free caller is India's, not a United States number.
            let tollFree = try await server.get("/connect/generic?CallFrom=1800%20123%204567", headers: ["exotel-version": "1.1"])
            #expect(tollFree.headers["ringplan-rule"] == "toll-free")
            #expect(tollFree.body == #"{"destination":{"numbers":["+919876500001","+918047119999"]},"parallel_ringing":{"activate":true,"max_parallel_attempts":2}}"#)
            let other = try await server.get("/connect/generic?CallFrom=09900000001")
            #expect(other.body == #"{"fetch_after_attempt":false,"destination":{"numbers":[]}}"#)
        }
        await server.stop()
    }

    @Test func softphoneAgentsHuntedAcrossReplicas() async throws {
        let server = try await TestServer(files: ["soft.yaml": """
            ringplan: 1
            agents: { asha: "sip:asha7f3a", priya: "+919876500001" }
            rules:
              - name: team
                dial: [asha, priya]
            """])
        do {
            let first = try await server.get("/connect/soft?CallSid=s1&CallFrom=09900000001", headers: ["exotel-version": "1.1"])
            #expect(first.body == #"{"fetch_after_attempt":true,"destination":[{"contact_uri":"sip:asha7f3a"}]}"#)
            // Another replica (no ledger entry for this CallSid) finds the position from the
            // SIP address Exotel dialled, with or without its domain.
            for dialled in ["sip:asha7f3a", "sip%3Aasha7f3a%40acme.exotel.in"] {
                let next = try await server.get("/connect/soft?CallSid=s2\(dialled.count)&CallFrom=09900000001&DialWhomNumber=\(dialled)")
                #expect(next.json?["destination_type"] as? String == "user")
                #expect(destinations(next) == ["+919876500001"])
            }
        }
        await server.stop()
    }

    @Test func concurrentRefetchesGetDistinctDestinations() async throws {
        let server = try await TestServer(files: ["hunt.yaml": """
            ringplan: 1
            include: team.yaml
            rules:
              - name: everyone
                dial: [asha, vikram, priya, rahul, "+918047119999", "+918047119998"]
            """])
        do {
            let port = server.port
            let query = "/connect/hunt?CallSid=c0ffee&CallFrom=09900000001&CallTo=08047110000"
            let results = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        let result = try await onThread { try HTTPResult.send(method: "GET", port: port, target: query) }
                        return (result.json?["destination"] as? [[String: String]])?.first?["device_contact_uri"] ?? "status \(result.status)"
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(results) == ["+919876500003", "sip:vikram4c2e", "+919876500001", "+919876500002", "+918047119999", "+918047119998"])
        }
        await server.stop()
    }

    @Test func withoutLedgerTheHuntMovesOnByDialWhomNumber() async throws {
        let server = try await TestServer()
        do {
            // Another replica answered the first fetch: no entry here, DialWhomNumber says where the call is.
            let result = try await server.get("/connect/support?CallSid=other&CallFrom=09845012345&CallTo=08047112345&CurrentTime=2026-11-25+10:15:00&DialWhomNumber=09876500001&DialCallStatus=no-answer")
            #expect(destinations(result) == ["+919876500002"])
        }
        await server.stop()
    }

    @Test func token() async throws {
        let server = try await TestServer(token: "s3cret")
        do {
            let saturday = "/connect/support?CallFrom=09900000001&CallTo=08047110000&CurrentTime=2026-11-28+12:00:00"
            #expect(try await server.get(saturday).status == 401)
            #expect(try await server.get(saturday + "&key=wrong").status == 401)
            #expect(try await server.get(saturday + "&key=s3cre").status == 401)
            #expect(try await server.get(saturday + "&key=s3cret").status == 200)
            #expect(try await server.get("/healthz").status == 200, "health needs no key")
        }
        await server.stop()
    }

    @Test func bounds() async throws {
        let server = try await TestServer()
        do {
            let long = "/connect/support?CallFrom=09900000001&pad=" + String(repeating: "x", count: 5000)
            #expect(try await server.get(long).status == 414)
            let many = "/connect/support?" + (0..<80).map { "p\($0)=1" }.joined(separator: "&")
            #expect(try await server.get(many).status == 400)
            let bigHeader = try await server.get("/connect/support?CallFrom=1", headers: ["X-Pad": String(repeating: "y", count: 20_000)])
            #expect(bigHeader.status != 200)
            let manyHeaders = Dictionary(uniqueKeysWithValues: (0..<100).map { ("X-H\($0)", "v") })
            #expect(try await server.get("/connect/support?CallFrom=1", headers: manyHeaders).status != 200)
            // A body is not read and changes nothing.
            let port = server.port
            let withBody = try await onThread { try HTTPResult.send(method: "GET", port: port, target: "", rawRequest:
                "GET /connect/support?CallFrom=09900000001&CallTo=08047110000&CurrentTime=2026-11-28+12:00:00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 11\r\n\r\nhello world") }
            #expect(withBody.status == 200)
            // The server is still up.
            #expect(try await server.get("/healthz").status == 200)
        }
        await server.stop()
    }

    @Test func reloadChangesTheAnswer() async throws {
        let server = try await TestServer()
        do {
            let saturday = "/connect/support?CallFrom=09900000001&CallTo=08047110000&CurrentTime=2026-11-28+12:00:00"
            let before = try await server.get(saturday)
            #expect(before.headers["ringplan-rule"] == "everyone-else")
            let original = try String(contentsOf: server.directory.appendingPathComponent("support.yaml"), encoding: .utf8)
            try server.write("support.yaml", original.replacingOccurrences(of: "  - name: everyone-else\n    dial:\n      to: sales",
                                                                           with: "  - name: everyone-else\n    dial:\n      to: support"))
            // inotify sees the rename; the answer changes within a second or so.
            var after = before
            for _ in 0..<50 {
                try await Task.sleep(for: .milliseconds(100))
                after = try await server.get(saturday)
                if after.headers["ringplan-version"] != before.headers["ringplan-version"] { break }
            }
            #expect(after.headers["ringplan-version"] != before.headers["ringplan-version"])
            #expect(destinations(after) == ["+919876500003"])
            let admin = try await server.get("/admin/rules", admin: true)
            #expect(((admin.json?["lastReload"] as? [String: Any])?["outcome"] as? String) == "loaded")
        }
        await server.stop()
    }

    /// A new CRM export is picked up like a rule change; a broken one keeps the last good table.
    @Test func tableFilesAreReloaded() async throws {
        let server = try await TestServer()
        do {
            let customer = "/connect/sales?CallFrom=09845012345&CallTo=08047112345&CurrentTime=2026-11-25+10:15:00"
            let before = try await server.get(customer)
            #expect(destinations(before) == ["+919876500001"])
            let original = try String(contentsOf: server.directory.appendingPathComponent("rm.csv"), encoding: .utf8)
            try server.write("rm.csv", original.replacingOccurrences(of: "+919845012345,priya", with: "+919845012345,asha"))
            var after = before
            for _ in 0..<50 {
                try await Task.sleep(for: .milliseconds(100))
                after = try await server.get(customer)
                if after.headers["ringplan-version"] != before.headers["ringplan-version"] { break }
            }
            #expect(destinations(after) == ["+919876500003"])
            try server.write("rm.csv", original.replacingOccurrences(of: "+919845012345,priya", with: "+919845012345,asah"))
            let reload = try await server.get("/admin/reload", method: "POST", admin: true)
            #expect(reload.body.contains("unknown agent `asah` in table `rm`"))
            #expect(destinations(try await server.get(customer)) == ["+919876500003"])
        }
        await server.stop()
    }

    @Test func brokenReloadKeepsTheOldRules() async throws {
        let server = try await TestServer()
        do {
            let saturday = "/connect/support?CallFrom=09900000001&CallTo=08047110000&CurrentTime=2026-11-28+12:00:00"
            let before = try await server.get(saturday)
            try server.write("support.yaml", "ringplan: 1\nrules:\n  - name: broken\n    dial: nobodee\n    ringing: 99s\n")
            let reload = try await server.get("/admin/reload", method: "POST", admin: true)
            #expect(reload.status == 422)
            let after = try await server.get(saturday)
            #expect(after.status == 200)
            #expect(after.body == before.body)
            #expect(after.headers["ringplan-version"] == before.headers["ringplan-version"])
            let rules = try await server.get("/admin/rules", admin: true)
            let last = rules.json?["lastReload"] as? [String: Any]
            #expect(last?["outcome"] as? String == "failed")
            let diagnostics = last?["diagnostics"] as? String ?? ""
            #expect(diagnostics.contains("error[RP0400]: unknown agent or group `nobodee`"))
            #expect(diagnostics.contains("error[RP0305]"))
            #expect((rules.json?["serving"] as? [String: Any])?["version"] as? String == before.headers["ringplan-version"])
            let metrics = try await server.get("/metrics", admin: true)
            #expect(metrics.body.contains("ringplan_reloads_total{outcome=\"failed\"}"))
            #expect(metrics.body.contains("ringplan_requests_total{"))
            #expect(metrics.body.contains("ringplan_request_duration_seconds_bucket"))
            #expect(metrics.body.contains("ringplan_rules_version_info{version=\"\(before.headers["ringplan-version"] ?? "")\"} 1"))
        }
        await server.stop()
    }

    @Test func notReadyBeforeTheFirstLoad() async throws {
        let server = try await TestServer(empty: true, load: false)
        do {
            #expect(try await server.get("/readyz").status == 503)
            #expect(try await server.get("/connect/support?CallFrom=1").status == 503)
            #expect(try await server.get("/healthz").status == 200)
            #expect(try await server.get("/", admin: true).body.contains("no rule set is loaded yet"))
            // A first load that fails: the admin page says nothing is served.
            try Data("ringplan: 1\nrules: [".utf8).write(to: server.directory.appendingPathComponent("broken.yaml"))
            #expect(try await server.get("/admin/reload", method: "POST", admin: true).status == 422)
            #expect(try await server.get("/", admin: true).body.contains("; nothing is served until the rules check"))
            try FileManager.default.removeItem(at: server.directory.appendingPathComponent("broken.yaml"))
            try FileManager.default.copyItem(at: TestServer.repositoryRules.appendingPathComponent("team.yaml"),
                                             to: server.directory.appendingPathComponent("team.yaml"))
            try FileManager.default.copyItem(at: TestServer.repositoryRules.appendingPathComponent("support.yaml"),
                                             to: server.directory.appendingPathComponent("support.yaml"))
            #expect(try await server.get("/admin/reload", method: "POST", admin: true).status == 200)
            #expect(try await server.get("/readyz").status == 200)
        }
        await server.stop()
    }

    @Test func decisionLogLinesCarryTheDecision() async throws {
        let server = try await TestServer()
        do {
            _ = try await server.get(Self.vip)
            server.logSink.flush()
            let log = try String(contentsOfFile: server.logPath, encoding: .utf8)
            let line = try #require(log.split(separator: "\n").first { $0.contains("\"msg\":\"decision\"") })
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["call_sid"] as? String == "a1")
            #expect(object["rule"] as? String == "vip")
            #expect(object["rule_set"] as? String == "support")
            #expect(object["destinations"] as? [String] == ["priya"])
            #expect(object["caller"] as? String == "+91******2345", "numbers are masked")
            #expect(object["connect_version"] as? String == "1.0")
            #expect(object["rules_version"] as? String == server.server.store.current?.version)
            #expect(object["us"] as? Int != nil)
            #expect(object["outcome"] as? String == "dialled")
            #expect(object["reason"] == nil)
            // A blocked caller: nobody is dialled, and the line says why.
            _ = try await server.get("/connect/support?CallSid=b2&CallFrom=09999900000&CallTo=08047112345")
            server.logSink.flush()
            let lines = try String(contentsOfFile: server.logPath, encoding: .utf8).split(separator: "\n")
            let blocked = try #require(lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
                .first { $0["call_sid"] as? String == "b2" })
            #expect(blocked["outcome"] as? String == "nobody")
            #expect(blocked["reason"] as? String == "rule `blocked` dials nobody")
            #expect(blocked["status"] as? Int == 200)
        }
        await server.stop()
    }

    @Test func gracefulShutdownFinishesInFlightRequests() async throws {
        // A list file big enough that a reload takes a while: the reload is the in-flight request.
        var list = ""
        for index in 0..<100_000 { list += "+9190\(String(format: "%08d", index))\n" }
        let server = try await TestServer(files: ["big.txt": list, "big.yaml": """
            ringplan: 1
            lists: { crm: { file: big.txt } }
            agents: { a: "+919876500001" }
            rules:
              - name: crm
                when: { caller: crm }
                dial: a
            """])
        let adminPort = server.adminPort
        let inFlight = Task { try await onThread { try HTTPResult.send(method: "POST", port: adminPort, target: "/admin/reload") } }
        try await Task.sleep(for: .milliseconds(50))
        await server.group.triggerGracefulShutdown()
        let result = try await inFlight.value
        #expect(result.status == 200)
        await server.stop()
    }
}
