import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 15 as users meet it: the built binary and the real `git`, two repositories and bare remotes on the
/// local file system (`file://` URLs and plain paths), the emulator on 127.0.0.1 for the answers.
@Suite(.serialized) struct SyncBinaryTests {
    /// Runs the system git.
    @discardableResult
    static func git(_ arguments: String..., in folder: URL? = nil, stdin: Data = Data()) throws -> BinaryRunner.Result {
        BinaryRunner.finish(try BinaryRunner.start(URL(fileURLWithPath: "/usr/bin/git"), arguments, in: folder, environment: ["PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "GIT_CONFIG_NOSYSTEM": "1"], stdin: stdin))
    }

    /// A bare repository beside the shell's folder.
    static func bareRemote(_ shell: BinaryRunner, _ name: String = "remote.git") throws -> URL {
        let remote = shell.folder.appendingPathComponent(name)
        #expect(try git("init", "--quiet", "--bare", remote.path).status == 0)
        return remote
    }

    /// A second repository in a folder of the first shell's, talking to the same emulator.
    static func sibling(of shell: BinaryRunner, _ name: String) throws -> BinaryRunner {
        var other = shell
        other.environment["HOME"] = shell.home.path
        let folder = shell.folder.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return BinaryRunner(folder: folder, environment: other.environment)
    }

    /// Every turn id the repository holds, from `log --all --json`.
    static func turnIDs(_ shell: BinaryRunner) throws -> Set<String> {
        let log = try shell.run("log", "--all", "--json")
        #expect(log.status == 0, "\(log.err)")
        return Set(log.lines.compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["id"] as? String
        })
    }

    static func say(_ shell: BinaryRunner, _ message: String) throws {
        let result = try shell.run("say", "--no-stream", message)
        #expect(result.status == 0, "\(result.err)")
    }

    @Test func twoRepositoriesPushAndPullThroughOneRemoteAndADivergedLineComesBackAsBranchAtMachine() throws {
        let emulator = try EmulatorProcess(["--flavor", "xai", "--api-key", "e2e-key"])
        defer { emulator.stop() }
        let laptop = try BinaryRunner.repository(talkingTo: emulator)
        defer { laptop.cleanUp() }
        let remote = try Self.bareRemote(laptop)
        #expect(try laptop.run("config", "sync.name", "laptop").status == 0)
        try Self.say(laptop, "Hello, my name is Alice.")
        try Self.say(laptop, "What's my name?")
        #expect(try laptop.run("remote", "add", "origin", "file://" + remote.path).status == 0)
        #expect(try laptop.run("remote", "-v").out == "origin\tfile://\(remote.path)\n")
        let pushed = try laptop.run("push")
        #expect(pushed.status == 0, "\(pushed.err)")
        #expect(pushed.out.hasPrefix("pushed main -> refs/heads/laptop/main "), "\(pushed.out)")

        // Clone on the other machine: every id and branch, HEAD on the most recent branch.
        let desktop = try Self.sibling(of: laptop, "desktop-parent")
        let cloned = try desktop.run("clone", remote.path, "desktop")
        #expect(cloned.status == 0, "\(cloned.err)")
        let other = BinaryRunner(folder: desktop.folder.appendingPathComponent("desktop"), environment: desktop.environment)
        #expect(try Self.turnIDs(other) == Self.turnIDs(laptop))
        #expect(try other.run("rev-parse", "main").out == laptop.run("rev-parse", "main").out)
        #expect(try other.run("status", "--json").out.contains(#""branch":"main""#))
        #expect(try other.run("config", "sync.name", "desktop").status == 0)

        // The conversation continues there, and in parallel here.
        try Self.say(other, "Continue on the desktop")
        #expect(try other.run("push").status == 0)
        try Self.say(laptop, "Continue on the laptop")
        let laptopTip = try laptop.run("rev-parse", "main").out
        let pulled = try laptop.run("pull")
        #expect(pulled.status == 0, "\(pulled.err)")
        #expect(pulled.out.contains("desktop/main: diverged from main, kept as main@desktop at "), "\(pulled.out)")
        #expect(try laptop.run("rev-parse", "main").out == laptopTip, "the local line stays")
        #expect(try laptop.run("rev-parse", "main@desktop").out == other.run("rev-parse", "main").out)
        #expect(try laptop.run("push").status == 0)
        let back = try other.run("pull", "--json")
        #expect(back.status == 0, "\(back.err)")
        #expect(back.out.contains(#""local_branch":"main@laptop""#), "\(back.out)")
        // Nothing lost, ids unchanged, both stores sound.
        #expect(try Self.turnIDs(other) == Self.turnIDs(laptop))
        #expect(try Self.turnIDs(laptop).count == 4)
        #expect(try laptop.run("fsck").status == 0)
        #expect(try other.run("fsck").status == 0)
        // Pulling again changes nothing.
        let again = try laptop.run("pull", "--json")
        #expect(again.out.contains(#""new_turns":0"#) && again.out.contains(#""action":"up-to-date""#), "\(again.out)")

        // A person with only git reads the conversation.
        let log = try Self.git("--git-dir", remote.path, "log", "--format=%an%n%B", "refs/heads/laptop/main")
        #expect(log.out.contains("What's my name?\n\nConvo-Turn: "), "\(log.out)")
        let transcript = try Self.git("--git-dir", remote.path, "show", "refs/heads/laptop/main:transcript/000002.md")
        #expect(transcript.out.contains("What's my name?") && transcript.out.contains("Your name is Alice."), "\(transcript.out)")
    }

    /// Hostile sweep: convo lets branches `a` and `a/b` both exist (git refuses that pair: a ref cannot be
    /// both a name and a folder), and then `convo push` fails whole with git's raw "error: git fast-import
    /// failed (exit 1): error: cannot lock ref 'refs/convo/local/a/b': 'refs/convo/local/a' exists" (exit 1),
    /// for `push` and `push origin a/b` alike, until a branch is renamed. Either the second name is refused
    /// when it is made, or push carries both. FAILS on 657afd1.
    @Test func aBranchAndABranchUnderItAreRefusedOrBothPush() throws {
        let emulator = try EmulatorProcess(["--flavor", "xai", "--api-key", "e2e-key"])
        defer { emulator.stop() }
        let laptop = try BinaryRunner.repository(talkingTo: emulator)
        defer { laptop.cleanUp() }
        let remote = try Self.bareRemote(laptop)
        #expect(try laptop.run("config", "sync.name", "laptop").status == 0)
        try Self.say(laptop, "Hello")
        #expect(try laptop.run("remote", "add", "origin", "file://" + remote.path).status == 0)
        #expect(try laptop.run("branch", "a").status == 0)
        // Refused when made, as git refuses it: exit 2, naming both branches.
        let refused = try laptop.run("branch", "a/b")
        #expect(refused.status == 2, "\(refused.err)")
        #expect(refused.err.contains("cannot create branch 'a/b': branch 'a' exists"), "\(refused.err)")
        let pushed = try laptop.run("push")
        #expect(pushed.status == 0, "\(pushed.err)")
    }

    @Test func twoRepositoriesHoldingTheSameTurnsMakeTheSameCommits() throws {
        let emulator = try EmulatorProcess(["--flavor", "xai", "--api-key", "e2e-key"])
        defer { emulator.stop() }
        let first = try BinaryRunner.repository(talkingTo: emulator)
        defer { first.cleanUp() }
        try Self.say(first, "Hello, my name is Alice.")
        try Self.say(first, "What's my name?")
        let exported = try first.run("export", "--format", "jsonl")
        #expect(exported.status == 0, "\(exported.err)")
        var second = try Self.sibling(of: first, "second")
        second.environment["CONVO_DIR"] = nil
        #expect(try second.run("init").status == 0)
        try second.write("conversation.jsonl", [String(exported.out.dropLast())])
        #expect(try second.run("import", "conversation.jsonl").status == 0)
        #expect(try Self.turnIDs(second) == Self.turnIDs(first))
        let one = try Self.bareRemote(first, "one.git"), two = try Self.bareRemote(first, "two.git")
        #expect(try first.run("remote", "add", "origin", one.path).status == 0)
        #expect(try second.run("remote", "add", "origin", two.path).status == 0)
        let a = try first.run("push", "--json"), b = try second.run("push", "--json")
        #expect(a.status == 0 && b.status == 0, "\(a.err)\(b.err)")
        let commitA = try JSONSerialization.jsonObject(with: Data(a.out.utf8)) as? [String: Any]
        let commitB = try JSONSerialization.jsonObject(with: Data(b.out.utf8)) as? [String: Any]
        let tipA = (commitA?["updated"] as? [[String: Any]])?.first?["commit"] as? String
        let tipB = (commitB?["updated"] as? [[String: Any]])?.first?["commit"] as? String
        #expect(tipA != nil && tipA == tipB, "\(a.out) \(b.out)")
    }

    @Test func aTamperedCommitRejectsTheWholePull() throws {
        let emulator = try EmulatorProcess(["--flavor", "xai", "--api-key", "e2e-key"])
        defer { emulator.stop() }
        let laptop = try BinaryRunner.repository(talkingTo: emulator)
        defer { laptop.cleanUp() }
        let remote = try Self.bareRemote(laptop)
        try Self.say(laptop, "Hello, my name is Alice.")
        #expect(try laptop.run("remote", "add", "origin", remote.path).status == 0)
        #expect(try laptop.run("push").status == 0)
        let desktop = try Self.sibling(of: laptop, "desktop")
        #expect(try desktop.run("clone", remote.path, ".").status == 0)
        let before = try Self.turnIDs(desktop)
        // A genuine new turn, and beside it a commit claiming a turn its content does not hash to.
        try Self.say(laptop, "A genuine second turn")
        #expect(try laptop.run("push").status == 0)
        let tip = try Self.git("--git-dir", remote.path, "for-each-ref", "--format=%(objectname) %(refname)", "refs/heads/").out
            .split(separator: "\n").first.map { String($0.split(separator: " ")[0]) } ?? ""
        let turn = try Self.git("--git-dir", remote.path, "show", "\(tip):convo/turn").out
        let message = try Self.git("--git-dir", remote.path, "log", "-1", "--format=%B", tip).out
        let forged = turn.replacingOccurrences(of: "\"created_at\":", with: "\"created_at\":1")
        #expect(forged != turn)
        let stream = "commit refs/heads/mallory/main\ncommitter m <m@m> 0 +0000\ndata \(message.utf8.count)\n\(message)\nfrom \(tip)\n"
            + "M 100644 inline convo/turn\ndata \(forged.utf8.count)\n\(forged)\n"
        let imported = try Self.git("--git-dir", remote.path, "fast-import", "--quiet", stdin: Data(stream.utf8))
        #expect(imported.status == 0, "\(imported.err)")
        let forgedCommit = try Self.git("--git-dir", remote.path, "rev-parse", "refs/heads/mallory/main").out.trimmingCharacters(in: .newlines)

        let pulled = try desktop.run("pull")
        #expect(pulled.status == 5, "\(pulled.err)")
        #expect(pulled.err.contains("commit \(forgedCommit) does not hold what its Convo-Turn trailer names"), "\(pulled.err)")
        #expect(pulled.err.contains("nothing of this pull was written"))
        #expect(try Self.turnIDs(desktop) == before, "the genuine turn was not adopted either")
        #expect(try desktop.run("fsck").status == 0)
    }

    @Test func killedMidPullTheStoreIsSoundAndASecondPullFinishes() throws {
        let emulator = try EmulatorProcess(["--flavor", "xai", "--api-key", "e2e-key"])
        defer { emulator.stop() }
        let laptop = try BinaryRunner.repository(talkingTo: emulator)
        defer { laptop.cleanUp() }
        let remote = try Self.bareRemote(laptop)
        try Self.say(laptop, "Hello, my name is Alice.")
        try Self.say(laptop, "What's my name?")
        #expect(try laptop.run("remote", "add", "origin", remote.path).status == 0)
        #expect(try laptop.run("push").status == 0)
        // At each step of a pull: reading the commits (nothing written yet), and recording what was adopted
        // (the store's transaction done, git's bookkeeping not).
        for (step, stopAt) in [("reading", "cat-file"), ("bookkeeping", "update-ref")] {
            let desktop = try Self.sibling(of: laptop, "desktop-\(step)")
            var shell = desktop
            #expect(try shell.run("init").status == 0)
            #expect(try shell.run("remote", "add", "origin", remote.path).status == 0)
            let gate = try GitGate(folder: desktop.folder, stopAt: stopAt)
            shell.environment["CONVO_GIT"] = gate.script.path
            let started = try shell.start(["pull"])
            gate.waitUntilReached()
            kill(started.0.processIdentifier, SIGKILL)
            _ = BinaryRunner.finish(started)
            gate.release()
            shell.environment["CONVO_GIT"] = nil
            let fsck = try shell.run("fsck")
            #expect(fsck.status == 0, "\(step): \(fsck.out)\(fsck.err)")
            let second = try shell.run("pull")
            #expect(second.status == 0, "\(step): \(second.err)")
            #expect(try Self.turnIDs(shell) == Self.turnIDs(laptop), "\(step)")
            #expect(try shell.run("rev-parse", "main").out == laptop.run("rev-parse", "main").out, "\(step)")
            #expect(try shell.run("fsck").status == 0)
        }
    }

    @Test func noSecretTravelsAndGitNeverSeesTheKey() throws {
        let emulator = try EmulatorProcess(["--flavor", "xai", "--api-key", "e2e-key-SECRET-1234"])
        defer { emulator.stop() }
        var laptop = try BinaryRunner.repository(talkingTo: emulator)
        defer { laptop.cleanUp() }
        laptop.environment["CONVO_API_KEY"] = "e2e-key-SECRET-1234"
        laptop.environment["XAI_API_KEY"] = "xai-SECRET-5678"
        for (key, value) in [
            ("model", "grok-secret-model-setting"), ("instructions", "INSTRUCTIONS-SETTING-SECRET"),
            ("api_key_command", "echo cmd-SECRET-9999"), ("api_key_command_timeout", "31"), ("retention_days", "29"),
            ("reflog_expire_days", "91"), ("reflog_expire_unreachable_days", "31"), ("sync.name", "laptop"),
        ] {
            #expect(try laptop.run("config", key, value).status == 0, "\(key)")
        }
        #expect(try laptop.run("config", "--unset", "api_key_command").status == 0)
        try Self.say(laptop, "Hello, my name is Alice.")
        #expect(try laptop.run("config", "api_key_command", "echo cmd-SECRET-9999").status == 0)
        // Settings that shape no request of the pushed turns: none of their keys or values may travel.
        for (key, value) in [
            ("replay_strategy", "truncate"), ("price.grok-4.input", "7.654321"), ("price.grok-4.cached_input", "1.234567"),
            ("price.grok-4.output", "8.765432"), ("preset.hidden.instructions", "PRESET-SECRET-TEXT"),
            ("preset.hidden.model", "grok-preset-secret"), ("preset.hidden.temperature", "0.4321"), ("branch.main.preset", "hidden"),
        ] {
            #expect(try laptop.run("config", key, value).status == 0, "\(key)")
        }
        let remote = try Self.bareRemote(laptop)
        let log = laptop.folder.appendingPathComponent("git-calls.log")
        let spy = laptop.folder.appendingPathComponent("git-spy.sh")
        try Data("#!/bin/sh\n{ echo \"ARGS: $*\"; env; } >> '\(log.path)'\nexec /usr/bin/git \"$@\"\n".utf8).write(to: spy)
        chmod(spy.path, 0o755)
        laptop.environment["CONVO_GIT"] = spy.path
        #expect(try laptop.run("remote", "add", "origin", remote.path).status == 0)
        let pushed = try laptop.run("push")
        #expect(pushed.status == 0, "\(pushed.err)")
        let everything = try Self.git("--git-dir", remote.path, "cat-file", "--batch-all-objects", "--batch").out
        #expect(everything.contains("Convo-Turn:"), "the remote holds the pushed history")
        let calls = try String(contentsOf: log, encoding: .utf8)
        #expect(calls.contains("ARGS: "))
        for secret in [
            "e2e-key-SECRET-1234", "xai-SECRET-5678", "cmd-SECRET-9999", "api_key_command", "API_KEY", "reflog_expire", "retention_days",
            "replay_strategy", "7.654321", "1.234567", "8.765432", "price.", "PRESET-SECRET-TEXT", "grok-preset-secret", "0.4321",
            "preset.hidden", "sync.name",
        ] {
            #expect(!everything.contains(secret), "the remote holds \(secret)")
            #expect(!calls.contains(secret), "a git child saw \(secret)")
        }
    }

    @Test func remotesThatAreNotConvoHistoriesUnreachableOrRejectingGetTheirOwnExitCodes() throws {
        let emulator = try EmulatorProcess(["--flavor", "xai", "--api-key", "e2e-key"])
        defer { emulator.stop() }
        let laptop = try BinaryRunner.repository(talkingTo: emulator)
        defer { laptop.cleanUp() }
        try Self.say(laptop, "Hello, my name is Alice.")
        // A code repository.
        let code = laptop.folder.appendingPathComponent("code")
        #expect(try Self.git("init", "--quiet", "-b", "main", code.path).status == 0)
        #expect(try Self.git("-C", code.path, "-c", "user.name=a", "-c", "user.email=a@a", "commit", "--quiet", "--allow-empty", "-m", "code").status == 0)
        #expect(try laptop.run("remote", "add", "code", code.path).status == 0)
        let refused = try laptop.run("push", "code")
        #expect(refused.status == 12, "\(refused.err)")
        #expect(refused.err.contains("remote 'code' holds something that is not a convo history (refs convo never writes: refs/heads/main)"), "\(refused.err)")
        #expect(try Self.git("-C", code.path, "for-each-ref", "--format=%(refname)").out == "refs/heads/main\n")
        #expect(try laptop.run("pull", "code").status == 12)
        // Out of reach.
        #expect(try laptop.run("remote", "add", "gone", laptop.folder.appendingPathComponent("nowhere.git").path).status == 0)
        let gone = try laptop.run("push", "gone")
        #expect(gone.status == 10, "\(gone.err)")
        #expect(gone.err.contains("cannot reach remote 'gone'"), "\(gone.err)")
        #expect(try laptop.run("pull", "gone").status == 10)
        #expect(try laptop.run("clone", "file:///nonexistent/x.git", "x").status == 10)
        #expect(!FileManager.default.fileExists(atPath: laptop.folder.appendingPathComponent("x").path), "a failed clone leaves nothing")
        // Credentials refused: an http remote answering 401 (the OpenAI-flavoured emulator wants its bearer key).
        let locker = try EmulatorProcess(["--flavor", "openai", "--api-key", "e2e-key"])
        defer { locker.stop() }
        #expect(try laptop.run("remote", "add", "locked", locker.baseURL + "/conversations.git").status == 0)
        let locked = try laptop.run("push", "locked")
        #expect(locked.status == 11, "\(locked.err)")
        // A remote whose hook rejects the update.
        let hooked = try Self.bareRemote(laptop, "hooked.git")
        try Data("#!/bin/sh\necho 'no pushes today' >&2\nexit 1\n".utf8).write(to: hooked.appendingPathComponent("hooks/pre-receive"))
        chmod(hooked.appendingPathComponent("hooks/pre-receive").path, 0o755)
        #expect(try laptop.run("remote", "add", "hooked", hooked.path).status == 0)
        let rejected = try laptop.run("push", "hooked")
        #expect(rejected.status == 12, "\(rejected.err)")
        #expect(rejected.err.contains("remote 'hooked' rejected the update of refs/heads/"), "\(rejected.err)")
        // Names and arguments.
        #expect(try laptop.run("push", "nosuch").status == 1)
        #expect(try laptop.run("remote", "add", "code", "/tmp/x").status == 1)
        #expect(try laptop.run("remote", "add", "bad/name", "/tmp/x").status == 2)
        #expect(try laptop.run("remote", "frobnicate").status == 2)
        #expect(try laptop.run("config", "sync.name", "a/b").status == 2)
    }

    @Test func dryRunsChangeNothingAndSayWhatTheyWouldDo() throws {
        let emulator = try EmulatorProcess(["--flavor", "xai", "--api-key", "e2e-key"])
        defer { emulator.stop() }
        let laptop = try BinaryRunner.repository(talkingTo: emulator)
        defer { laptop.cleanUp() }
        let remote = try Self.bareRemote(laptop)
        try Self.say(laptop, "Hello, my name is Alice.")
        #expect(try laptop.run("config", "sync.name", "laptop").status == 0)
        #expect(try laptop.run("remote", "add", "origin", remote.path).status == 0)
        let dry = try laptop.run("push", "--dry-run", "--json")
        #expect(dry.status == 0, "\(dry.err)")
        #expect(dry.out.contains(#""dry_run":true"#) && dry.out.contains(#""exported_turns":1"#) && dry.out.contains(#""ref":"refs/heads/laptop/main""#), "\(dry.out)")
        #expect(try Self.git("--git-dir", remote.path, "for-each-ref").out.isEmpty)
        #expect(try laptop.run("push").status == 0)
        let desktop = try Self.sibling(of: laptop, "desktop")
        #expect(try desktop.run("init").status == 0)
        #expect(try desktop.run("remote", "add", "origin", "file://" + remote.path).status == 0)
        let dryPull = try desktop.run("pull", "--dry-run", "--json")
        #expect(dryPull.status == 0, "\(dryPull.err)")
        #expect(dryPull.out.contains(#""action":"created""#) && dryPull.out.contains(#""new_turns":1"#), "\(dryPull.out)")
        #expect(try Self.turnIDs(desktop).isEmpty)
        #expect(try desktop.run("pull").status == 0)
        #expect(try Self.turnIDs(desktop) == Self.turnIDs(laptop))
    }

    /// Three conversations with their own times: `main` the oldest, `alpha` the most recent.
    static let threeConversations = [
        #"{"conversation":"zulu","input":"An old question","output":"An old answer","model":"grok-4","created_at":"2026-01-01T00:00:00Z"}"#,
        #"{"conversation":"alpha","input":"The newest question","output":"The newest answer","model":"grok-4","created_at":"2026-02-01T00:00:00Z"}"#,
        #"{"conversation":"main","input":"The oldest question","output":"The oldest answer","model":"grok-4","created_at":"2025-12-01T00:00:00Z"}"#,
    ]

    /// The refs of a bare repository, by name.
    static func refs(_ remote: URL) throws -> [String] {
        try git("--git-dir", remote.path, "for-each-ref", "--format=%(refname)").lines
    }

    @Test func pushNamesBranchesOrPushesAllAndCloneChecksOutTheMostRecentBranch() throws {
        var laptop = try BinaryRunner()
        defer { laptop.cleanUp() }
        laptop.environment["CONVO_API_KEY"] = "unused"
        #expect(try laptop.run("init").status == 0)
        try laptop.write("history.jsonl", Self.threeConversations)
        #expect(try laptop.run("import", "history.jsonl").status == 0)
        #expect(try laptop.run("config", "sync.name", "laptop").status == 0)
        let remote = try Self.bareRemote(laptop)
        #expect(try laptop.run("remote", "add", "origin", remote.path).status == 0)

        // Named branches: only those travel.
        let some = try laptop.run("push", "origin", "zulu")
        #expect(some.status == 0, "\(some.err)")
        #expect(try Self.refs(remote) == ["refs/heads/laptop/zulu"])
        #expect(try laptop.run("push", "origin", "nosuch").status == 4)
        #expect(try laptop.run("push", "--all", "origin", "zulu").status == 2)
        #expect(try Self.refs(remote) == ["refs/heads/laptop/zulu"], "refused pushes send nothing")
        // --all: every branch; what the remote has is up to date.
        let all = try laptop.run("push", "--all", "--json")
        #expect(all.status == 0, "\(all.err)")
        #expect(all.out.contains(#""up_to_date":["zulu"]"#), "\(all.out)")
        #expect(try Self.refs(remote) == ["refs/heads/laptop/alpha", "refs/heads/laptop/main", "refs/heads/laptop/zulu"])
        #expect(!all.err.contains("warning:"), "a few branches warn of nothing: \(all.err)")

        // The clone is on the branch whose tip is the most recent turn, not on main.
        let desktop = try Self.sibling(of: laptop, "desktop")
        let cloned = try desktop.run("clone", "--json", remote.path, "here")
        #expect(cloned.status == 0, "\(cloned.err)")
        #expect(cloned.out.contains(#""branch":"alpha""#), "\(cloned.out)")
        let other = BinaryRunner(folder: desktop.folder.appendingPathComponent("here"), environment: desktop.environment)
        #expect(try other.run("status").out.hasPrefix("On branch alpha\n"))
        #expect(try other.run("branch").out == laptop.run("branch").out.replacingOccurrences(of: "* main ", with: "  main ")
            .replacingOccurrences(of: "  alpha", with: "* alpha"))

        // remote remove forgets the remote and what pull kept of it.
        let removed = try other.run("remote", "remove", "origin")
        #expect(removed.status == 0, "\(removed.err)")
        #expect(removed.err.contains("removed remote 'origin' (\(remote.path))"), "\(removed.err)")
        #expect(try other.run("remote", "-v").out.isEmpty)
        let none = try other.run("pull")
        #expect(none.status == 1 && none.err.contains("no remote is configured"), "\(none.err)")
        #expect(try other.run("remote", "remove", "origin").status == 1)
        let kept = try Self.git("--git-dir", other.folder.appendingPathComponent(".convo/git").path, "for-each-ref", "refs/convo/imported/").out
        #expect(kept.isEmpty, "\(kept)")

        // A branch deleted here is not pushed to a remote that never had it.
        #expect(try laptop.run("branch", "-D", "zulu").status == 0)
        let second = try Self.bareRemote(laptop, "second.git")
        #expect(try laptop.run("remote", "add", "second", second.path).status == 0)
        #expect(try laptop.run("push", "second").status == 0)
        #expect(try Self.refs(second) == ["refs/heads/laptop/alpha", "refs/heads/laptop/main"])
    }

    @Test func pushWarnsPastAFewThousandBranchRefs() throws {
        var laptop = try BinaryRunner()
        defer { laptop.cleanUp() }
        laptop.environment["CONVO_API_KEY"] = "unused"
        #expect(try laptop.run("init").status == 0)
        // 3,001 conversations of one and the same turn (one id): 3,001 branches at the cost of one commit.
        try laptop.write("history.jsonl", (0...3_000).map { #"{"conversation":"topic-\#($0)","input":"Question","output":"Answer","created_at":"2026-01-01T00:00:00Z"}"# })
        #expect(try laptop.run("import", "history.jsonl").status == 0)
        let remote = try Self.bareRemote(laptop)
        #expect(try laptop.run("remote", "add", "origin", remote.path).status == 0)
        let warning = "warning: pushing 3001 branch refs; hosting sites slow down past a few thousand (GitHub warns past 5,000)"
        let dry = try laptop.run("push", "--dry-run")
        #expect(dry.status == 0 && dry.err.contains(warning), "\(dry.err)")
        let pushed = try laptop.run("push", "--progress")
        #expect(pushed.status == 0 && pushed.err.hasPrefix(warning + "\n"), "\(pushed.err.prefix(300))")
        let warned = pushed.err.range(of: warning), sent = pushed.err.range(of: "Writing objects")
        #expect((warned?.upperBound ?? pushed.err.endIndex) < (sent?.lowerBound ?? pushed.err.startIndex), "warned before git sends: \(pushed.err.prefix(300))")
        #expect(pushed.err.components(separatedBy: warning).count == 2, "warned once")
        #expect(try Self.refs(remote).count == 3_001)
    }

    @Test func aBigAttachmentTravelsAsAGitBlobOfItsOwn() throws {
        let emulator = try EmulatorProcess(["--flavor", "openai", "--api-key", "e2e-key"])
        defer { emulator.stop() }
        let laptop = try BinaryRunner.repository(talkingTo: emulator)
        defer { laptop.cleanUp() }
        // 1.5 MB that does not compress: past the 1 MB at which GitHub starts warning about an object.
        var generator = SystemRandomNumberGenerator()
        let report = Array("%PDF-1.4\n".utf8) + (0..<1_500_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let file = laptop.folder.appendingPathComponent("report.pdf")
        try Data(report).write(to: file)
        let said = try laptop.run("say", "--no-stream", "-a", "report.pdf", "What is in this report?")
        #expect(said.status == 0, "\(said.err)")
        try Self.say(laptop, "And in short?")
        let remote = try Self.bareRemote(laptop)
        #expect(try laptop.run("remote", "add", "origin", remote.path).status == 0)
        #expect(try laptop.run("push").status == 0)

        // The file is one git blob holding exactly its bytes; no other object of the remote comes near its size.
        let fileBlob = try Self.git("hash-object", file.path).out.trimmingCharacters(in: .newlines)
        let sizes = try Self.git("--git-dir", remote.path, "cat-file", "--batch-all-objects", "--batch-check=%(objectname) %(objecttype) %(objectsize)").lines
        #expect(sizes.contains("\(fileBlob) blob \(report.count)"), "\(sizes)")
        let others = sizes.filter { !$0.hasPrefix(fileBlob) }.compactMap { Int($0.split(separator: " ")[2]) }
        #expect(others.allSatisfy { $0 < 100_000 }, "\(sizes)")
        let tip = try Self.refs(remote).first ?? ""
        let list = try Self.git("--git-dir", remote.path, "ls-tree", "-r", tip + "~1")
        #expect(list.out.contains(fileBlob + "\tconvo/blobs/"), "the turn's tree names it under its convo id: \(list.out)")

        // A clone gets the file back byte for byte.
        let desktop = try Self.sibling(of: laptop, "desktop")
        #expect(try desktop.run("clone", remote.path, "here").status == 0)
        let other = BinaryRunner(folder: desktop.folder.appendingPathComponent("here"), environment: desktop.environment)
        let shown = try JSONSerialization.jsonObject(with: Data(try other.run("show", "--json", "HEAD~1").out.utf8)) as? [String: Any]
        let attachment = ((shown?["input"] as? [[String: Any]])?.last?["attachments"] as? [[String: Any]])?.first
        #expect(attachment?["data"] as? String == Data(report).base64EncodedString())
        #expect(try other.run("fsck").status == 0)
    }

    @Test func aPulledTurnChainsOnlyOnTheServerThatMadeIt() throws {
        let emulator = try EmulatorProcess(["--flavor", "xai", "--api-key", "e2e-key"])
        defer { emulator.stop() }
        let laptop = try BinaryRunner.repository(talkingTo: emulator)
        defer { laptop.cleanUp() }
        try Self.say(laptop, "Hello, my name is Alice.")
        let remote = try Self.bareRemote(laptop)
        #expect(try laptop.run("remote", "add", "origin", remote.path).status == 0)
        #expect(try laptop.run("push").status == 0)

        // Another machine talking to the same server: the pulled response is chained.
        let desktop = try Self.sibling(of: laptop, "desktop")
        #expect(try desktop.run("clone", remote.path, "same").status == 0)
        let same = BinaryRunner(folder: desktop.folder.appendingPathComponent("same"), environment: desktop.environment)
        let sameStatus = try same.run("status").out
        #expect(sameStatus.contains("Next say: only the new message (previous_response_id = HEAD's response)"), "\(sameStatus)")
        let chained = try same.run("say", "--no-stream", "What's my name?")
        #expect(chained.status == 0 && !chained.err.contains("replay"), "\(chained.err)")
        #expect(chained.out == "Your name is Alice.\n", "the server kept the context: \(chained.out)")

        // A machine whose server is another one: the pulled response is another machine's, replayed.
        let elsewhere = try EmulatorProcess(["--flavor", "xai", "--api-key", "e2e-key"])
        defer { elsewhere.stop() }
        var far = try Self.sibling(of: laptop, "far")
        far.environment["CONVO_BASE_URL"] = elsewhere.baseURL
        #expect(try far.run("clone", remote.path, "other").status == 0)
        let other = BinaryRunner(folder: far.folder.appendingPathComponent("other"), environment: far.environment)
        let status = try other.run("status").out
        #expect(status.contains("Next say: replays 1 turn and the new message (HEAD's response belongs to \(emulator.baseURL)"), "\(status)")
        let replayed = try other.run("say", "--no-stream", "What's my name?")
        #expect(replayed.status == 0, "\(replayed.err)")
        #expect(replayed.err.contains("replaying 1 earlier turn: HEAD's response belongs to \(emulator.baseURL)"), "\(replayed.err)")
        #expect(replayed.out == "Your name is Alice.\n", "the replay carried the context: \(replayed.out)")
    }

    @Test func progressGoesToStderrWhenAskedAndNeverToStdout() throws {
        let emulator = try EmulatorProcess(["--flavor", "xai", "--api-key", "e2e-key"])
        defer { emulator.stop() }
        let laptop = try BinaryRunner.repository(talkingTo: emulator)
        defer { laptop.cleanUp() }
        try Self.say(laptop, "Hello, my name is Alice.")
        let remote = try Self.bareRemote(laptop)
        #expect(try laptop.run("remote", "add", "origin", remote.path).status == 0)
        // stdout is a pipe here: no progress unless asked.
        let quiet = try laptop.run("push")
        #expect(quiet.status == 0 && !quiet.err.contains("objects"), "no terminal, no progress: \(quiet.err)")
        let desktop = try Self.sibling(of: laptop, "desktop")
        let cloned = try desktop.run("clone", "--progress", remote.path, "here")
        #expect(cloned.status == 0, "\(cloned.err)")
        #expect(cloned.err.contains("Counting objects: 100%"), "git's meter: \(cloned.err)")
        #expect(!cloned.err.contains("[new branch]"), "not git's list of the private repository's refs: \(cloned.err)")
        #expect(cloned.err.contains("reading 1 new commit\nchecking and writing 1 turn\n"), "\(cloned.err)")
        let other = BinaryRunner(folder: desktop.folder.appendingPathComponent("here"), environment: desktop.environment)
        try Self.say(laptop, "What's my name?")
        let pushed = try laptop.run("push", "--progress")
        #expect(pushed.status == 0, "\(pushed.err)")
        #expect(pushed.err.contains("Writing objects: 100%"), "git's meter: \(pushed.err)")
        #expect(!pushed.out.contains("objects"), "\(pushed.out)")
        let pulled = try other.run("pull", "--no-progress")
        #expect(pulled.status == 0 && !pulled.err.contains("objects") && !pulled.err.contains("checking"), "\(pulled.err)")
        #expect(try other.run("pull").err == "From \(remote.path): 0 new turns\n", "a pipe: quiet by default")
    }
}

/// A `git` stand-in that stops when called with a given subcommand until released: the test knows the pull
/// reached that step (it reads the `reached` FIFO) and can kill it there.
struct GitGate {
    let script: URL
    let reached: URL
    let released: URL

    init(folder: URL, stopAt: String) throws {
        script = folder.appendingPathComponent("git-gate.sh")
        reached = folder.appendingPathComponent("reached.fifo")
        released = folder.appendingPathComponent("released.fifo")
        mkfifo(reached.path, 0o600)
        mkfifo(released.path, 0o600)
        let text = """
            #!/bin/sh
            for a in "$@"; do
              if [ "$a" = "\(stopAt)" ]; then echo reached > '\(reached.path)'; cat '\(released.path)' > /dev/null; break; fi
            done
            exec /usr/bin/git "$@"

            """
        try Data(text.utf8).write(to: script)
        chmod(script.path, 0o755)
    }

    /// Blocks until the stand-in has reached its step.
    func waitUntilReached() {
        _ = FileHandle(forReadingAtPath: reached.path)?.readDataToEndOfFile()
    }

    /// Lets the stand-in go on (it then runs git, whose parent is gone, and ends).
    func release() {
        try? FileHandle(forWritingAtPath: released.path)?.close()
    }
}

extension BinaryRunner {
    /// A runner in an existing folder with a given environment (a second machine beside the first).
    init(folder: URL, environment: [String: String]) {
        self.folder = folder
        self.environment = environment
    }
}
