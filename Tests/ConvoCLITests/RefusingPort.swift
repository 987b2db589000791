#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A loopback port that refuses every connection for as long as this value is open: a TCP socket bound to the port that
/// never listens. A stopped server's port alone is not enough: another test's server can take it in the meantime and
/// answer in its place. Held like this, "the server is down" stays true while the test runs.
final class RefusingPort: @unchecked Sendable {
    let port: Int
    private let socket: Int32

    /// Binds `port`, or an ephemeral port when it is 0. A stopped server's port may be given.
    init(port: Int = 0) throws {
        #if canImport(Glibc)
        let descriptor = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = Darwin.socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw Failure(step: "socket", code: errno) }
        // Lets a stopped server's port be bound while its closed connections wait in TIME_WAIT. An ephemeral bind (port
        // 0, as every test's server starts) still skips a port that any socket is bound to.
        var reuse: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        func bindOnce() -> Bool {
            withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { general in
                    bind(descriptor, general, length) == 0 && getsockname(descriptor, general, &length) == 0
                }
            }
        }
        // A stopped server's sockets may take a moment to close; meanwhile no ephemeral bind can take the port either.
        var waited = 0
        while !bindOnce() {
            let code = errno
            guard code == EADDRINUSE, port != 0, waited < 500 else {
                close(descriptor)
                throw Failure(step: "bind to port \(port)", code: code)
            }
            usleep(20_000)
            waited += 1
        }
        socket = descriptor
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(socket) }

    /// A base URL on this port, as `CONVO_BASE_URL` takes it.
    var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    struct Failure: Error, CustomStringConvertible {
        let step: String
        let code: Int32
        var description: String { "\(step) failed: \(String(cString: strerror(code)))" }
    }
}

import ResponsesEmulator
import Testing

/// What the tests of a server that is down rely on: a stopped server's port can be held at once, and then refuses.
@Suite struct RefusingPortTests {
    @Test func aStoppedServersPortIsHeldAndRefuses() async throws {
        let emulator = try await Emulator.start(EmulatorConfiguration(flavor: .xai))
        let harness = try await sayHarness(emulator)
        #expect(await harness.run("say", "Hello").status == 0)
        await emulator.stop()
        let down = try RefusingPort(port: emulator.port)
        defer { withExtendedLifetime(down) {} }
        let result = await harness.run("say", "Anyone?")
        #expect(result.status == 8, "\(result.err)")
        #expect(result.err.contains("connection refused"))
    }
}
