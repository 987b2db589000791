import Foundation
import Testing

@testable import ResponsesAPI

/// What a consumer of a stream ends up with.
private struct Transcript: Equatable {
    var types: [String] = []
    var text = ""
    var createdID: String?
    var final: ResponseObject?
}

private func transcript(_ chunks: [ArraySlice<UInt8>]) throws -> Transcript {
    var decoder = SSEDecoder()
    var result = Transcript()
    for chunk in chunks {
        for sse in decoder.feed(chunk) {
            guard let event = try StreamEvent(sse) else { continue }
            switch event {
            case .created(let response): result.createdID = response.id; result.types.append("created")
            case .inProgress: result.types.append("in_progress")
            case .textDelta(let delta): result.text += delta; result.types.append("delta")
            case .textDone: result.types.append("text_done")
            case .completed(let response): result.final = response; result.types.append("completed")
            case .incomplete(let response): result.final = response; result.types.append("incomplete")
            case .failed(let response): result.final = response; result.types.append("failed")
            case .error: result.types.append("error")
            case .other(let type): result.types.append(type)
            }
        }
    }
    #expect(decoder.finish() == .clean)
    return result
}

@Suite("Recorded streams")
struct StreamFixtureTests {
    static let streams = [
        "openai-stream-text-2025-09.body.sse", "openai-stream-text-2026-04.body.sse", "xai-chunks",
    ]

    private func bytes(_ name: String) throws -> [UInt8] {
        name == "xai-chunks" ? Array(try Fixtures.xaiStreamBytes()) : Array(try Fixtures.data(name))
    }

    @Test func openAI2025Stream() throws {
        let result = try transcript([try bytes(Self.streams[0])[...]])
        #expect(result.types.count == 17)
        #expect(result.types.filter { $0 == "delta" }.count == 9)
        #expect(result.types.first == "created")
        #expect(result.types.last == "completed")
        #expect(result.createdID == "resp_0b70e4946283a4df0068c9ef5ef4d88194adeeb6e2283d609a")
        #expect(result.text == "Hello! How can I assist you today?")
        let final = try #require(result.final)
        #expect(final.id == result.createdID)
        #expect(final.status == .completed)
        #expect(final.outputText == result.text)
        #expect(final.usage == Usage(inputTokens: 11, outputTokens: 10, totalTokens: 21, cachedTokens: 0, reasoningTokens: 0))
    }

    @Test func openAI2026Stream() throws {
        let result = try transcript([try bytes(Self.streams[1])[...]])
        #expect(result.types.count == 383)
        #expect(result.types.filter { $0 == "delta" }.count == 375)
        #expect(result.createdID == "resp_07010c6c811f07f40069f264cc0bdc8190a377c26a45d14306")
        #expect(result.text.hasPrefix("Token log probabilities are a way of expressing"))
        #expect(result.text.hasSuffix("handle complex sequences in a manageable way."))
        let final = try #require(result.final)
        #expect(final.outputText == result.text)
        #expect(final.usage?.outputTokens == 376)
        #expect(final.usage?.totalTokens == 389)
    }

    @Test func xaiStreamWithoutEventLines() throws {
        let result = try transcript([try bytes("xai-chunks")[...]])
        #expect(result.types.count == 25)
        #expect(result.types.contains("response.reasoning_summary_text.delta"))
        #expect(result.createdID == "0d7f672c-6cf5-9f88-af4b-a8b16c2c965d")
        #expect(result.text == "hello")
        let final = try #require(result.final)
        #expect(final.model == "grok-4.3")
        #expect(final.usage == Usage(inputTokens: 197, outputTokens: 199, totalTokens: 396, cachedTokens: 192, reasoningTokens: 198))
    }

    @Test func finalResponseRawIsTheServersBytes() throws {
        let text = String(decoding: try bytes(Self.streams[0]), as: UTF8.self)
        let completedLine = try #require(text.split(separator: "\n").last { $0.hasPrefix("data: {\"type\":\"response.completed\"") })
        let final = try #require(try transcript([try bytes(Self.streams[0])[...]]).final)
        let rawText = String(decoding: final.raw, as: UTF8.self)
        #expect(rawText.hasPrefix("{\"id\":\"resp_0b70e4946283a4df"))
        #expect(completedLine.contains(rawText))
    }

    @Test(arguments: streams)
    func oneByteAtATimeGivesTheSameEvents(_ name: String) throws {
        let all = try bytes(name)
        var whole = SSEDecoder()
        let expected = whole.feed(all)
        var decoder = SSEDecoder()
        var events: [SSEEvent] = []
        for byte in all { events += decoder.feed(CollectionOfOne(byte)) }
        #expect(events == expected)
        #expect(decoder.finish() == .clean)
    }

    /// Two chunks, cut at every byte offset, checked in linear time: a parser's output
    /// depends only on its state and the bytes still to come, so for each cut it is enough
    /// to feed the bytes up to the next event boundary and find the same events and the
    /// same parser state as an uncut parse has there.
    @Test(arguments: streams)
    func cutAtEveryOffsetGivesTheSameEvents(_ name: String) throws {
        let all = try bytes(name)
        var whole = SSEDecoder()
        let expected = whole.feed(all)

        // Boundaries: the offsets just after each dispatched event, with the parser state there.
        var reference = SSEDecoder()
        var boundaries = [0]
        var states = [reference]
        for (offset, byte) in all.enumerated() where !reference.feed(CollectionOfOne(byte)).isEmpty {
            boundaries.append(offset + 1)
            states.append(reference)
        }
        #expect(boundaries.count == expected.count + 1)
        #expect(boundaries.last == all.count)

        var failures = 0
        for event in 0..<expected.count {
            let (start, end) = (boundaries[event], boundaries[event + 1])
            for cut in start..<end where failures < 3 {
                var decoder = states[event]
                let events = decoder.feed(all[start..<cut]) + decoder.feed(all[cut..<end])
                if events != [expected[event]] || decoder != states[event + 1] {
                    failures += 1
                    Issue.record("cut at \(cut) gives \(events.count) events or another state")
                }
            }
        }
        #expect(try transcript([all[..<(all.count / 2)], all[(all.count / 2)...]]) == transcript([all[...]]))
    }

    @Test(arguments: streams)
    func crlfFramingGivesTheSameEvents(_ name: String) throws {
        let lf = try bytes(name)
        let crlf = Array(String(decoding: lf, as: UTF8.self).replacingOccurrences(of: "\n", with: "\r\n").utf8)
        #expect(try transcript([crlf[...]]) == transcript([lf[...]]))
    }

    @Test func doneSentinelIsIgnored() throws {
        var decoder = SSEDecoder()
        let events = decoder.feed(Array("data: [DONE]\n\n".utf8))
        #expect(events.count == 1)
        #expect(try StreamEvent(events[0]) == nil)
    }
}
