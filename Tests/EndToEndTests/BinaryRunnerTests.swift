import Foundation
import Testing

/// The runner itself: a test that hangs proves nothing about `convo`.
@Suite struct BinaryRunnerTests {
    @Test func aChildThatFillsStandardErrorBeforeWritingStandardOutputDoesNotBlockTheRunner() throws {
        // 200 000 bytes is three times a Linux pipe's 64 KiB: the child blocks on stderr unless it is read
        // while the runner still waits for stdout to close.
        let started = try BinaryRunner.start(
            URL(fileURLWithPath: "/bin/sh"), ["-c", #"head -c 200000 /dev/zero | tr '\0' x >&2; echo done"#])
        let finished = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: BinaryRunner.Result?
        Thread.detachNewThread {
            result = BinaryRunner.finish(started)
            finished.signal()
        }
        if finished.wait(timeout: .now() + 30) == .timedOut {
            // Unblocks the runner so the test ends. SIGKILL: the test process hands its children a blocked SIGTERM.
            kill(started.0.processIdentifier, SIGKILL)
            finished.wait()
            Issue.record("the runner was still reading after 30 s: a full stderr pipe blocked the child")
        }
        #expect(result?.status == 0)
        #expect(result?.out == "done\n")
        #expect(result?.err.utf8.count == 200_000)
    }
}
