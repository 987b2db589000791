import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A thread-safe box for values a test collects from other threads.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value { lock.withLock { stored } }
    func mutate<R>(_ body: (inout Value) -> R) -> R { lock.withLock { body(&stored) } }
}

/// A tiny HTTP/1.1 server on 127.0.0.1 that answers each request with the next scripted reply.
final class ScriptedServer: Sendable {
    /// One scripted reply.
    enum Reply: Sendable {
        /// A complete reply with a `Content-Length`.
        case json(status: Int, headers: [String: String] = [:], body: String)
        /// A chunked `text/event-stream` reply; with `cut`, the connection is closed
        /// after the body instead of ending the response; with `hang`, it stays open and silent.
        case sse(body: String, cut: Bool = false, hang: Bool = false)
        /// No reply at all; the connection stays open.
        case silent
    }

    /// A request as the server received it.
    struct Received: Sendable {
        var method: String
        var uri: String
        var headers: [String: String]
        var body: Data
    }

    let port: Int
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    private let script: Locked<[Reply]>
    private let log: Locked<[Received]>

    var requests: [Received] { log.value }

    init(replies: [Reply]) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let script = Locked(replies)
        let log = Locked<[Received]>([])
        do {
            channel = try await ServerBootstrap(group: group)
                .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                        try channel.pipeline.syncOperations.addHandler(Handler(script: script, log: log))
                    }
                }
                .bind(host: "127.0.0.1", port: 0).get()
        } catch {
            try await group.shutdownGracefully()
            throw error
        }
        self.group = group
        self.script = script
        self.log = log
        self.port = channel.localAddress?.port ?? 0
    }

    var baseURL: URL { URL(string: "http://127.0.0.1:\(port)/v1")! }

    func shutdown() async throws {
        try? await channel.close()
        try await group.shutdownGracefully()
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        private let script: Locked<[Reply]>
        private let log: Locked<[Received]>
        private var head: HTTPRequestHead?
        private var body = Data()

        init(script: Locked<[Reply]>, log: Locked<[Received]>) {
            self.script = script
            self.log = log
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = Data()
            case .body(let buffer):
                body.append(contentsOf: buffer.readableBytesView)
            case .end:
                guard let head else { return }
                var headers: [String: String] = [:]
                for (name, value) in head.headers { headers[name.lowercased()] = value }
                let received = Received(method: head.method.rawValue, uri: head.uri, headers: headers, body: body)
                log.mutate { $0.append(received) }
                let reply = script.mutate { $0.isEmpty ? nil : $0.removeFirst() }
                respond(context, reply ?? .json(status: 500, body: #"{"error":{"message":"script exhausted"}}"#))
            }
        }

        private func respond(_ context: ChannelHandlerContext, _ reply: Reply) {
            switch reply {
            case .silent:
                return
            case .json(let status, let extra, let text):
                var headers = HTTPHeaders([("Content-Type", "application/json"), ("Content-Length", "\(text.utf8.count)")])
                for (name, value) in extra { headers.add(name: name, value: value) }
                let head = HTTPResponseHead(version: .http1_1, status: .init(statusCode: status), headers: headers)
                context.write(wrapOutboundOut(.head(head)), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            case .sse(let text, let cut, let hang):
                let headers = HTTPHeaders([("Content-Type", "text/event-stream; charset=utf-8"), ("Transfer-Encoding", "chunked")])
                let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: headers)
                context.write(wrapOutboundOut(.head(head)), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
                if hang {
                    context.flush()
                } else if cut {
                    context.flush()
                    context.close(promise: nil)
                } else {
                    context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                }
            }
        }
    }
}
