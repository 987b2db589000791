import ConvoCLI
import ConvoKit
import Foundation
import ResponsesAPI
import ResponsesEmulator
import Testing

/// Whether the emulator still holds a response: 200, or 404 once it is gone.
func serverStatus(_ emulator: RunningEmulator, _ id: String) async throws -> Int {
    try await ResponsesClient.withClient(
        baseURL: URL(string: emulator.baseURL)!, apiKey: SayCommandTests.key, retry: .none
    ) { client in
        do {
            _ = try await client.retrieve(id)
            return 200
        } catch ResponsesAPIError.notFound {
            return 404
        }
    }
}

extension Harness {
    /// `show --json REV`.
    func turnJSON(_ revision: String) async throws -> [String: Any] {
        try jsonObject(await run("show", "--json", revision).out)
    }

    /// The response id of a revision.
    func responseID(_ revision: String) async throws -> String {
        try #require(try await turnJSON(revision)["response_id"] as? String)
    }

    /// `remote.state` of a revision in `show --json`.
    func remoteState(_ revision: String) async throws -> String? {
        (try await turnJSON(revision)["remote"] as? [String: Any])?["state"] as? String
    }
}

@Suite struct RemoteStateTests {
    static let key = SayCommandTests.key

    @Test(arguments: [Flavor.xai, .openai])
    func gcMarksExpiredResponsesAndTheNextSayReplaysWithoutAFailedRequest(flavor: Flavor) async throws {
        let clock = ManualClock(start: Date(timeIntervalSince1970: 1_764_000_000))
        try await withEmulator(EmulatorConfiguration(flavor: flavor, apiKey: Self.key, clock: clock.clock)) { emulator in
            let harness = try await sayHarness(emulator, provider: flavor.rawValue)
            #expect(await harness.run("say", "Hello, my name is Alice. Remember this.").status == 0)
            #expect(await harness.run("say", "I like trains.").status == 0)
            let old = [try await harness.responseID("HEAD~1"), try await harness.responseID("HEAD")]
            #expect(await harness.run("status").out.contains("Server:   live, expires in 30 days"))

            clock.advance(by: 31 * 86_400)
            harness.now += 31 * 86_400
            let dry = try jsonObject(await harness.run("gc", "--dry-run", "--json").out)
            #expect(dry["marked_expired"] as? Int == 2)
            #expect(try await harness.remoteState("HEAD") == "expired")
            #expect((try await harness.turnJSON("HEAD")["remote"] as? [String: Any])?["reason"] as? String == "retention")

            let gc = await harness.run("gc", "--json")
            #expect(gc.status == 0, "\(gc.err)")
            #expect(try jsonObject(gc.out)["marked_expired"] as? Int == 2)
            #expect((try await harness.turnJSON("HEAD")["remote"] as? [String: Any])?["reason"] as? String == "gc")
            let status = await harness.run("status").out
            #expect(status.contains("Server:   expired (gc): the next say replays 2 turns, about "), "\(status)")
            #expect(status.contains("tokens (from HEAD's usage)"))
            #expect(try jsonObject(await harness.run("gc", "--json").out)["marked_expired"] as? Int == 0)

            emulator.clearRequestLog()
            let replayed = await harness.run("say", "What's my name?")
            #expect(replayed.status == 0, "\(replayed.err)")
            #expect(replayed.out == "Your name is Alice.\n")
            let log = emulator.requestLog()
            #expect(log.count == 1)
            #expect(log.allSatisfy { $0.status == 200 })
            #expect(log.allSatisfy { $0.previousResponseID.map { !old.contains($0) } ?? true })
        }
    }

