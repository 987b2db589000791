import Foundation
import Testing

/// Hostile sweep: a non-streamed `say` (the default whenever stdout is not a terminal, as in
/// `git diff | convo say "Review this diff" > review.md`) gives up after AsyncHTTPClient's fixed 90 s read
/// timeout: exit 8, "the server did not answer in time — try again, or allow a longer timeout", nothing
/// committed. The server still finishes, stores and bills the response, no response id is named for
/// `convo fetch`, and no setting allows a longer timeout. Reasoning models routinely take longer than 90 s.
/// This test waits about 95 s (the emulator answers after 95 s). FAILS on 657afd1.
@Suite struct SlowAnswerBinaryTests {
    @Test func aNonStreamedAnswerThatTakesLongerThanNinetySecondsIsCommitted() throws {
        let emulator = try EmulatorProcess(["--flavor", "xai", "--api-key", "e2e-key", "--latency-ms", "95000"])
        defer { emulator.stop() }
        let shell = try BinaryRunner.repository(talkingTo: emulator)
        defer { shell.cleanUp() }
        let said = try shell.run("say", "--no-stream", "Review this long diff")
        #expect(said.status == 0, "\(said.err)")
        #expect(said.out.contains("Review this long diff"), "\(said.out)")
    }
}
