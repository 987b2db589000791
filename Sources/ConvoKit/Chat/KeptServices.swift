import Foundation
import ResponsesAPI

/// A client factory for a whole `convo chat` session: the first use for a server opens a client through the
/// wrapped factory and keeps it (and its kept-alive HTTP connections) open until ``close()``, so every later
/// turn reuses it instead of paying a new connection pool and TCP handshake per turn.
///
/// The wrapped factory only lends a client for the length of a closure; the client is held open by leaving
/// that closure waiting in a task of its own until the session ends.
public final class KeptServices: ResponsesServiceFactory, @unchecked Sendable {
    private let inner: any ResponsesServiceFactory
    private let lock = NSLock()
    private var open: [Key: Lease] = [:]

    private struct Key: Hashable {
        var baseURL: URL
        var apiKey: String
        var timeout: Duration
    }

    /// One client held open: the service, and the task whose closure holds it until `release` is resumed.
    private final class Lease: @unchecked Sendable {
        var service: (any ResponsesService)?
        var release: CheckedContinuation<Void, Never>?
        var task: Task<Void, Never>?
    }

    /// Wraps `inner` (the environment's factory: the live network, or a test's fake).
    public init(_ inner: any ResponsesServiceFactory) {
        self.inner = inner
    }

    /// Runs `body` with the session's client for `baseURL`, `apiKey` and the transport's timeout, opening it
    /// on first use.
    public func withService<T: Sendable>(
        baseURL: URL, apiKey: String, transport: APITransport, notices: TextSink,
        _ body: (any ResponsesService) async throws -> T
    ) async throws -> T {
        let service = try await lease(Key(baseURL: baseURL, apiKey: apiKey, timeout: transport.timeout), transport: transport, notices: notices)
        return try await body(service)
    }

    private func lease(_ key: Key, transport: APITransport, notices: TextSink) async throws -> any ResponsesService {
        if let service = lock.withLock({ open[key]?.service }) { return service }
        let lease = Lease()
        let inner = self.inner
        let service: any ResponsesService = try await withCheckedThrowingContinuation { (opened: CheckedContinuation<any ResponsesService, Error>) in
            lease.task = Task {
                do {
                    try await inner.withService(baseURL: key.baseURL, apiKey: key.apiKey, transport: transport, notices: notices) {
                        service in
                        await withCheckedContinuation { (release: CheckedContinuation<Void, Never>) in
                            lease.release = release
                            lease.service = service
                            opened.resume(returning: service)
                        }
                    }
                } catch {
                    // Only a failure to open is the caller's; one while closing (after the lease was handed out)
                    // must not resume the continuation a second time.
                    if lease.service == nil { opened.resume(throwing: error) }
                }
            }
        }
        lock.withLock { open[key] = lease }
        return service
    }

    /// Closes every client this session opened and waits until their connections are shut down.
    public func close() async {
        let leases = lock.withLock {
            defer { open = [:] }
            return Array(open.values)
        }
        for lease in leases {
            lease.release?.resume()
            await lease.task?.value
        }
    }
}
