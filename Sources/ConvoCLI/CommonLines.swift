import ArgumentParser

/// The most common command lines (`log`, `log -n 20 --oneline --all`, `status`, `say MESSAGE`), read by hand into the same
/// command values ArgumentParser makes. Issue 11: parsing `log -n 20` through ArgumentParser cost 19.3 M of
/// the process's 39.8 M instructions (reflecting `Log`'s properties into an argument set, and the runtime's
/// conformance scans that reflection triggers), against a target of 10 M for the whole `log -n 20`. Only lines
/// whose every word is known here are taken, and none of them can fail validation; anything else (help,
/// completion requests, errors, every other option) returns nil and goes to ArgumentParser as before.
/// `StartupTests` compares the values with ArgumentParser's on a table of lines.
enum CommonLines {
    /// The command `arguments` (subcommand first) name, or nil when ArgumentParser must parse them.
    static func parse(_ arguments: [String]) -> (any ConvoCommand)? {
        guard let name = arguments.first else { return nil }
        let words = arguments.dropFirst()
        switch name {
        case "log": return log(words)
        case "status": return status(words)
        case "say": return say(words)
        default: return nil
        }
    }

    /// `status` and `status --json`.
    static func status(_ words: ArraySlice<String>) -> Status? {
        guard words.isEmpty || words.elementsEqual(["--json"]) else { return nil }
        var command = Status()
        command.json = !words.isEmpty
        command.colors = colors()
        return command
    }

    /// `log` with any of `-n N` (or `-nN`), `--oneline`, `--all`, `--graph`, `--no-pager` and one revision,
    /// each at most once.
    static func log(_ words: ArraySlice<String>) -> Log? {
        var limit: Int?
        var revision: String?
        var flags = Set<String>()
        var words = words
        while let word = words.popFirst() {
            switch word {
            case "--oneline", "--all", "--graph", "--no-pager":
                guard flags.insert(word).inserted else { return nil }
            case "-n":
                guard limit == nil, let next = words.popFirst(), let value = count(next) else { return nil }
                limit = value
            case _ where word.hasPrefix("-n"):
                guard limit == nil, let value = count(word.dropFirst(2)) else { return nil }
                limit = value
            default:
                // A revision: anything else that looks like an option is ArgumentParser's to answer.
                guard revision == nil, let first = word.first, first != "-" else { return nil }
                revision = word
            }
        }
        var command = Log()
        command.revision = revision
        command.limit = limit
        command.oneline = flags.contains("--oneline")
        command.format = nil
        command.graph = flags.contains("--graph")
        command.all = flags.contains("--all")
        command.reverse = false
        command.json = false
        command.colors = colors()
        var pager = PagerOptions()
        pager.noPager = flags.contains("--no-pager")
        command.pager = pager
        command.remote = false
        return command
    }

    /// `say` with a message of words none of which starts with `-`, and any of `--stream` or `--no-stream`,
    /// `--json`, `--no-store`, `--replay` and `--model NAME`, each at most once. ArgumentParser parsing `say` alone
    /// cost 15.3 M of the 64.8 M instructions of a whole `convo say` (issue 11, "`say` ≤ 1.2× curl").
    static func say(_ words: ArraySlice<String>) -> SayCommand? {
        var message = [String]()
        var model: String?
        var flags = Set<String>()
        var words = words
        while let word = words.popFirst() {
            switch word {
            case "--stream", "--no-stream":
                guard !flags.contains("--stream"), !flags.contains("--no-stream") else { return nil }
                flags.insert(word)
            case "--json", "--no-store", "--replay":
                guard flags.insert(word).inserted else { return nil }
            case "--model":
                // A blank name is ArgumentParser's too: `validate()` refuses it.
                guard model == nil, let next = words.popFirst(), let first = next.first, first != "-", !next.allSatisfy(\.isWhitespace) else {
                    return nil
                }
                model = next
            default:
                // A word of the message; `-` (stdin), `--` and anything like an option are ArgumentParser's.
                guard let first = word.first, first != "-" else { return nil }
                message.append(word)
            }
        }
        var command = SayCommand()
        command.message = message
        command.model = model
        command.instructions = nil
        command.temperature = nil
        command.preset = nil
        command.maxOutputTokens = nil
        command.noStore = flags.contains("--no-store")
        command.stream = flags.contains("--stream") ? true : flags.contains("--no-stream") ? false : nil
        command.json = flags.contains("--json")
        command.branch = nil
        command.replay = flags.contains("--replay")
        command.regenerate = false
        command.at = nil
        command.new = false
        command.on = nil
        command.allowInsecureHTTP = false
        command.attach = []
        return command
    }

    /// A count as ArgumentParser reads an `Int` (`Int(_:)`), limited to ASCII digits so it is never negative.
    private static func count(_ word: some StringProtocol) -> Int? {
        guard !word.isEmpty, word.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        return Int(word)
    }

    private static func colors() -> ColorOptions {
        var options = ColorOptions()
        options.color = .auto
        return options
    }
}
