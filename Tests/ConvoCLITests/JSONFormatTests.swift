import ConvoStore
import Foundation
import ResponsesEmulator
import Testing

/// The `--json` formats are an interface: these tests pin every key and its type, so that renaming, dropping or
/// retyping a key fails here (and the README's "JSON output" section must change with it).
///
/// A schema maps each key to its type: `string`, `int`, `bool`, `array`, `object`, with `?` when it may be null.
typealias Schema = [String: String]

/// The type name of a JSON value.
func typeName(_ value: JSONValue) -> String {
    switch value {
    case .null: "null"
    case .bool: "bool"
    case .int: "int"
    case .double: "double"
    case .number: "number"
    case .string: "string"
    case .array: "array"
    case .object: "object"
    }
}

/// Parses one line of output as a JSON object.
func parsedObject(_ line: String) throws -> [String: JSONValue] {
    guard case .object(let members) = try JSONValue.parse(Array(line.utf8)) else {
        Issue.record("not a JSON object: \(line)")
        return [:]
    }
    return members
}

/// Records an issue for every key that is missing, extra, or of another type than `schema` says.
func expectShape(_ object: [String: JSONValue], _ schema: Schema, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(Set(object.keys) == Set(schema.keys), "\(what): keys", sourceLocation: sourceLocation)
    for (key, expected) in schema {
        guard let value = object[key] else { continue }
        let actual = typeName(value)
        let allowed = expected.hasSuffix("?") ? [String(expected.dropLast()), "null"] : [expected]
        #expect(allowed.contains(actual), "\(what).\(key) is \(actual), expected \(expected)", sourceLocation: sourceLocation)
    }
}

/// Every object of a command's output: one per line, each line one compact object.
func objects(_ result: Harness.Result, sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String: JSONValue]] {
    #expect(result.status == 0, "\(result.err)", sourceLocation: sourceLocation)
    #expect(result.out.hasSuffix("\n"), sourceLocation: sourceLocation)
    return try result.lines.map(parsedObject)
}

@Suite struct JSONFormatTests {
    static let log: Schema = [
        "id": "string", "short_id": "string", "parent": "string?", "created_at": "string", "model": "string?",
        "response_id": "string?", "status": "string", "stored": "bool", "replay": "bool", "input_tokens": "int?",
        "output_tokens": "int?", "input": "string", "output": "string", "refs": "array", "remote": "object",
    ]

    @Test func log() async throws {
        let harness = try await Harness.withHistory()
        let lines = try objects(await harness.run("log", "--json", "--all"))
        #expect(lines.count == 3)
        for line in lines { expectShape(line, Self.log, "log") }
        // Values of each type, not only nulls.
        #expect(lines[1]["input_tokens"] == .int(30) && lines[1]["parent"].map(typeName) == "string")
        #expect(lines[1]["refs"] == .array([.string("HEAD -> main")]))
        #expect(lines[0]["model"] == .null && lines[2]["parent"] == .null)
        // Imported turns were never stored on a server: the remote object holds only the state.
        #expect(lines.allSatisfy { $0["remote"] == .object(["state": .string("not_stored")]) })
    }

    @Test func show() async throws {
        let harness = try await Harness.withHistory()
        let turn = try #require(try objects(await harness.run("show", "--json")).first)
        expectShape(turn, [
            "id": "string", "parent": "string?", "created_at": "string", "status": "string", "stored": "bool", "replay": "bool",
            "fetched": "bool", "refs": "array", "input": "array", "output": "string", "output_items": "array",
            "parameters": "object", "model": "string?", "response_model": "string?", "response_id": "string?",
            "previous_response_id": "string?", "origin": "string?", "instructions": "string?", "error": "string?",
            "usage": "object?", "remote": "object",
        ], "show")
        guard case .array(let input) = turn["input"], case .object(let message) = input.first,
            case .object(let usage) = turn["usage"], case .array(let items) = turn["output_items"], case .object(let item) = items.first
        else {
            Issue.record("show --json: input, usage or output_items has another shape")
            return
        }
        expectShape(message, ["role": "string", "content": "string"], "show.input[]")
        expectShape(usage, ["input_tokens": "int", "output_tokens": "int"], "show.usage")
        expectShape(item, ["type": "string", "role": "string", "text": "string"], "show.output_items[]")
    }

