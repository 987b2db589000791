import CZlib
import Foundation

/// zlib compression of object bodies, through the system library.
public enum Zlib {
    /// Compresses `input` with zlib's default level into the zlib (RFC 1950) format.
    public static func compress(_ input: [UInt8], level: Int32 = Z_DEFAULT_COMPRESSION) -> [UInt8] {
        var capacity = compressBound(uLong(input.count))
        var output = [UInt8](repeating: 0, count: Int(capacity))
        let status = input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                compress2(target.baseAddress, &capacity, source.baseAddress, uLong(source.count), level)
            }
        }
        // safe: compressBound sizes the buffer for any input, so only a failed allocation (already fatal) remains.
        precondition(status == Z_OK, "zlib compress2 failed with status \(status)")
        output.removeSubrange(Int(capacity)...)
        return output
    }

    /// Decompresses zlib data whose uncompressed length is known to be `expectedSize`.
    public static func decompress(_ input: [UInt8], expectedSize: Int) throws(StoreError) -> [UInt8] {
        try input.withUnsafeBytes { source in
            Result { () throws(StoreError) in try decompress(source, expectedSize: expectedSize) }
        }.get()
    }

    /// ``decompress(_:expectedSize:)`` of bytes read in place (a pack's blob as SQLite holds it): no copy of
    /// the input, and the output is not zeroed before zlib writes every byte of it.
    static func decompress(_ input: UnsafeRawBufferPointer, expectedSize: Int) throws(StoreError) -> [UInt8] {
        // The size comes from a database row: a damaged one must not trap or allocate without bound. zlib
        // inflates at most 1032 bytes per input byte.
        guard expectedSize >= 0, expectedSize / 1032 <= input.count else {
            throw .corruptObject(detail: "zlib data of \(input.count) bytes cannot inflate to \(expectedSize) bytes")
        }
        var length = uLongf(expectedSize)
        var status = Z_OK
        let output = [UInt8](unsafeUninitializedCapacity: max(expectedSize, 1)) { target, initialized in
            status = uncompress(target.baseAddress, &length, input.baseAddress?.assumingMemoryBound(to: UInt8.self), uLong(input.count))
            // Bytes zlib did not write are never read: a short or failed inflate throws below.
            initialized = status == Z_OK ? min(Int(length), expectedSize) : 0
        }
        guard status == Z_OK, Int(length) == expectedSize else {
            throw .corruptObject(detail: "zlib data does not inflate to \(expectedSize) bytes (status \(status))")
        }
        return output
    }
}
