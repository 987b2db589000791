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
        precondition(status == Z_OK, "zlib compress2 failed with status \(status)")
        output.removeSubrange(Int(capacity)...)
        return output
    }

    /// Decompresses zlib data whose uncompressed length is known to be `expectedSize`.
    public static func decompress(_ input: [UInt8], expectedSize: Int) throws(StoreError) -> [UInt8] {
        var length = uLongf(expectedSize)
        var output = [UInt8](repeating: 0, count: max(expectedSize, 1))
        let status = input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                uncompress(target.baseAddress, &length, source.baseAddress, uLong(source.count))
            }
        }
        guard status == Z_OK, Int(length) == expectedSize else {
            throw .corruptObject(detail: "zlib data does not inflate to \(expectedSize) bytes (status \(status))")
        }
        output.removeSubrange(expectedSize...)
        return output
    }

    /// Inflates only the first `length` bytes of a zlib stream: enough to read one object of a pack.
    public static func decompressPrefix(_ input: [UInt8], length: Int) throws(StoreError) -> [UInt8] {
        guard length > 0 else { return [] }
        var stream = z_stream()
        guard inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .corruptObject(detail: "zlib cannot start inflating")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: length)
        var input = input
        let status = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                var status = Z_OK
                while stream.avail_out > 0 && status == Z_OK {
                    status = inflate(&stream, Z_NO_FLUSH)
                }
                return status
            }
        }
        guard stream.avail_out == 0, status == Z_OK || status == Z_STREAM_END else {
            throw .corruptObject(detail: "pack data ends before byte \(length) (zlib status \(status))")
        }
        return output
    }
}