    @Test func status() async throws {
        let harness = try await Harness.withHistory()
        let status = try #require(try objects(await harness.run("status", "--json")).first)
        expectShape(status, [
            "branch": "string?", "detached": "bool", "head": "string?", "turns": "int", "provider": "string", "base_url": "string?",
            "model": "string?", "response_id": "string?", "remote": "object", "next_say": "object?",
        ], "status")
        if case .object(let remote) = status["remote"] { #expect(remote["state"] == .string("not_stored"), "imported turns are not stored") }
        #expect(status["turns"] == .int(2) && status["branch"] == .string("main"))
    }

    static let usageTotals: Schema = [
        "turns": "int", "input_tokens": "int", "cached_tokens": "int", "output_tokens": "int", "reasoning_tokens": "int",
        "replays": "int", "compactions": "int", "cost_usd": "double?", "cost_source": "string?", "turns_without_cost": "int",
    ]

    @Test func usage() async throws {
        let harness = try await Harness.withHistory()
        let usage = try #require(try objects(await harness.run("usage", "--all", "--by", "branch", "--json")).first)
        expectShape(usage, ["revision": "string?", "all": "bool", "by": "string?", "total": "object", "groups": "array", "missing_prices": "array"], "usage")
        guard case .object(let total) = usage["total"], case .array(let groups) = usage["groups"], case .object(let group) = groups.first else {
            Issue.record("usage --json: total or groups has another shape")
            return
        }
        expectShape(total, Self.usageTotals, "usage.total")
        expectShape(group, Self.usageTotals.merging(["group": "string"]) { $1 }, "usage.groups[]")
        #expect(usage["by"] == .string("branch") && usage["revision"] == .null && total["turns"] == .int(3))
        try await harness.run("config", "price.grok-4.input", "2")
        try await harness.run("config", "price.grok-4.output", "8")
        let printed = await harness.run("usage", "--json")
        let priced = try #require(try objects(printed).first)
        // An exact decimal (42 × 2 + 15 × 8 per million dollars), a number and not a string.
        if case .object(let total) = priced["total"] { expectShape(total, Self.usageTotals, "usage.total priced") }
        #expect(printed.out.contains(#""cost_usd":0.000204,"#), "\(printed.out)")
        #expect(priced["revision"] == .string("HEAD") && priced["groups"] == .array([]))
    }

    @Test func branchReflogAndRevParse() async throws {
        let harness = try await Harness.withHistory()
        let branches = try objects(await harness.run("branch", "--json"))
        #expect(branches.count == 2)
        for branch in branches { expectShape(branch, ["name": "string", "tip": "string", "current": "bool", "input": "string"], "branch") }
        let reflog = try objects(await harness.run("reflog", "--json"))
        #expect(!reflog.isEmpty)
        for entry in reflog {
            expectShape(entry, ["selector": "string", "old": "string?", "new": "string?", "at": "string", "message": "string"], "reflog")
        }
        let revisions = try objects(await harness.run("rev-parse", "--json", "HEAD", "travel"))
        #expect(revisions.map { $0["revision"] } == [.string("HEAD"), .string("travel")])
        for revision in revisions { expectShape(revision, ["revision": "string", "id": "string"], "rev-parse") }
        #expect(revisions[0]["id"] == .string(await harness.run("rev-parse", "HEAD").lines[0]))
    }

    @Test func config() async throws {
        let harness = try await Harness.withHistory()
        #expect(await harness.run("config", "model", "grok-4").status == 0)
        let value = try #require(try objects(await harness.run("config", "model", "--json")).first)
        expectShape(value, ["key": "string", "value": "string"], "config KEY")
        #expect(value["value"] == .string("grok-4"))
        let list = try #require(try objects(await harness.run("config", "--list", "--json")).first)
        #expect(list["model"] == .string("grok-4"))
        #expect(list.values.allSatisfy { typeName($0) == "string" })
        let unset = await harness.run("config", "instructions", "--json")
        #expect(unset.status == 1 && unset.out.isEmpty, "an unset key prints nothing, as git does")
    }

    @Test func fsckAndGc() async throws {
        let harness = try await Harness.withHistory()
        let fsck = try #require(try objects(await harness.run("fsck", "--json", "--rebuild-index")).first)
        expectShape(fsck, ["objects": "int", "turns": "int", "blobs": "int", "refs": "int", "reindexed": "int?", "problems": "array"], "fsck")
        let gc = try #require(try objects(await harness.run("gc", "--json", "--dry-run")).first)
        expectShape(gc, [
            "dry_run": "bool", "expired_reflog_entries": "int", "pruned_turns": "array", "pruned_blobs": "int", "kept_for_grace": "int",
            "repacked": "int", "size_before": "int?", "size_after": "int?", "marked_expired": "int", "remote": "object",
        ], "gc")
        guard case .object(let server) = gc["remote"] else { return }
        expectShape(server, [
            "checked": "int", "missing": "array", "deleted": "array", "already_gone": "array", "without_origin": "int",
            "failed": "array",
        ], "gc.remote")
    }

    @Test func initImportCheckoutAndExport() async throws {
        let harness = try Harness()
        let initialized = try #require(try objects(await harness.run("init", "--json", "--model", "grok-4")).first)
        expectShape(initialized, ["path": "string", "created": "bool", "settings": "object"], "init")
        let file = try harness.file("t.jsonl", [#"{"input":"a","output":"b","conversation":"x"}"#])
        let imported = try #require(try objects(await harness.run("import", "--json", file)).first)
        expectShape(imported, ["lines": "int", "new_turns": "int", "branches": "object"], "import")

        let checkout = try #require(try objects(await harness.run("checkout", "--json", "-b", "y", "x")).first)
        expectShape(checkout, ["head": "string?", "branch": "string?", "created": "bool", "detached": "bool"], "checkout")
        #expect(checkout["branch"] == .string("y") && checkout["created"] == .bool(true))
        let tip = await harness.run("rev-parse", "HEAD").lines[0]
        let detached = try #require(try objects(await harness.run("checkout", "--json", tip)).first)
        #expect(detached["detached"] == .bool(true) && detached["branch"] == .null)

        let exported = try objects(await harness.run("export", "--json"))
        #expect(exported.count == 1)
        let required: Set = ["id", "input", "output", "created_at", "status", "parent"]
        let optional: Set = [
            "conversation", "branches", "input_items", "output_items", "model", "instructions", "parameters", "previous_response_id",
            "response_id", "response_model", "usage", "raw_response", "error", "origin", "stored", "replay", "fetched",
        ]
        let keys = Set(exported[0].keys)
        #expect(required.isSubset(of: keys) && keys.isSubset(of: required.union(optional)), "export keys: \(keys.sorted())")
        #expect(await harness.run("export", "--json").out == (await harness.run("export", "--format", "jsonl").out))
    }

    @Test func say() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: "test-key")) { emulator in
            let harness = try await sayHarness(emulator)
            let result = try #require(try objects(await harness.run("say", "--json", "Hello")).first)
            expectShape(result, [
                "turn": "string", "response_id": "string", "status": "string", "output_text": "string", "usage": "object?",
                "replay": "bool", "replayed_turns": "int", "branch": "string?",
            ], "say")
        }
    }
}