    @Test func checkRemoteMarksMissingTipsExpiredSoSayReplaysAtOnce() async throws {
        let clock = ManualClock(start: Date(timeIntervalSince1970: 1_764_000_000))
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: Self.key, retention: 3_600, clock: clock.clock)) {
            emulator in
            let harness = try await sayHarness(emulator)
            #expect(await harness.run("say", "Hello, my name is Alice. Remember this.").status == 0)
            #expect(await harness.run("say", "-b", "side", "I like trains.").status == 0)
            #expect(await harness.run("checkout", "main").status == 0)
            // The server forgets after an hour; the local record (30 days) still believes it live.
            clock.advance(by: 7_200)
            #expect(try await harness.remoteState("HEAD") == "live")

            let dry = await harness.run("gc", "--check-remote", "--dry-run", "--json")
            #expect((try jsonObject(dry.out)["remote"] as? [String: Any])?["checked"] as? Int == 2)
            #expect(emulator.requestLog().filter { $0.method == "GET" }.isEmpty)

            let checked = await harness.run("gc", "--check-remote", "--json")
            #expect(checked.status == 0, "\(checked.err)")
            let remote = try jsonObject(checked.out)["remote"] as? [String: Any]
            #expect(remote?["checked"] as? Int == 2)
            #expect((remote?["missing"] as? [String])?.count == 2)
            #expect(try await harness.remoteState("HEAD") == "expired")
            #expect(try await harness.remoteState("side") == "expired")
            #expect(await harness.run("status").out.contains("Server:   expired (check-remote): the next say replays 1 turn"))
            #expect(await harness.run("log", "--oneline", "--remote", "--all").out.contains("[expired]"))

            emulator.clearRequestLog()
            let replayed = await harness.run("say", "What's my name?")
            #expect(replayed.status == 0, "\(replayed.err)")
            #expect(replayed.err.contains("replaying 1 earlier turn"))
            let log = emulator.requestLog()
            #expect(log.map(\.status) == [200])
            #expect(log.first?.previousResponseID == nil)
        }
    }

    @Test(arguments: [Flavor.openai, .xai])
    func sayRecordsWhatTheServerForgotAndChainsAgainAfterwards(flavor: Flavor) async throws {
        let clock = ManualClock()
        try await withEmulator(EmulatorConfiguration(flavor: flavor, apiKey: Self.key, retention: 60, clock: clock.clock)) {
            emulator in
            let harness = try await sayHarness(emulator, provider: flavor.rawValue)
            #expect(await harness.run("say", "Hello, my name is Alice.").status == 0)
            let forgotten = try await harness.responseID("HEAD")
            clock.advance(by: 120)
            #expect(await harness.run("say", "What's my name?").status == 0)
            let first = try #require(try await harness.turnJSON("HEAD~1")["remote"] as? [String: Any])
            #expect(first["state"] as? String == "expired")
            #expect(first["reason"] as? String == "server 404")
            #expect(try await harness.remoteState("HEAD") == "live")
            let log = try jsonObject(await harness.run("log", "--json").lines.last!)
            #expect(log["response_id"] as? String == forgotten)
            #expect((log["remote"] as? [String: Any])?["state"] as? String == "expired")

            emulator.clearRequestLog()
            #expect(await harness.run("say", "Thanks!").status == 0)
            let chained = try await harness.responseID("HEAD~1")
            #expect(emulator.requestLog().first?.previousResponseID == chained)
        }
    }
}

@Suite struct RemoteGCTests {
    static let key = SayCommandTests.key

    /// main: one → two; a deleted branch 'side' held three (on two). Unreachable reflog entries expire after a day.
    func conversation(_ emulator: RunningEmulator) async throws -> (Harness, reachable: [String], unreachable: String) {
        let harness = try await sayHarness(emulator)
        #expect(await harness.run("config", "reflog_expire_unreachable_days", "1").status == 0)
        #expect(await harness.run("say", "Hello, my name is Alice.").status == 0)
        #expect(await harness.run("say", "I like trains.").status == 0)
        #expect(await harness.run("say", "-b", "side", "Plan a trip to Rome.").status == 0)
        let side = try await harness.responseID("side")
        #expect(await harness.run("checkout", "main").status == 0)
        #expect(await harness.run("branch", "-D", "side").status == 0)
        let reachable = [try await harness.responseID("HEAD~1"), try await harness.responseID("HEAD")]
        harness.now += 2 * 86_400
        return (harness, reachable, side)
    }

