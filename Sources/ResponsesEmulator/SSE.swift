/// One server-sent event: its `event:` name and `data:` JSON.
struct StreamEvent: Sendable {
    var type: String
    var data: EmulatorJSON

    /// `event: <type>\ndata: <json>\n\n`, or a deliberately broken data line.
    func frame(malformed: Bool = false) -> String {
        var json = data.serialized()
        if malformed { json = String(json.prefix(json.count / 2)) + "<malformed by X-Emulator-Fault>" }
        return "event: \(type)\ndata: \(json)\n\n"
    }
}

extension Flavor {
    /// The events of a streamed text response, in the recorded order: created,
    /// in_progress, output_item.added, content_part.added, one delta per word,
    /// output_text.done, content_part.done, output_item.done, completed (or incomplete).
    func streamEvents(_ d: ResponseDraft) -> [StreamEvent] {
        var events: [StreamEvent] = []
        func add(_ type: String, _ fields: [(String, EmulatorJSON)]) {
            let seq: (String, EmulatorJSON) = ("sequence_number", .int(events.count))
            let head: [(String, EmulatorJSON)] =
                self == .openai ? [("type", .string(type)), seq] : [seq, ("type", .string(type))]
            events.append(StreamEvent(type: type, data: .object(head + fields)))
        }
        let itemID: (String, EmulatorJSON) = ("item_id", .string(d.messageID))
        let outputIndex: (String, EmulatorJSON) = ("output_index", .int(0))
        let contentIndex: (String, EmulatorJSON) = ("content_index", .int(0))
        let logprobs: (String, EmulatorJSON) = ("logprobs", .array([]))
        /// The part-locating keys, in each flavour's order.
        func located(_ extra: [(String, EmulatorJSON)], afterIndex: Bool = false) -> [(String, EmulatorJSON)] {
            switch self {
            case .openai: [itemID, outputIndex, contentIndex] + extra
            case .xai: afterIndex ? [contentIndex, itemID, outputIndex] + extra : [contentIndex] + extra.prefix(1) + [itemID, outputIndex] + extra.dropFirst()
            }
        }
        func item(_ stage: ResponseStage) -> [(String, EmulatorJSON)] {
            let item: (String, EmulatorJSON) = ("item", messageItem(d, stage: stage))
            return self == .openai ? [outputIndex, item] : [item, outputIndex]
        }

        add("response.created", [("response", responseObject(d, stage: .inProgress))])
        add("response.in_progress", [("response", responseObject(d, stage: .inProgress))])
        add("response.output_item.added", item(.inProgress))
        add("response.content_part.added", located([("part", textPart(""))], afterIndex: true))
        for delta in Responder.deltas(d.text) {
            switch self {
            case .openai:
                add("response.output_text.delta", located([("delta", .string(delta)), logprobs, ("obfuscation", .string(Self.padding(for: delta)))]))
            case .xai:
                add("response.output_text.delta", located([("delta", .string(delta)), logprobs]))
            }
        }
        add("response.output_text.done", located([("text", .string(d.text)), logprobs], afterIndex: true))
        add("response.content_part.done", located([("part", textPart(d.text))], afterIndex: true))
        add("response.output_item.done", item(.finished))
        add(d.truncated ? "response.incomplete" : "response.completed", [("response", responseObject(d, stage: .finished))])
        return events
    }

    /// OpenAI pads each delta with `obfuscation` so that event sizes do not reveal the
    /// token; the recorded padding brings delta + padding to about 16 characters.
    static func padding(for delta: String) -> String {
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        let length = max(4, 16 - delta.count)
        var seed = UInt64(truncatingIfNeeded: delta.unicodeScalars.reduce(5381) { $0 &* 33 &+ Int($1.value) })
        return String(
            (0..<length).map { _ in
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return letters[Int(seed >> 33) % letters.count]
            })
    }
}
