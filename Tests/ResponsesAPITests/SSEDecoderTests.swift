import Foundation
import Testing

@testable import ResponsesAPI

@Suite("SSE decoder")
struct SSEDecoderTests {
    private func decodeWhole(_ bytes: some Sequence<UInt8>) -> ([SSEEvent], SSEDecoder.End) {
        var decoder = SSEDecoder()
        let events = decoder.feed(bytes)
        return (events, decoder.finish())
    }

    @Test func fieldsCommentsAndDispatch() {
        let text = ": keep-alive\nevent: greet\ndata: one\ndata:two\nid: 7\n\ndata: three\n\n"
        let (events, end) = decodeWhole(Array(text.utf8))
        #expect(events == [
            SSEEvent(event: "greet", data: "one\ntwo", id: "7"),
            SSEEvent(event: nil, data: "three", id: "7"),
        ])
        #expect(end == .clean)
    }

    @Test func onlyOneSpaceAfterTheColonIsDropped() {
        let (events, _) = decodeWhole(Array("data:  two spaces\ndata\n\n".utf8))
        #expect(events == [SSEEvent(data: " two spaces\n")])
    }

    @Test func eventWithoutDataIsNotDispatched() {
        let (events, end) = decodeWhole(Array("event: ping\n\n: comment only\n\n".utf8))
        #expect(events.isEmpty)
        #expect(end == .clean)
    }

    @Test func crAndCrlfAndLfEndingsAreEquivalent() {
        let lf = "event: a\ndata: x\n\ndata: y\n\n"
        let expected = decodeWhole(Array(lf.utf8)).0
        #expect(expected.count == 2)
        for ending in ["\r\n", "\r"] {
            let text = lf.replacingOccurrences(of: "\n", with: ending)
            #expect(decodeWhole(Array(text.utf8)).0 == expected, "line ending \(ending.debugDescription)")
        }
    }

    @Test func crAtChunkEndThenLfIsOneLineEnding() {
        var decoder = SSEDecoder()
        var events = decoder.feed(Array("data: x\r".utf8))
        events += decoder.feed(Array("\n\r".utf8))
        events += decoder.feed(Array("\ndata: y\r\n\r\n".utf8))
        #expect(events == [SSEEvent(data: "x"), SSEEvent(data: "y")])
        #expect(decoder.finish() == .clean)
    }

    @Test func utf8SplitAcrossChunks() {
        let bytes = Array("data: héllo 👋\n\n".utf8)
        for cut in 0...bytes.count {
            var decoder = SSEDecoder()
            let events = decoder.feed(bytes[..<cut]) + decoder.feed(bytes[cut...])
            #expect(events == [SSEEvent(data: "héllo 👋")], "cut at \(cut)")
        }
    }

    @Test func byteOrderMarkAtStartIsIgnored() {
        let (events, _) = decodeWhole([0xEF, 0xBB, 0xBF] + Array("data: x\n\n".utf8))
        #expect(events == [SSEEvent(data: "x")])
    }

    @Test func endOfStreamMidEventIsReportedAndNotDispatched() {
        for tail in ["data: {\"type\":\"respo", "data: complete line\n", "event: x\n"] {
            let (events, end) = decodeWhole(Array(("data: first\n\n" + tail).utf8))
            #expect(events == [SSEEvent(data: "first")], "tail \(tail.debugDescription)")
            #expect(end == .midEvent, "tail \(tail.debugDescription)")
        }
    }

    @Test func emptyInput() {
        let (events, end) = decodeWhole([UInt8]())
        #expect(events.isEmpty)
        #expect(end == .clean)
    }

    @Test func largeDataLine() {
        let big = String(repeating: "abcdefgh", count: 200_000)
        let (events, _) = decodeWhole(Array("data: \(big)\n\n".utf8))
        #expect(events.first?.data.count == big.count)
    }
}
