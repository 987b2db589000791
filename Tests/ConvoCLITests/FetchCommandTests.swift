import ConvoCLI
import ConvoKit
import Foundation
import ResponsesAPI
import ResponsesEmulator
import Testing

/// Creates a chained conversation directly on the emulator, as another program would; returns the response
/// ids and the answers, oldest first.
func createChain(
    _ emulator: RunningEmulator, messages: [String], after previous: String? = nil, instructions: String? = nil
) async throws -> (ids: [String], answers: [String]) {
    try await ResponsesClient.withClient(baseURL: URL(string: emulator.baseURL)!, apiKey: SayCommandTests.key) { client in
        var ids = [String](), answers = [String]()
        var last = previous
        for message in messages {
            let response = try await client.create(CreateResponseRequest(
                model: "grok-4", instructions: last == nil ? instructions : nil, input: [.user(message)],
                previousResponseID: last))
            ids.append(response.id)
            answers.append(response.outputText)
            last = response.id
        }
        return (ids, answers)
    }
}

@Suite struct FetchCommandTests {
    static let messages = [
        "Hello, my name is Alice. Remember this.", "I like trains.", "What's my name?", "Plan a trip to Rome.", "Thanks!",
    ]

    @Test(arguments: [Flavor.xai, .openai])
    func fetchingAFiveTurnChainYieldsTheSameTextsInTheSameOrder(flavor: Flavor) async throws {
        try await withEmulator(EmulatorConfiguration(flavor: flavor, apiKey: SayCommandTests.key)) { emulator in
            let (ids, answers) = try await createChain(emulator, messages: Self.messages, instructions: "Be brief.")
            let harness = try await sayHarness(emulator, provider: flavor.rawValue)

            let fetched = await harness.run("fetch", ids.last!)
            #expect(fetched.status == 0, "\(fetched.err)")
            #expect(fetched.err.contains("fetched 5 turns; HEAD is now detached at "))
            let log = try await harness.run("log", "--reverse", "--json").lines.map(jsonObject)
            #expect(log.map { $0["response_id"] as? String } == ids)
            #expect(log.map { $0["input"] as? String } == Self.messages)
            #expect(fetched.out == (log.last?["id"] as? String ?? "?") + "\n")
            for (index, revision) in ["HEAD~4", "HEAD~3", "HEAD~2", "HEAD~1", "HEAD"].enumerated() {
                let turn = try await harness.turnJSON(revision)
                #expect(turn["output"] as? String == answers[index])
                #expect((turn["input"] as? [[String: Any]])?.map { $0["content"] as? String } == [Self.messages[index]])
                #expect(turn["fetched"] as? Bool == true)
                #expect(turn["stored"] as? Bool == true)
                #expect((turn["remote"] as? [String: Any])?["state"] as? String == "live")
            }
            #expect(try await harness.turnJSON("HEAD~4")["instructions"] as? String == "Be brief.")
            #expect(await harness.run("status").out.contains("HEAD detached at "))
            #expect(await harness.run("fsck").status == 0)

            // The fetched conversation continues like any other: only the new message travels.
            emulator.clearRequestLog()
            let next = await harness.run("say", "What did I say I like?")
            #expect(next.status == 0, "\(next.err)")
            #expect(emulator.requestLog().first?.previousResponseID == ids.last)
        }
    }

    @Test func fetchStopsAtATurnTheRepositoryHasAndEndsOnANewBranch() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: SayCommandTests.key)) { emulator in
            let harness = try await sayHarness(emulator)
            #expect(await harness.run("say", "Hello, my name is Alice. Remember this.").status == 0)
            #expect(await harness.run("say", "I like trains.").status == 0)
            let known = try await harness.responseID("HEAD")
            let (ids, answers) = try await createChain(emulator, messages: ["What's my name?", "Thanks!"], after: known)

            emulator.clearRequestLog()
            let fetched = await harness.run("fetch", "-b", "elsewhere", ids[1])
            #expect(fetched.status == 0, "\(fetched.err)")
            #expect(fetched.err.contains("fetched 2 turns; Switched to a new branch 'elsewhere'"))
            #expect(emulator.requestLog().filter { $0.path == "/v1/responses/\(known)" }.isEmpty)
            #expect(await harness.run("status").out.hasPrefix("On branch elsewhere\n"))
            #expect(await harness.run("rev-parse", "elsewhere~2").out == (await harness.run("rev-parse", "main").out))
            #expect(try await harness.turnJSON("elsewhere")["output"] as? String == answers[1])
            #expect(try await harness.turnJSON("elsewhere~1")["output"] as? String == "Your name is Alice.")
            #expect(await harness.run("log", "--oneline", "--graph", "--all").lines.count == 4)

            let again = await harness.run("fetch", ids[1])
            #expect(again.status == 0)
            #expect(again.err.contains("response '\(ids[1])' is already turn "))
            #expect(await harness.run("status").out.hasPrefix("On branch elsewhere\n"))
            let named = await harness.run("fetch", "-b", "named", ids[0])
            #expect(named.status == 0, "\(named.err)")
            #expect(named.err.contains("Switched to a new branch 'named'"))
            #expect(await harness.run("rev-parse", "named").out == (await harness.run("rev-parse", "elsewhere~1").out))
            #expect(await harness.run("status").out.hasPrefix("On branch named\n"))
        }
    }

    @Test(arguments: [Flavor.xai, .openai])
    func aMissingResponseIsAClearErrorWithExitStatus4(flavor: Flavor) async throws {
        try await withEmulator(EmulatorConfiguration(flavor: flavor, apiKey: SayCommandTests.key)) { emulator in
            let harness = try await sayHarness(emulator, provider: flavor.rawValue)
            let before = try harness.databaseDump()
            let missing = await harness.run("fetch", "resp_0000000000nothere")
            #expect(missing.status == 4)
            #expect(missing.err.hasPrefix("error: no response 'resp_0000000000nothere' at \(emulator.baseURL)"))
            #expect(missing.out.isEmpty)
            #expect(try harness.databaseDump() == before)
            // An id with a space or slashes travels percent-encoded in the path, and the server decodes it: not
            // found (4), naming the id as typed, rather than "no such endpoint" (6) or another endpoint.
            for odd in ["resp_x y", "resp_x/../../models"] {
                let result = await harness.run("fetch", odd)
                #expect(result.status == 4, "\(odd): \(result.err)")
                #expect(result.err.hasPrefix("error: no response '\(odd)' at"), "\(result.err)")
            }
        }
    }

    @Test func anExistingBranchNameIsRefusedBeforeAnyRequest() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: SayCommandTests.key)) { emulator in
            let harness = try await sayHarness(emulator)
            #expect(await harness.run("say", "Hello").status == 0)
            emulator.clearRequestLog()
            let refused = await harness.run("fetch", "-b", "main", "whatever")
            #expect(refused.status == 1)
            #expect(refused.err.contains("'main' already exists"))
            #expect(emulator.requestLog().isEmpty)
        }
    }
}
