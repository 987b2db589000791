import Foundation
import Testing

@Suite struct HistoryCommandTests {
    @Test func initCreatesAndReinitIsSafe() async throws {
        let harness = try Harness()
        let first = await harness.run("init", "--model", "grok-4")
        #expect(first.status == 0)
        #expect(first.out.hasPrefix("Initialized empty convo repository in "))
        let again = await harness.run("init", "--instructions", "Be brief.")
        #expect(again.status == 0)
        #expect(again.out.contains("Reinitialized existing convo repository"))
        #expect(await harness.run("config", "model").out == "grok-4\n")
        #expect(await harness.run("config", "instructions").out == "Be brief.\n")
    }

    @Test func outsideARepositoryEveryCommandExitsThree() async throws {
        let harness = try Harness()
        for command in [["log"], ["status"], ["branch"], ["show"], ["fsck"]] {
            let result = await harness.run(command[0])
            #expect(result.status == 3, "\(command)")
            #expect(result.err.hasPrefix("error: not a convo repository"))
            #expect(result.out.isEmpty)
        }
    }

    @Test func logOnelineListsTheChainNewestFirst() async throws {
        let harness = try await Harness.withHistory()
        let result = await harness.run("log", "--oneline")
        #expect(result.status == 0)
        #expect(result.lines.count == 2)
        #expect(result.lines[0].contains("(HEAD -> main) What's my name?  →  Your name is Alice."))
        #expect(result.lines[1].contains("Hello, my name is Alice. Remember this."))
        #expect(!result.out.contains("\u{1B}["), "no colours when stdout is not a terminal")
    }

    @Test func logJSONIsOneObjectPerLine() async throws {
        let harness = try await Harness.withHistory()
        let result = await harness.run("log", "--json", "--all")
        let objects = try result.lines.map(jsonObject)
        #expect(objects.count == 3)
        #expect(objects.map { $0["input"] as? String } == ["Plan a trip to Rome", "What's my name?", "Hello, my name is Alice. Remember this."])
        #expect(objects[1]["response_id"] as? String == "resp_a2")
        #expect(objects[1]["refs"] as? [String] == ["HEAD -> main"])
        #expect(objects[2]["parent"] is NSNull)
        #expect((objects[0]["id"] as? String)?.count == 64)
    }

    @Test func logLimitReverseAndRevision() async throws {
        let harness = try await Harness.withHistory()
        #expect(await harness.run("log", "--oneline", "-n", "1").lines.count == 1)
        #expect(await harness.run("log", "--oneline", "-n2").lines.count == 2, "git's joined form -n2")
        let reversed = await harness.run("log", "--oneline", "--reverse")
        #expect(reversed.lines.first?.contains("Hello, my name is Alice") == true)
        let travel = await harness.run("log", "--oneline", "travel")
        #expect(travel.lines.count == 2)
        #expect(travel.lines[0].contains("(travel) Plan a trip to Rome"))
    }

    @Test func logGraphDrawsTheFork() async throws {
        let harness = try await Harness.withHistory()
        let lines = await harness.run("log", "--graph", "--all").lines
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix("* ") && lines[0].contains("(travel)"))
        #expect(lines[1].hasPrefix("| * ") && lines[1].contains("(HEAD -> main)"))
        #expect(lines[2] == "|/")
        #expect(lines[3].hasPrefix("* ") && lines[3].contains("Hello, my name is Alice"))
    }

    @Test func showPrintsTheWholeTurnAndJSON() async throws {
        let harness = try await Harness.withHistory()
        let text = await harness.run("show", "travel")
        #expect(text.status == 0)
        #expect(text.out.contains("User:\n    Plan a trip to Rome\n"))
        #expect(text.out.contains("Assistant:\n    Day 1: the Colosseum.\n    Day 2: the Vatican.\n"))
        let json = try jsonObject(await harness.run("show", "HEAD~1", "--json").out)
        #expect(json["output"] as? String == "Hello Alice! I will remember that.")
        #expect((json["usage"] as? [String: Any])?["input_tokens"] as? Int == 12)
        #expect(json["response_id"] as? String == "resp_a1")
    }

    @Test func unknownAndAmbiguousRevisionsExitFour() async throws {
        let harness = try await Harness.withHistory()
        let unknown = await harness.run("show", "nosuchthing")
        #expect(unknown.status == 4)
        #expect(unknown.err.contains("no turn matches 'nosuchthing'"))
        let tooFar = await harness.run("log", "HEAD~7")
        #expect(tooFar.status == 4)
        #expect(tooFar.err.contains("goes past the first turn"))
        let malformed = await harness.run("rev-parse", "HEAD^^2")
        #expect(malformed.status == 2)
    }

    @Test func revParseResolvesEverySyntax() async throws {
        let harness = try await Harness.withHistory()
        let ids = await harness.run("rev-parse", "HEAD", "HEAD~1", "main^", "resp_a1", "travel").lines
        #expect(ids.count == 5)
        #expect(ids[1] == ids[2] && ids[2] == ids[3])
        #expect(ids[0] != ids[1] && ids[4] != ids[0])
        let short = String(ids[4].prefix(5))
        #expect(await harness.run("rev-parse", short).lines == [ids[4]])
    }
}
