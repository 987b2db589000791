import Foundation

/// Splits a byte stream into lines while reading it in chunks, so that an import holds one chunk and the
/// longest line, not the whole file (a 297 MB transcript held the whole file in memory before).
public struct LineReader {
    /// How many bytes each read asks for.
    public static let defaultChunkSize = 1 << 18

    private let chunkSize: Int
    private let read: (Int) throws -> Data

    /// Reads through `read`, which returns up to the given number of bytes and empty data at the end.
    public init(chunkSize: Int = LineReader.defaultChunkSize, read: @escaping (Int) throws -> Data) {
        self.chunkSize = max(1, chunkSize)
        self.read = read
    }

    /// Lines of bytes already in memory (tests, small inputs).
    public init(_ data: Data) {
        var rest: Data? = data
        self.init(chunkSize: max(1, data.count)) { _ in
            defer { rest = nil }
            return rest ?? Data()
        }
    }

    /// Hands each line, without its `\n`, to `body` in order. A final line without `\n` counts; an input
    /// ending in `\n` has no empty line after it (as splitting the whole file did).
    public func forEachLine(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        // The start of a line that continues into the next chunk.
        var carry = [UInt8]()
        while true {
            let chunk = try read(chunkSize)
            if chunk.isEmpty { break }
            try chunk.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
                guard let base = bytes.baseAddress else { return }
                var start = 0
                while start < bytes.count, let found = memchr(base + start, Int32(UInt8(ascii: "\n")), bytes.count - start) {
                    let end = UnsafeRawPointer(found) - base
                    let line = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
                    if carry.isEmpty {
                        try body(line)
                    } else {
                        carry.append(contentsOf: line)
                        try carry.withUnsafeBytes(body)
                        carry.removeAll(keepingCapacity: true)
                    }
                    start = end + 1
                }
                carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start...]))
            }
        }
        if !carry.isEmpty { try carry.withUnsafeBytes(body) }
    }
}
