import Foundation
import Testing

/// Reads the recorded traffic in `Tests/Fixtures/responses-api`.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/responses-api")

    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(name))
    }

    /// One recorded exchange of an openai-dotnet SessionRecords file.
    struct Entry {
        var method: String
        var uri: String
        var status: Int
        /// The JSON body, re-serialized (the recording stores it parsed).
        var body: Data
    }

    static func entries(_ name: String) throws -> [Entry] {
        let root = try JSONSerialization.jsonObject(with: data(name)) as? [String: Any]
        let entries = try #require(root?["Entries"] as? [[String: Any]])
        return try entries.map { entry in
            let body = entry["ResponseBody"] ?? NSNull()
            let bytes =
                body is NSNull
                ? Data() : try JSONSerialization.data(withJSONObject: body, options: [.fragmentsAllowed])
            return Entry(
                method: try #require(entry["RequestMethod"] as? String),
                uri: try #require(entry["RequestUri"] as? String),
                status: try #require(entry["StatusCode"] as? Int),
                body: bytes)
        }
    }

    /// The xAI chunks file framed the way its recorder replays it: `data: <line>\n\n`.
    static func xaiStreamBytes() throws -> Data {
        let text = String(decoding: try data("xai-stream-grok-4.vercel-ai.chunks.txt"), as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        return Data(lines.map { "data: \($0)\n\n" }.joined().utf8)
    }
}
