import ConvoCLI
import Foundation
import ResponsesEmulator
import Testing

/// `request_timeout` (and `CONVO_REQUEST_TIMEOUT`): how long a request waits for the server. The slow server is
/// the emulator holding every answer back far longer than the small timeout set here, so nothing waits on a
/// race between the two.
@Suite struct RequestTimeoutCommandTests {
    static let slow = FaultPlan(latencyMilliseconds: 6000)

    /// Bad values are usage errors naming the key; good ones are kept and listed.
    @Test func theSettingIsValidated() async throws {
        let harness = try Harness()
        #expect(await harness.run("init").status == 0)
        for bad in ["0", "-1", "soon", "nan", "inf", "86401", ""] {
            let refused = await harness.run("config", "request_timeout", bad)
            #expect(refused.status == 2, "\(bad): \(refused.err)")
            // "-1" is taken for an option by the argument parser, which refuses it as such.
            if !bad.hasPrefix("-") {
                #expect(refused.err.contains("invalid value '\(bad)' for 'request_timeout': expected a number of seconds"), "\(refused.err)")
            }
        }
        #expect(await harness.run("config", "request-timeout", "1200").status == 0)
        #expect(await harness.run("config", "request_timeout").out == "1200\n")
        #expect(await harness.run("config", "request_timeout", "0.5").status == 0)
        #expect(await harness.run("config", "--list").out.contains("request_timeout=0.5\n"))
    }

    /// A bad `CONVO_REQUEST_TIMEOUT` is a usage error before anything is sent.
    @Test func aBadVariableIsAUsageErrorAndNothingIsSent() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: "test-key")) { emulator in
            let harness = try await sayHarness(emulator)
            harness.variables["CONVO_REQUEST_TIMEOUT"] = "soon"
            let result = await harness.run("say", "--no-stream", "Hello")
            #expect(result.status == 2, "\(result.err)")
            #expect(result.err.contains("invalid value 'soon' for 'CONVO_REQUEST_TIMEOUT'"), "\(result.err)")
            #expect(emulator.requestLog().isEmpty)
        }
    }

    /// A non-streamed say past `request_timeout`: exit 8, the message names the setting, its value and the way
    /// out (a longer timeout, or --stream), says honestly there is no id to fetch, and nothing is committed.
    @Test func aNonStreamedSayPastTheConfiguredTimeoutExits8AndCommitsNothing() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: "test-key", faults: Self.slow)) { emulator in
            let harness = try await sayHarness(emulator)
            #expect(await harness.run("config", "request_timeout", "0.5").status == 0)
            let result = await harness.run("say", "--no-stream", "Review this long diff")
            #expect(result.status == 8, "\(result.err)")
            #expect(result.out.isEmpty)
            #expect(result.err.contains("the server did not answer within 500ms (request_timeout 0.5); nothing was committed"), "\(result.err)")
            #expect(result.err.contains("no response id arrived, so there is none to fetch"), "\(result.err)")
            #expect(result.err.contains("convo config request_timeout SECONDS"), "\(result.err)")
            #expect(result.err.contains("--stream"), "\(result.err)")
            harness.variables["CONVO_REQUEST_TIMEOUT"] = nil
            #expect(try await harness.depth() == 0)
            #expect(await harness.run("log", "--all", "--oneline").out.isEmpty)
            #expect(await harness.run("reflog").out.isEmpty)
        }
    }

    /// `CONVO_REQUEST_TIMEOUT` overrides the setting for one command, and a streamed say that gets no stream in
    /// time fails the same way.
    @Test func theVariableOverridesTheSettingForAStreamedSayToo() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: "test-key", faults: Self.slow)) { emulator in
            let harness = try await sayHarness(emulator)
            #expect(await harness.run("config", "request_timeout", "3600").status == 0)
            harness.variables["CONVO_REQUEST_TIMEOUT"] = "0.5"
            let result = await harness.run("say", "--stream", "Hello")
            #expect(result.status == 8, "\(result.err)")
            #expect(result.err.contains("within 500ms (CONVO_REQUEST_TIMEOUT=0.5); nothing was committed"), "\(result.err)")
            #expect(result.err.contains("CONVO_REQUEST_TIMEOUT=SECONDS"), "\(result.err)")
            #expect(try await harness.depth() == 0)
        }
    }

    /// Lookups (`fetch` here) use the setting too, and name it when it runs out.
    @Test func aFetchPastTheTimeoutNamesTheSetting() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: "test-key", faults: Self.slow)) { emulator in
            let harness = try await sayHarness(emulator)
            #expect(await harness.run("config", "request_timeout", "0.5").status == 0)
            let result = await harness.run("fetch", "resp_slow")
            #expect(result.status == 8, "\(result.err)")
            #expect(result.err.contains("the server did not answer within 500ms (request_timeout 0.5)"), "\(result.err)")
            #expect(result.err.contains("convo config request_timeout SECONDS"), "\(result.err)")
        }
    }
}
