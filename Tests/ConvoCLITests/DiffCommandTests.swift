import ConvoCLI
import Foundation
import Testing

@Suite struct DiffCommandTests {
    /// The 7-digit short id of a revision.
    func short(_ harness: Harness, _ revision: String) async -> String {
        String(await harness.run("rev-parse", revision).out.prefix(7))
    }

    @Test func twoBranchesShowTheirLinesFromTheCommonTurnAndTheAnswerDiff() async throws {
        let harness = try await Harness.withHistory()
        let (root, main, travel) = (await short(harness, "main~1"), await short(harness, "main"), await short(harness, "travel"))
        let result = await harness.run("diff", "main", "travel")
        #expect(result.status == 0, "\(result.err)")
        #expect(result.err == "")
        #expect(result.out == """
            common ancestor: \(root) Hello, my name is Alice. Remember this.  →  Hello Alice! I will remember that.
            - \(main) (HEAD -> main) What's my name?  →  Your name is Alice.
            + \(travel) (travel) Plan a trip to Rome  →  Day 1: the Colosseum.

            model: grok-4 → (none)
            input tokens: 30 → (none)
            output tokens: 6 → (none)

            --- \(main) answer
            +++ \(travel) answer
            @@ -1 +1,2 @@
            -Your name is Alice.
            +Day 1: the Colosseum.
            +Day 2: the Vatican.

            """)
    }

    @Test func theSameTurnTwicePrintsNothing() async throws {
        let harness = try await Harness.withHistory()
        for arguments in [["diff", "main", "main"], ["diff", "HEAD", "main"], ["diff", "HEAD"]] {
            let result = await harness.run(arguments: arguments)
            #expect(result.status == 0, "\(arguments): \(result.err)")
            #expect(result.out == "", "\(arguments)")
        }
    }

    @Test func oneRevisionIsComparedWithHEADAsTheOldSide() async throws {
        let harness = try await Harness.withHistory()
        let one = await harness.run("diff", "travel")
        #expect(one.status == 0)
        #expect(one.out == (await harness.run("diff", "travel", "HEAD")).out)
        #expect(one.out.contains("- \(await short(harness, "travel")) (travel)"))
    }

    @Test func anAncestorHasNoTurnsOfItsOwn() async throws {
        let harness = try await Harness.withHistory()
        let result = await harness.run("diff", "HEAD~1", "HEAD")
        let lines = result.lines
        #expect(lines.first?.hasPrefix("common ancestor: \(await short(harness, "HEAD~1")) ") == true)
        #expect(lines.filter { $0.hasPrefix("- ") }.isEmpty)
        #expect(lines.filter { $0.hasPrefix("+ ") }.count == 1)
        #expect(lines.contains("-Hello Alice! I will remember that."))
        #expect(lines.contains("+Your name is Alice."))
        #expect(lines.contains("input tokens: 12 → 30 (+18)"))
        #expect(lines.contains("output tokens: 9 → 6 (-3)"))
        #expect(lines.contains("model: grok-4"))
    }

    @Test func modelParametersAndTokenDeltasOfTwoAnswers() async throws {
        let harness = try Harness()
        await harness.run("init")
        let file = try harness.file("two.jsonl", [
            #"{"input":"Explain tides","output":"The moon pulls the sea.\nTwice a day.\nThat is all.","model":"grok-4","conversation":"a","parameters":{"temperature":0.7},"usage":{"input_tokens":10,"output_tokens":120},"created_at":"2026-11-20T10:00:00Z"}"#,
            #"{"input":"Explain tides","output":"The moon pulls the sea.\nTwice daily.\nThat is all.","model":"grok-3-mini","conversation":"b","parent":null,"parameters":{"temperature":0.2},"usage":{"input_tokens":10,"output_tokens":98},"created_at":"2026-11-20T10:01:00Z"}"#,
        ])
        #expect(await harness.run("import", file).status == 0)
        let result = await harness.run("diff", "a", "b")
        #expect(result.lines.first == "no common ancestor: the two conversations share no turn")
        #expect(result.lines.contains("model: grok-4 → grok-3-mini"))
        #expect(result.lines.contains("temperature: 0.7 → 0.2"))
        #expect(result.lines.contains("input tokens: 10"))
        #expect(result.lines.contains("output tokens: 120 → 98 (-22)"))
        #expect(result.out.hasSuffix("@@ -1,3 +1,3 @@\n The moon pulls the sea.\n-Twice a day.\n+Twice daily.\n That is all.\n"))
    }

    @Test func unknownRevisionExits4() async throws {
        let harness = try await Harness.withHistory()
        let result = await harness.run("diff", "main", "nope")
        #expect(result.status == 4)
        #expect(result.out == "")
        #expect(result.err.hasPrefix("error: "))
        #expect(await harness.run("diff").status == 2)
    }

    @Test func jsonHoldsBothSidesTheBaseAndTheHunks() async throws {
        let harness = try await Harness.withHistory()
        let result = await harness.run("diff", "--json", "main", "travel")
        #expect(result.status == 0)
        #expect(result.lines.count == 1)
        let object = try jsonObject(result.out)
        #expect(object["same"] as? Bool == false)
        let base = object["base"] as? [String: Any]
        #expect(base?["id"] as? String == (await harness.run("rev-parse", "main~1")).out.trimmingCharacters(in: .newlines))
        #expect((object["removed"] as? [[String: Any]])?.map { $0["input"] as? String } == ["What's my name?"])
        #expect((object["added"] as? [[String: Any]])?.map { $0["input"] as? String } == ["Plan a trip to Rome"])
        let from = object["from"] as? [String: Any], to = object["to"] as? [String: Any]
        #expect(from?["model"] as? String == "grok-4")
        #expect((from?["usage"] as? [String: Any])?["output_tokens"] as? Int == 6)
        #expect(to?["usage"] is NSNull)
        #expect(to?["output"] as? String == "Day 1: the Colosseum.\nDay 2: the Vatican.")
        let hunks = object["answer_diff"] as? [[String: Any]]
        #expect(hunks?.count == 1)
        #expect(hunks?.first?["lines"] as? [String] == ["-Your name is Alice.", "+Day 1: the Colosseum.", "+Day 2: the Vatican."])
        #expect(hunks?.first?["new_count"] as? Int == 2)

        let same = try jsonObject(await harness.run("diff", "--json", "main", "main").out)
        #expect(same["same"] as? Bool == true)
        #expect((same["answer_diff"] as? [Any])?.isEmpty == true)
    }

    @Test func coloursOnlyOnATerminalWithoutNO_COLOR() async throws {
        let harness = try await Harness.withHistory()
        harness.outputIsTerminal = true
        let coloured = await harness.run("diff", "main", "travel")
        #expect(coloured.out.contains("\u{1B}[31m-Your name is Alice.\u{1B}[m"))
        #expect(coloured.out.contains("\u{1B}[32m+Day 2: the Vatican.\u{1B}[m"))
        harness.variables["NO_COLOR"] = "1"
        #expect(!(await harness.run("diff", "main", "travel")).out.contains("\u{1B}["))
    }
}
