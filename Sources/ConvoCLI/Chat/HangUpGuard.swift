import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Set by the SIGHUP handler while a ``HangUpGuard`` holds. A signal handler can reach nothing but a global, and
/// only one answer streams at a time.
nonisolated(unsafe) private var hangUpArrived: sig_atomic_t = 0

/// Holds SIGHUP back while an answer streams in a chat on a terminal. A closed window or a dropped ssh connection
/// would otherwise kill the process mid-answer and lose a response the server is producing (and billing); held
/// back, the answer is received and committed (its text goes nowhere: writes to a hung-up terminal fail and are
/// ignored), and then the process ends by the same SIGHUP, so whoever waits for it sees a hang-up.
struct HangUpGuard {
    private let enabled: Bool
    /// The disposition before (nil is SIG_DFL).
    private let previous: sighandler_t?

    /// Starts holding SIGHUP back; nothing is held when `enabled` is false (input that is not the process's own
    /// terminal: a pipe has no hang-up to survive, and in-process tests keep their process's signals).
    init(enabled: Bool) {
        guard enabled else {
            self.enabled = false
            previous = nil
            return
        }
        hangUpArrived = 0
        // A real handler, not a dispatch source: an ignored signal is dropped by the kernel before any
        // dispatch source or signalfd sees it, and a handler runs on whichever thread the signal lands.
        let before = signal(SIGHUP) { _ in hangUpArrived = 1 }
        // Under nohup the hang-up is ignored, and stays so.
        let ignored = unsafeBitCast(before, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
        if ignored { signal(SIGHUP, SIG_IGN) }
        self.enabled = !ignored
        previous = before
    }

    /// Stops holding SIGHUP back. If one arrived meanwhile, the process now ends by it.
    func release() {
        guard enabled else { return }
        if hangUpArrived != 0 {
            signal(SIGHUP, SIG_DFL)
            // To the process, not this thread (raise): a dispatch worker thread blocks SIGHUP.
            kill(getpid(), SIGHUP)
        }
        signal(SIGHUP, previous)
    }
}
