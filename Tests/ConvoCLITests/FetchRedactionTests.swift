import ConvoCLI
import Foundation
import ResponsesEmulator
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `convo fetch` stores what a server answered: a key the server echoes never reaches the store.
@Suite struct FetchRedactionTests {
    static let key = "sk-fetch-leak-0123456789abcdef"

    /// Creates a response as another program would, with the key quoted in the metadata the server echoes back.
    static func leakyResponse(_ emulator: RunningEmulator) async throws -> String {
        var request = URLRequest(url: URL(string: emulator.baseURL + "/responses")!)
        request.httpMethod = "POST"
        request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(#"{"model":"gpt-4.1","input":"Hi","metadata":{"echo":"Bearer \#(key)"}}"#.utf8)
        let (data, _) = try await URLSession.shared.data(for: request)
        #expect(String(decoding: data, as: UTF8.self).contains(key), "the emulator should echo the metadata")
        return try jsonObject(String(decoding: data, as: UTF8.self))["id"] as? String ?? ""
    }

    @Test func aKeyTheServerEchoesIsRedactedBeforeFetchStoresIt() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .openai, apiKey: Self.key)) { emulator in
            let id = try await Self.leakyResponse(emulator)
            let harness = try await sayHarness(emulator, provider: "openai")
            harness.variables["CONVO_API_KEY"] = Self.key
            let fetched = await harness.run("fetch", id)
            #expect(fetched.status == 0, "\(fetched.err)")

            let raw = await harness.run("show", "--raw")
            #expect(raw.status == 0, "\(raw.err)")
            #expect(raw.out.contains("[redacted]"), "the echo should be kept, redacted: \(raw.out)")
            let exported = await harness.run("export", "--all")
            #expect(exported.status == 0, "\(exported.err)")
            var files = [String: Data]()
            for suffix in ["", "-wal", "-shm"] {
                let path = harness.database.path + suffix
                if let data = FileManager.default.contents(atPath: path) { files[path] = data }
            }
            for spelling in try spellings(of: Self.key) {
                for result in [fetched, raw, exported] {
                    #expect(!result.out.contains(spelling) && !result.err.contains(spelling), "output holds \(spelling)")
                }
                for (path, data) in files { #expect(data.range(of: Data(spelling.utf8)) == nil, "\(path) holds \(spelling)") }
            }
        }
    }
}
