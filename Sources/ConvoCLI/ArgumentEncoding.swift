import ConvoKit
import Foundation

/// Arguments that are not UTF-8. Swift hands a program its arguments with every bad byte replaced by U+FFFD, so
/// `convo say $'caf\xe9'` would send and store a message other than the one given, and `say -a` of a Latin-1 file
/// name would look for a file that is not there. convo refuses such an argument, as it refuses such a message on
/// standard input, before any command runs.
enum ArgumentEncoding {
    /// The first argument (1 = the first after the program's name) holding a byte that is not UTF-8, and the
    /// offset (from 0) of that byte.
    static func firstInvalid(_ arguments: [[UInt8]]) -> (argument: Int, offset: Int)? {
        for (index, bytes) in arguments.enumerated() {
            // ASCII is UTF-8: the generic parser below costs 0.4 M instructions on its first use (issue 11).
            if bytes.allSatisfy({ $0 < 0x80 }) { continue }
            if let offset = MessageSource.firstInvalidUTF8(bytes) { return (index + 1, offset) }
        }
        return nil
    }

    /// The process's arguments as the bytes it was given, its name left out.
    static func processArguments() -> [[UInt8]] {
        (1..<Int(CommandLine.argc)).map { index in
            guard let argument = CommandLine.unsafeArgv[index] else { return [] }
            return Array(UnsafeRawBufferPointer(start: argument, count: strlen(argument)))
        }
    }

    /// The error for `bad`: the argument shown with its bad bytes as `\xNN` and what a terminal would act on
    /// made visible, the offset, and what to do.
    static func message(_ arguments: [[UInt8]], _ bad: (argument: Int, offset: Int)) -> String {
        let bytes = arguments[bad.argument - 1]
        var shown = ""
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var position = 0
        loop: while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                let scalar = Unicode.UTF8.decode(encoded)
                shown += VisibleText.needsEscape(scalar) ? VisibleText.visible(scalar) : String(Character(scalar))
                position += encoded.count
            case .error(let length):
                for byte in bytes[position..<position + length] {
                    shown += "\\x" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16)
                }
                position += length
            case .emptyInput: break loop
            }
        }
        return "error: argument \(bad.argument) ('\(shown)') is not valid UTF-8 (byte offset \(bad.offset), counting from 0); "
            + "nothing was done\nhint: convo takes UTF-8 arguments: convert the text (iconv -f latin1 -t utf-8) or rename the file"
    }
}
