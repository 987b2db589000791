import ConvoKit
import Foundation
import Testing

@Suite struct LineReaderTests {
    /// The lines as splitting the whole input at `\n` gives them, without the empty piece after a final `\n`.
    func wholeSplit(_ data: Data) -> [[UInt8]] {
        if data.isEmpty { return [] }
        var lines = Array(data).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
        if data.last == UInt8(ascii: "\n") { lines.removeLast() }
        return lines
    }

    func read(_ data: Data, chunkSize: Int) throws -> [[UInt8]] {
        let source = InputSource.bytes(data)
        var lines = [[UInt8]]()
        try LineReader(chunkSize: chunkSize, read: source.read).forEachLine { lines.append(Array($0)) }
        return lines
    }

    @Test(arguments: [
        "", "\n", "\n\n", "a", "a\n", "a\nb", "a\nb\n", "\nab\n\ncd", "one\r\ntwo\r\n", "a long line that spans many chunks\nx\n",
        "{\"input\":\"café\",\"output\":\"日本\"}\n{\"input\":\"x\",\"output\":\"y\"}",
    ])
    func everyChunkSizeGivesTheLinesOfTheWholeInput(text: String) throws {
        let data = Data(text.utf8)
        for chunkSize in 1...max(1, data.count + 1) {
            #expect(try read(data, chunkSize: chunkSize) == wholeSplit(data), "chunk size \(chunkSize)")
        }
    }

    @Test func aLineLongerThanTheChunkArrivesWhole() throws {
        let long = [UInt8](repeating: UInt8(ascii: "x"), count: 10_000)
        let data = Data(long + [0x0A] + Array("short".utf8))
        #expect(try read(data, chunkSize: 64) == [long, Array("short".utf8)])
    }

    @Test func aFailingReadStopsTheLines() throws {
        struct Broken: Error {}
        var reads = 0
        var lines = [[UInt8]]()
        let reader = LineReader(chunkSize: 4) { _ in
            reads += 1
            if reads == 1 { return Data("ab\ncd".utf8) }
            throw Broken()
        }
        #expect(throws: Broken.self) { try reader.forEachLine { lines.append(Array($0)) } }
        #expect(lines == [Array("ab".utf8)])
    }
}
