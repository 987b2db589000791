import Foundation
import Synchronization

/// The providers' prompt caches, as far as a client can see them: `usage.input_tokens_details.cached_tokens`
/// counts the tokens of the prompt's prefix that an earlier request under the same `prompt_cache_key` already
/// sent, in each provider's granularity.
///
/// - OpenAI (developers.openai.com/api/docs/guides/prompt-caching, and its Prompt Caching 201 cookbook):
///   caching starts at prompts of 1024 tokens and hits in increments of 128 tokens; requests are routed by a
///   hash of the prefix combined with `prompt_cache_key`, so a request without a key still finds the prefix
///   of other key-less requests.
/// - xAI (docs.x.ai/developers/advanced-api-usage/prompt-caching): `prompt_cache_key` (the Responses API's
///   `x-grok-conv-id`) routes a conversation to the server that holds its cache; without one a request lands
///   on some server, so the emulator counts it a miss. No minimum is documented; the recorded grok responses
///   report 128 and 192 cached tokens of a 197-token prompt, so the emulator counts in blocks of 64.
///
/// The emulator keeps the last few prompts of each key, for ever (the real caches evict after minutes of
/// idleness or under load: a client must never rely on a hit, and convo does not).
final class PromptCache: Sendable {
    private let prompts = Mutex<[String: [[String]]]>([:])
    /// Prompts kept per key: a conversation's branches alternate between a few prefixes.
    private static let kept = 4

    /// The tokens of a prompt as the emulator counts them (one a word, see `Responder.tokens`), each tagged
    /// with where it stands, so that the same words said by another role or as instructions do not match.
    static func tokens(instructions: String?, context: [Message]) -> [String] {
        var tokens = (instructions ?? "").split(whereSeparator: \.isWhitespace).map { "instructions\u{0}" + $0 }
        for message in context {
            tokens += message.text.split(whereSeparator: \.isWhitespace).map { message.role + "\u{0}" + $0 }
        }
        return tokens
    }

    /// How many tokens of `prompt` the flavour's cache serves for `key`, then remembers `prompt` under it.
    func lookUp(_ prompt: [String], key: String?, flavor: Flavor) -> Int {
        let bucket: String
        switch (flavor, key) {
        case (_, let key?): bucket = "key:" + key
        case (.openai, nil): bucket = ""
        case (.xai, nil): return 0
        }
        return prompts.withLock { prompts in
            let earlier = prompts[bucket] ?? []
            let shared = earlier.map { Self.commonPrefix($0, prompt) }.max() ?? 0
            prompts[bucket] = Array((earlier.filter { $0 != prompt } + [prompt]).suffix(Self.kept))
            return Self.billable(shared: shared, promptLength: prompt.count, flavor: flavor)
        }
    }

    /// The cached tokens a provider reports when `shared` tokens of a `promptLength`-token prompt were cached.
    static func billable(shared: Int, promptLength: Int, flavor: Flavor) -> Int {
        switch flavor {
        case .openai: promptLength >= 1024 && shared >= 1024 ? shared / 128 * 128 : 0
        case .xai: shared / 64 * 64
        }
    }

    private static func commonPrefix(_ a: [String], _ b: [String]) -> Int {
        var count = 0
        while count < a.count, count < b.count, a[count] == b[count] { count += 1 }
        return count
    }
}
