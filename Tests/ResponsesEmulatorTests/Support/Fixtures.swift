import Foundation
import Testing

@testable import ResponsesEmulator

/// The recorded traffic in `Tests/Fixtures/responses-api/`.
enum Fixtures {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/responses-api")

    static func text(_ name: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
    }

    static func json(_ name: String) throws -> EmulatorJSON {
        try EmulatorJSON.parse(text(name))
    }

    /// `Entries[index]` of an openai-dotnet SessionRecords file.
    static func entry(_ name: String, _ index: Int) throws -> EmulatorJSON {
        let entries = try #require(json(name)["Entries"]?.arrayValue)
        return entries[index]
    }

    /// The names of all openai-dotnet recordings.
    static func sessionRecordNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".openai-dotnet.json") }.sorted()
    }
}

/// Every key path of a JSON value, depth first in key order, array elements merged
/// under `[]`: `usage.input_tokens_details.cached_tokens`, `output[].content[].text`.
func keyPaths(_ value: EmulatorJSON, _ prefix: String = "") -> [String] {
    var paths: [String] = []
    func add(_ path: String) { if !paths.contains(path) { paths.append(path) } }
    switch value {
    case .object(let pairs):
        for (key, child) in pairs {
            let path = prefix.isEmpty ? key : "\(prefix).\(key)"
            add(path)
            keyPaths(child, path).forEach(add)
        }
    case .array(let items):
        for item in items { keyPaths(item, prefix + "[]").forEach(add) }
    default: break
    }
    return paths
}

/// The value with every array element of `"type": "reasoning"` removed: the emulator
/// has no reasoning, so such items of a recording are not compared.
func withoutReasoning(_ value: EmulatorJSON) -> EmulatorJSON {
    switch value {
    case .object(let pairs): .object(pairs.map { ($0.0, withoutReasoning($0.1)) })
    case .array(let items): .array(items.filter { $0["type"]?.stringValue != "reasoning" }.map(withoutReasoning))
    default: value
    }
}

/// Event types with runs of the same type collapsed: the number of deltas varies.
func collapsed(_ types: [String]) -> [String] {
    types.reduce(into: []) { result, type in if result.last != type { result.append(type) } }
}