    @Test func gcRemoteDeletesExactlyTheUnreachableServerCopies() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: Self.key)) { emulator in
            let (harness, reachable, unreachable) = try await conversation(emulator)

            emulator.clearRequestLog()
            let before = try harness.databaseDump()
            let dry = await harness.run("gc", "--remote", "--dry-run", "--json")
            #expect(dry.status == 0, "\(dry.err)")
            #expect((try jsonObject(dry.out)["remote"] as? [String: Any])?["deleted"] as? [String] == [unreachable])
            #expect(try harness.databaseDump() == before)
            #expect(emulator.requestLog().isEmpty)
            #expect(await harness.run("gc", "--remote", "--dry-run").out.contains("would delete on the server \(unreachable)"))

            let gc = await harness.run("gc", "--remote", "--json")
            #expect(gc.status == 0, "\(gc.err)")
            #expect((try jsonObject(gc.out)["remote"] as? [String: Any])?["deleted"] as? [String] == [unreachable])
            #expect(emulator.requestLog().filter { $0.method == "DELETE" }.map(\.path) == ["/v1/responses/\(unreachable)"])
            #expect(try await serverStatus(emulator, unreachable) == 404)
            for id in reachable { #expect(try await serverStatus(emulator, id) == 200) }
            #expect(try await harness.remoteState(unreachable) == "deleted")
            #expect(try await harness.remoteState("HEAD") == "live")

            emulator.clearRequestLog()
            #expect(await harness.run("gc", "--remote").status == 0)
            #expect(emulator.requestLog().isEmpty)
            #expect(await harness.run("fsck").status == 0)
        }
    }

    @Test func aFailedDeleteIsReportedRecordedAndRetriedByTheNextGc() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .openai, apiKey: Self.key)) { emulator in
            let (harness, reachable, unreachable) = try await conversation(emulator)
            emulator.setFaults(FaultPlan(status: 500))
            // Pruning the turn locally too: the retry must work from the record alone.
            let failed = await harness.run("gc", "--remote", "--prune=now")
            #expect(failed.status == 1)
            #expect(failed.err.contains("error: response '\(unreachable)' at \(emulator.baseURL): the server failed (HTTP 500)"))
            #expect(failed.err.contains("the next 'convo gc --remote' tries again"))
            #expect(failed.out.contains("prune turn "))
            #expect(await harness.run("log", "--oneline").lines.count == 2)

            emulator.setFaults(FaultPlan())
            #expect(try await serverStatus(emulator, unreachable) == 200)
            emulator.clearRequestLog()
            let retried = await harness.run("gc", "--remote", "--json")
            #expect(retried.status == 0, "\(retried.err)")
            #expect((try jsonObject(retried.out)["remote"] as? [String: Any])?["deleted"] as? [String] == [unreachable])
            #expect(emulator.requestLog().filter { $0.method == "DELETE" }.count == 1)
            #expect(try await serverStatus(emulator, unreachable) == 404)
            for id in reachable { #expect(try await serverStatus(emulator, id) == 200) }
        }
    }

    @Test func gcRemoteAllForgetsEveryServerCopyAndSayThenReplays() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: Self.key)) { emulator in
            let (harness, reachable, unreachable) = try await conversation(emulator)
            let all = await harness.run("gc", "--remote", "--all", "--json")
            #expect(all.status == 0, "\(all.err)")
            #expect(Set((try jsonObject(all.out)["remote"] as? [String: Any])?["deleted"] as? [String] ?? []) == Set(reachable + [unreachable]))
            for id in reachable + [unreachable] { #expect(try await serverStatus(emulator, id) == 404) }
            #expect(await harness.run("status").out.contains("Server:   deleted from the server (gc --remote): the next say replays 2 turns"))

            emulator.clearRequestLog()
            let replayed = await harness.run("say", "What's my name?")
            #expect(replayed.status == 0, "\(replayed.err)")
            #expect(replayed.out == "Your name is Alice.\n")
            #expect(emulator.requestLog().map(\.status) == [200])
            #expect(emulator.requestLog().first?.previousResponseID == nil)
        }
    }

    @Test func onATerminalServerRequestsShowProgressOnStderr() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: Self.key)) { emulator in
            let (harness, _, _) = try await conversation(emulator)
            harness.outputIsTerminal = true
            let gc = await harness.run("gc", "--remote", "--check-remote")
            #expect(gc.status == 0, "\(gc.err)")
            #expect(gc.err.contains("\r\u{1B}[Kchecking the server: 1/1"))
            #expect(gc.err.contains("\r\u{1B}[Kdeleting on the server: 1/1"))
            // The local phases too, and the line is cleared before the summary.
            #expect(gc.err.contains("\r\u{1B}[Kplanning: finding reachable turns"))
            #expect(gc.err.contains("\r\u{1B}[Kcompacting the database"))
            #expect(gc.err.contains("\r\u{1B}[Kmark 0 responses expired"))
            let local = await harness.run("gc", "--dry-run")
            #expect(local.err.contains("planning: finding reachable turns") && !local.err.contains("compacting"))
            // A dumb terminal gets no escape sequence: each line is overwritten with spaces, as git's progress does.
            harness.variables["TERM"] = "dumb"
            let dumb = await harness.run("gc", "--remote", "--check-remote")
            #expect(dumb.status == 0, "\(dumb.err)")
            #expect(!dumb.err.contains("\u{1B}"), "\(dumb.err.debugDescription)")
            #expect(dumb.err.contains("\rplanning: finding reachable turns"))
            harness.variables["TERM"] = nil
            harness.outputIsTerminal = false
            #expect(!(await harness.run("gc", "--remote", "--check-remote").err.contains("\r")))
        }
    }

    @Test func allWithoutRemoteIsAUsageError() async throws {
        let harness = try Harness()
        #expect(await harness.run("init").status == 0)
        let result = await harness.run("gc", "--all")
        #expect(result.status == 2)
        #expect(result.err.contains("--all needs --remote"))
    }
}
