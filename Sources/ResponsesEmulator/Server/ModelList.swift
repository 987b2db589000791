import Foundation

extension Flavor {
    /// The models `GET /v1/models` lists: the provider's current text models, each flavour's default among them
    /// (the emulator's responder answers for any model id).
    var models: [(id: String, created: Int)] {
        switch self {
        case .openai:
            [("gpt-4.1", 1_744_316_542), ("gpt-4.1-mini", 1_744_318_173), ("gpt-4o", 1_715_367_049), ("gpt-5", 1_754_425_777), ("gpt-5-mini", 1_754_425_928)]
        case .xai:
            [("grok-3-mini", 1_743_724_800), ("grok-4", 1_752_019_200), ("grok-4-fast-non-reasoning", 1_758_240_000), ("grok-4-fast-reasoning", 1_758_240_000), ("grok-code-fast-1", 1_756_166_400)]
        }
    }

    /// `GET /v1/models`: `{"object": "list", "data": [{"id", "object": "model", "created", "owned_by"}]}` as OpenAI's
    /// API reference ("List models") shows it, and the same fields in xAI's order (xAI's REST reference, "List
    /// models", `owned_by: "xai"`).
    func modelList() -> EmulatorJSON {
        switch self {
        case .openai:
            .object([
                ("object", .string("list")),
                ("data", .array(models.map { .object([("id", .string($0.id)), ("object", .string("model")), ("created", .int($0.created)), ("owned_by", .string("system"))]) })),
            ])
        case .xai:
            .object([
                ("data", .array(models.map { .object([("id", .string($0.id)), ("created", .int($0.created)), ("object", .string("model")), ("owned_by", .string("xai"))]) })),
                ("object", .string("list")),
            ])
        }
    }
}
