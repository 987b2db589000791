import Foundation
import Testing

@testable import ResponsesAPI

/// What convo sends against what the official SDKs sent in the recordings (Tests/Fixtures/responses-api,
/// SOURCE.md): for the same options, the same field names with the same JSON types and values.
@Suite("Request bodies match the recorded requests")
struct RecordedRequestTests {
    /// The recorded `POST /v1/responses` bodies of the openai-dotnet files, with their file names.
    static func recordedBodies() throws -> [(String, [String: Any])] {
        let names = try FileManager.default.contentsOfDirectory(atPath: Fixtures.directory.path)
            .filter { $0.hasSuffix(".openai-dotnet.json") }.sorted()
        var bodies: [(String, [String: Any])] = []
        for name in names {
            let root = try JSONSerialization.jsonObject(with: Fixtures.data(name)) as? [String: Any]
            for entry in try #require(root?["Entries"] as? [[String: Any]]) {
                guard entry["RequestMethod"] as? String == "POST", (entry["RequestUri"] as? String)?.hasSuffix("/v1/responses") == true,
                    let body = entry["RequestBody"] as? [String: Any]
                else { continue }
                bodies.append((name, body))
            }
        }
        return bodies
    }

    /// The body convo encodes for the options a recorded body asks for; nil when it asks for one convo has not.
    static func convoBody(for recorded: [String: Any]) throws -> [String: Any]? {
        let known: Set = ["model", "input", "instructions", "previous_response_id", "store", "stream", "temperature", "max_output_tokens"]
        guard Set(recorded.keys).isSubset(of: known) else { return nil }
        let input = try #require(recorded["input"] as? [[String: Any]]).map { item in
            InputMessage(role: try #require(InputMessage.Role(rawValue: item["role"] as? String ?? "")), text: try text(of: item))
        }
        let request = CreateResponseRequest(
            model: try #require(recorded["model"] as? String), instructions: recorded["instructions"] as? String, input: input,
            previousResponseID: recorded["previous_response_id"] as? String, store: recorded["store"] as? Bool ?? true,
            temperature: (recorded["temperature"] as? NSNumber)?.doubleValue, maxOutputTokens: recorded["max_output_tokens"] as? Int,
            stream: recorded["stream"] as? Bool ?? false)
        return try JSONSerialization.jsonObject(with: request.encodedBody()) as? [String: Any]
    }

    /// The text of an input message in either `EasyInputMessage` content form: a string, or one `input_text` part.
    static func text(of item: [String: Any]) throws -> String {
        if let text = item["content"] as? String { return text }
        let parts = try #require(item["content"] as? [[String: Any]])
        try #require(parts.count == 1 && parts[0]["type"] as? String == "input_text")
        return try #require(parts[0]["text"] as? String)
    }

    /// A value as JSON text, so that `1`, `1.0`, `true` and `"1"` stay different.
    static func json(_ value: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]), as: UTF8.self)
    }

    @Test func everyRecordedFieldIsSentUnderItsNameWithItsValue() throws {
        var compared = 0, fields = Set<String>()
        for (name, recorded) in try Self.recordedBodies() {
            guard let sent = try Self.convoBody(for: recorded) else {
                // Only the conversations recording: `conversation` is an option convo does not have.
                #expect(recorded["conversation"] != nil, "\(name) asks for an option convo lacks: \(recorded.keys.sorted())")
                continue
            }
            for (key, value) in recorded where key != "input" {
                #expect(try sent[key].map(Self.json) == Self.json(value), "\(name): \(key)")
                fields.insert(key)
            }
            // Extra keys are the spec's defaults, sent explicitly.
            for key in Set(sent.keys).subtracting(recorded.keys) {
                #expect(["store": "true", "stream": "false"][key] == (try Self.json(sent[key] as Any)), "\(name): extra \(key)")
            }
            let sentItems = try #require(sent["input"] as? [[String: Any]])
            let recordedItems = try #require(recorded["input"] as? [[String: Any]])
            #expect(sentItems.count == recordedItems.count)
            for (mine, theirs) in zip(sentItems, recordedItems) {
                #expect(mine.keys.sorted() == ["content", "role", "type"], "\(name)")
                #expect(Set(mine.keys) == Set(theirs.keys), "\(name)")
                #expect(mine["type"] as? String == "message" && theirs["type"] as? String == "message", "\(name)")
                #expect(mine["role"] as? String == theirs["role"] as? String, "\(name)")
                // convo sends the string form of EasyInputMessage.content; the .NET SDK the one-part list.
                #expect(mine["content"] as? String == (try Self.text(of: theirs)), "\(name)")
            }
            compared += 1
        }
        #expect(compared >= 8)
        #expect(fields == ["model", "instructions", "previous_response_id", "store", "stream", "max_output_tokens"])
    }

    @Test func theRecordedTemperatureRequestIsTheOneConvoSendsForTheSameOptions() throws {
        // pydantic-ai's cassette is YAML; its parsed_body (keys alphabetical, SOURCE.md) is transcribed here
        // and the transcription is checked against the file's lines.
        let yaml = String(decoding: try Fixtures.data("openai-error-400-invalid-temperature.pydantic-ai.yaml"), as: UTF8.self)
        #expect(yaml.contains("""
                parsed_body:
                  input:
                  - content: What is the capital of France?
                    role: user
                  instructions: ''
                  model: gpt-4o
                  stream: true
                  temperature: -1

            """))
        let recorded: [String: Any] = [
            "input": [["content": "What is the capital of France?", "role": "user"]], "instructions": "", "model": "gpt-4o",
            "stream": true, "temperature": -1,
        ]
        let sent = try #require(try Self.convoBody(for: recorded))
        #expect(try Self.json(sent["temperature"] as Any) == "-1")
        for key in ["instructions", "model", "stream"] { #expect(try Self.json(sent[key] as Any) == Self.json(recorded[key] as Any), "\(key)") }
        let item = try #require((sent["input"] as? [[String: Any]])?.first)
        #expect(item["content"] as? String == "What is the capital of France?" && item["role"] as? String == "user")
    }
}
