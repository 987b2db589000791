import ConvoKit
import Foundation
import ResponsesAPI
import Testing

/// The client factory of a chat session: one client per server for the whole session.
@Suite struct KeptServicesTests {
    @Test func threeTurnsOpenOneClientAndCloseEndsIt() async throws {
        let fake = FakeResponses()
        let kept = KeptServices(fake)
        let url = try #require(URL(string: "http://127.0.0.1:9/v1"))
        for id in ["r1", "r2", "r3"] {
            fake.expect("POST /responses", .response(try FakeResponses.response(id, text: id, createdAt: 0)))
            let request = CreateResponseRequest(model: "m", input: [InputMessage(role: .user, text: id)])
            let answer = try await kept.withService(baseURL: url, apiKey: "k", transport: APITransport(), notices: .memory()) {
                try await $0.create(request)
            }
            #expect(answer.id == id)
        }
        #expect(fake.baseURLs.count == 1)
        await kept.close()
        // After close a new use opens a new client.
        _ = try await kept.withService(baseURL: url, apiKey: "k", transport: APITransport(), notices: .memory()) { _ in 0 }
        #expect(fake.baseURLs.count == 2)
        await kept.close()
    }

    @Test func aFactoryThatCannotOpenThrowsItsError() async throws {
        struct Refusing: ResponsesServiceFactory {
            struct Refused: Error {}
            func withService<T: Sendable>(
                baseURL: URL, apiKey: String, transport: APITransport, notices: TextSink, _ body: (any ResponsesService) async throws -> T
            ) async throws -> T { throw Refused() }
        }
        let kept = KeptServices(Refusing())
        let url = try #require(URL(string: "http://127.0.0.1:9/v1"))
        await #expect(throws: Refusing.Refused.self) {
            try await kept.withService(baseURL: url, apiKey: "k", transport: APITransport(), notices: .memory()) { _ in 0 }
        }
        await kept.close()
    }
}