/// Documented exit codes that no other suite reaches.
@Suite struct ExitCodeTests {
    @Test func anAPIErrorExitsSixQuotesTheServerAndCommitsNothing() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .openai, apiKey: "test-key")) { emulator in
            let harness = try await sayHarness(emulator, provider: "openai")
            // say refuses --temperature 5 itself (exit 2), but --regenerate sends an imported turn's parameters as
            // they are, and the server refuses them.
            let history = try harness.file("t.jsonl", [#"{"input":"Hello","output":"Hi","parameters":{"temperature":5}}"#])
            #expect(await harness.run("import", history).status == 0)
            let result = await harness.run("say", "--regenerate")
            #expect(result.status == 6, "\(result.err)")
            #expect(result.out.isEmpty)
            let error = result.err.split(separator: "\n").last.map(String.init) ?? ""
            #expect(error.hasPrefix("error: ") && error.contains("temperature"), "\(result.err)")
            #expect(try await harness.depth() == 1, "no turn was committed")
            #expect(await harness.run("branch", "--json").out.split(separator: "\n").count == 1, "no branch was made")
        }
    }

    @Test func usageErrorsExitTwoWithAnErrorLine() async throws {
        let harness = try await Harness.withHistory()
        for arguments in [["log", "-n", "-1"], ["nosuchcommand"], ["log", "--nosuchoption"], ["branch", "bad..name"], ["-C"]] {
            let result = await harness.run(arguments: arguments)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.err.hasPrefix("error: "), "\(arguments): \(result.err)")
            #expect(result.out.isEmpty, "\(arguments)")
        }
    }

    @Test func aDamagedDatabaseExitsThree() async throws {
        let harness = try await Harness.withHistory()
        try Data("this is not a database, just text that fills the header page".utf8).write(to: harness.database)
        let result = await harness.run("log")
        #expect(result.status == 3, "\(result.err)")
        #expect(result.err.hasPrefix("error: "))
        #expect(result.out.isEmpty)
    }
}

@Suite struct SearchJSONFormatTests {
    @Test func search() async throws {
        let harness = try await Harness.withHistory()
        let hits = try objects(await harness.run("search", "--json", "--all", "Alice"))
        #expect(hits.count == 2, "both turns of main mention Alice")
        for hit in hits {
            expectShape(hit, [
                "id": "string", "short_id": "string", "created_at": "string", "response_id": "string?", "model": "string?",
                "matched": "array", "side": "string", "snippet": "string",
            ], "search")
        }
        #expect(hits.map { $0["response_id"] } == [.string("resp_a2"), .string("resp_a1")], "newest first")
        #expect(hits[0]["matched"] == .array([.string("output")]) && hits[0]["side"] == .string("output"))
    }
}
