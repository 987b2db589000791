// Test support for Tests/EndToEndTests/TerminalChatInputTests.swift: reads entries with TerminalChatInput on
// the terminal it was started on, until `convo chat` drives it in the product.
//
// chat-input-probe --history FILE --log FILE [--secret TEXT] [--complete WORD,WORD...]
// Appends one JSON line per entry to the log ({"text": …}, {"interrupt": true} or {"end": true}) and prints
// "[probe N]" on the terminal after the Nth, so a test knows when to read the log.
#if DEBUG
@testable import ConvoCLI
import Foundation

var options: [String: String] = [:]
var arguments = CommandLine.arguments.dropFirst()
while let name = arguments.popFirst(), let value = arguments.popFirst() { options[name] = value }
guard let logPath = options["--log"] else {
    FileHandle.standardError.write(Data("usage: chat-input-probe --history FILE --log FILE\n".utf8))
    exit(2)
}
guard
    let input = TerminalChatInput(
        historyFile: options["--history"].map(URL.init(fileURLWithPath:)), holdsSecret: { text in options["--secret"].map { !$0.isEmpty && text.contains($0) } ?? false },
        environment: ProcessInfo.processInfo.environment)
else {
    FileHandle.standardError.write(Data("chat-input-probe: libedit did not start\n".utf8))
    exit(1)
}
let words = options["--complete"].map { $0.split(separator: ",").map(String.init) }
if let words {
    input.complete = { line in
        let word = String(line.reversed().prefix { !$0.isWhitespace }.reversed())
        return words.filter { $0.hasPrefix(word) }
    }
}
FileManager.default.createFile(atPath: logPath, contents: nil)
let log = FileHandle(forWritingAtPath: logPath)
var count = 0
while true {
    let entry = input.next(prompt: "\u{1B}[1mprobe\u{1B}[0m> ")
    let record: [String: Any] =
        switch entry {
        case .text(let text): ["text": text]
        case .interrupt: ["interrupt": true]
        case .end: ["end": true]
        }
    let line = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]) + Data("\n".utf8)
    log?.seekToEndOfFile()
    log?.write(line)
    count += 1
    print("[probe \(count)]")
    if entry == .end { break }
}
#else
print("chat-input-probe is test support for debug builds")
#endif
