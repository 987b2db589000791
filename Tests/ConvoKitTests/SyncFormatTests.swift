import ConvoStore
import Foundation
import Testing

@testable import ConvoKit

/// The parts of the git commit format and of git's answers that push and pull read (issue 15).
@Suite struct SyncFormatTests {
    static let id = ObjectID.hashing(kind: .turn, payload: Array("turn".utf8))

    @Test func theMessageIsTheFirstLineOfTheInputAndTheTrailer() {
        #expect(TurnCommit.message(input: "Hello\nsecond line", turn: Self.id) == "Hello\n\nConvo-Turn: \(Self.id.hex)\n")
        #expect(TurnCommit.message(input: "\n\n  \u{1B}[31mred\u{7}  \n", turn: Self.id).hasPrefix("[31mred\n\n"))
        #expect(TurnCommit.message(input: "", turn: Self.id).hasPrefix("(no message)\n\n"))
        let long = TurnCommit.message(input: String(repeating: "é", count: 300), turn: Self.id)
        #expect(long.split(separator: "\n")[0].count == 100)
        #expect(TurnCommit.turn(inMessage: TurnCommit.message(input: "Hi", turn: Self.id)) == Self.id)
        #expect(TurnCommit.turn(inMessage: "Hi\n\nConvo-Turn: not-hex\n") == nil)
        #expect(TurnCommit.turn(inMessage: "no trailer") == nil)
    }

    @Test func transcriptFilesSortInConversationOrder() {
        #expect(TurnCommit.transcriptPath(generation: 1) == "transcript/000001.md")
        #expect(TurnCommit.transcriptPath(generation: 1_234_567) == "transcript/1234567.md")
    }

    @Test func gitsMessagesAreClassifiedIntoTheDocumentedExitCodes() {
        func status(_ message: String) -> ConvoKit.ExitStatus? {
            ConvoKit.ExitStatus.of(SyncError.transport(remote: "origin", GitOutput(status: 128, out: Data(), err: message)))
        }
        #expect(status("fatal: '/x.git' does not appear to be a git repository\nfatal: Could not read from remote repository.") == .remoteUnreachable)
        #expect(status("fatal: unable to access 'https://h/x.git/': Could not resolve host: h") == .remoteUnreachable)
        #expect(status("git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository.") == .remoteAuthError)
        #expect(status("fatal: could not read Username for 'https://h': terminal prompts disabled") == .remoteAuthError)
        #expect(status("remote: Invalid username or password.\nfatal: Authentication failed for 'https://h/'") == .remoteAuthError)
        #expect(status("fatal: unable to access 'https://h/x.git/': The requested URL returned error: 403") == .remoteAuthError)
        #expect(status("error: RPC failed; HTTP 401 curl 22 The requested URL returned error: 401") == .remoteAuthError)
        // A status code's digits inside a path or a host name are no answer of a server (SyncBinaryTests' temporary
        // folders are named by UUIDs, and one holding "401" made an unreachable remote exit 11 now and then).
        #expect(status("fatal: '/tmp/convo-e2e-4013B2A1-77F0/nowhere.git' does not appear to be a git repository\nfatal: Could not read from remote repository.") == .remoteUnreachable)
        #expect(status("fatal: unable to access 'https://build403.example/x.git/': Could not resolve host: build403.example") == .remoteUnreachable)
        #expect(ConvoKit.ExitStatus.of(SyncError.rejected(remote: "o", refs: [], detail: "")) == .pushRejected)
        #expect(ConvoKit.ExitStatus.of(SyncError.notAConvoRemote(remote: "o", refs: ["refs/heads/main"])) == .pushRejected)
        #expect(ConvoKit.ExitStatus.of(SyncError.tampered(commit: "c", detail: "")) == .invalidInput)
    }

    @Test func theGitChildGetsNoKeyAndNoRepositoryOfTheUser() {
        let child = Git.childVariables([
            "PATH": "/usr/bin", "HOME": "/home/a", "XAI_API_KEY": "k1", "OPENAI_API_KEY": "k2", "CONVO_API_KEY": "k3",
            "GIT_DIR": "/work/.git", "GIT_WORK_TREE": "/work", "SSH_AUTH_SOCK": "/tmp/agent",
        ])
        #expect(child["PATH"] == "/usr/bin" && child["HOME"] == "/home/a" && child["SSH_AUTH_SOCK"] == "/tmp/agent")
        #expect(!child.keys.contains { $0.contains("API_KEY") } && !child.values.contains { $0.hasPrefix("k") })
        #expect(child["GIT_DIR"] == nil && child["GIT_WORK_TREE"] == nil)
        #expect(child["GIT_TERMINAL_PROMPT"] == "0" && child["LC_ALL"] == "C")
    }
}
