import CEditLine
import Foundation

// Line editing is the system libedit (BSD licence, in every Linux distribution and in macOS; opened when the
// chat prompt starts, see Sources/CEditLine/shim.h) rather than GNU readline, whose GPL would bind the licence
// of every convo binary linked with it. libedit brings the emacs keys, Ctrl-R search, history files, multibyte
// input and the terminal's modes across signals, so convo writes none of that itself: this file only binds keys
// and adds bracketed paste, which libedit lacks.

/// The chat prompt on a terminal: libedit line editing, history kept in a file, a bracketed paste kept as one
/// entry, and `"""` blocks and trailing `\` joined by ``ChatLineAssembler`` under a continuation prompt.
///
/// Keys: the emacs set (arrows, Ctrl-A/E, Ctrl-W deletes the word before the cursor, Ctrl-U the line before it,
/// Ctrl-R searches the history back); Ctrl-C gives ``ChatEntry/interrupt`` (dropping what was typed and any
/// open block); Ctrl-D on an empty line gives ``ChatEntry/end``, or sends an open block; Ctrl-Z suspends with
/// the terminal restored; Tab asks ``complete``. Between entries the terminal is in its ordinary mode, so a
/// Ctrl-C while an answer streams is the usual SIGINT.
final class TerminalChatInput: ChatInput {
    /// Candidates for the word before the cursor, given the line up to the cursor; the session sets it. One
    /// candidate replaces the word, several are completed to their common prefix and then listed.
    var complete: ((String) -> [String])?
    /// The prompt while a `"""` block or a `\` continuation is open.
    var continuationPrompt = "... "

    private let library: UnsafeMutablePointer<convo_libedit>
    private let editor: OpaquePointer
    private let history: OpaquePointer
    private let files: [UnsafeMutablePointer<FILE>]
    private let output: UnsafeMutablePointer<FILE>
    private let historyFile: URL?
    private let holdsSecret: (String) -> Bool
    private let bracketedPaste: Bool
    private var assembler = ChatLineAssembler()
    /// Lines of a paste into an open block that come after the line closing it, fed before reading more.
    private var queued: [String] = []
    private var prompt: UnsafeMutablePointer<CChar>?
    /// What a bound key decided while libedit was reading the line.
    private var event: KeyEvent?
    private var warnedAboutHistory = false

    private enum KeyEvent {
        case interrupt
        /// A paste holding a newline, with what was typed around it: it ends the line.
        case paste(String, shown: String)
    }

    /// Starts editing on the terminal `input`, echoing to `output` (stdout when it is a terminal, else stderr,
    /// so `convo chat > file` still shows what is typed). History is read from `historyFile` and rewritten
    /// (mode 0600) after every entry, leaving out any entry for which `holdsSecret` is true. Nil when libedit
    /// cannot start.
    init?(
        historyFile: URL?, holdsSecret: @escaping (String) -> Bool = { _ in false }, input: Int32 = STDIN_FILENO,
        output: Int32 = isatty(STDOUT_FILENO) == 1 ? STDOUT_FILENO : STDERR_FILENO, environment: [String: String] = [:]
    ) {
        Self.useUTF8()
        let descriptors = [input, output, output].map { dup($0) }
        let modes = ["r", "w", "w"]
        var files: [UnsafeMutablePointer<FILE>] = []
        for (descriptor, mode) in zip(descriptors, modes) {
            guard descriptor >= 0, let file = fdopen(descriptor, mode) else { break }
            files.append(file)
        }
        guard let library = Self.library, files.count == 3,
            let editor = convo_el_init_fd(library, files[0], files[1], files[2], input, output, output)
        else {
            files.forEach { fclose($0) }
            descriptors.dropFirst(files.count).filter { $0 >= 0 }.forEach { close($0) }
            return nil
        }
        guard let history = convo_history_init(library) else {
            convo_el_end(library, editor)
            files.forEach { fclose($0) }
            return nil
        }
        self.library = library
        self.editor = editor
        self.history = history
        self.files = files
        self.output = files[1]
        self.historyFile = historyFile
        self.holdsSecret = holdsSecret
        self.bracketedPaste = environment["TERM"] != "dumb"
        setUp()
    }

    deinit {
        convo_el_end(library, editor)
        convo_history_end(library, history)
        files.forEach { fclose($0) }
        free(prompt)
    }

    func next(prompt: String) -> ChatEntry {
        while true {
            while !queued.isEmpty {
                if let whole = assembler.feed(queued.removeFirst()) { return entered(whole) }
            }
            setPrompt(assembler.isOpen ? continuationPrompt : prompt)
            event = nil
            // libedit paints the prompt first and switches to its editing mode only at the first key it reads; a
            // key typed in between (Ctrl-R, Ctrl-W) would meet the terminal's own line editing. So the mode is
            // switched before the prompt appears; el_gets leaves it as it found the terminal, ordinary.
            convo_el_prepare_terminal(library, editor, 1)
            switchBracketedPaste(on: true)
            var count: Int32 = 0
            let line = convo_el_gets(library, editor, &count)
            let failure = errno
            switchBracketedPaste(on: false)
            switch event {
            case .interrupt:
                assembler = ChatLineAssembler()
                return .interrupt
            case .paste(let text, let shown):
                write(shown)
                if !assembler.isOpen { return entered(text) }
                queued = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                continue
            case nil: break
            }
            guard let line else {
                // A signal libedit does not handle itself interrupted the read: the line starts again.
                if count == -1 && failure == EINTR { continue }
                // Ctrl-D on an empty line ends an open block like its closing `"""`; otherwise the session.
                if let rest = assembler.finish() { return entered(rest) }
                return .end
            }
            var text = String(cString: line)
            if text.hasSuffix("\n") { text.removeLast() }
            if !assembler.isOpen, text.allSatisfy(\.isWhitespace) { continue }
            if let whole = assembler.feed(text) { return entered(whole) }
        }
    }

    // MARK: Setting up libedit

    private func setUp() {
        let me = Unmanaged.passUnretained(self).toOpaque()
        convo_el_set_clientdata(library, editor, me)
        // The prompt's escape sequences (colours) sit between two \u{1} so libedit does not count them as columns.
        convo_el_set_prompt(library, editor, { editor in TerminalChatInput.owner(editor)?.prompt }, 1)
        convo_el_set_editor(library, editor, "emacs")
        // libedit restores the terminal before SIGTSTP, SIGTERM, SIGHUP and SIGINT take effect and sets it up
        // again on SIGCONT; it follows SIGWINCH too.
        convo_el_set_signal(library, editor, 1)
        convo_history_setsize(library, history, 1000)
        convo_history_setunique(library, history, 1)
        convo_el_set_history(library, editor, history)
        // While editing, Ctrl-C and Ctrl-Z arrive as keys instead of signals: the editor turns them into an
        // interrupt entry and a suspension with the terminal restored, without a signal handler racing the read.
        convo_el_setty(library, editor, "-d", "-isig")
        convo_el_addfn(library, editor, "convo-interrupt", "Drop the line and interrupt", { editor, _ in
            TerminalChatInput.owner(editor)?.event = .interrupt
            return UInt8(CC_NEWLINE)
        })
        convo_el_addfn(library, editor, "convo-suspend", "Suspend convo with the terminal restored", { editor, _ in
            TerminalChatInput.owner(editor)?.suspend() ?? UInt8(CC_ERROR)
        })
        convo_el_addfn(library, editor, "convo-paste", "Bracketed paste", { editor, _ in
            TerminalChatInput.owner(editor)?.paste() ?? UInt8(CC_ERROR)
        })
        convo_el_addfn(library, editor, "convo-complete", "Complete the word", { editor, _ in
            TerminalChatInput.owner(editor)?.completeWord() ?? UInt8(CC_ERROR)
        })
        for (key, function) in [
            ("^C", "convo-interrupt"), ("^Z", "convo-suspend"), ("\\e[200~", "convo-paste"), ("^I", "convo-complete"),
            ("^W", "ed-delete-prev-word"), ("^U", "vi-kill-line-prev"), ("^R", "em-inc-search-prev"),
        ] {
            convo_el_bind(library, editor, key, function)
        }
        // A person's ~/.editrc (or $EDITRC) comes last, so their bindings win.
        convo_el_source(library, editor)
        if let historyFile, FileManager.default.fileExists(atPath: historyFile.path) {
            convo_history_load(library, history, historyFile.path)
        }
    }

    /// libedit, opened on first use and never closed (its signal handlers may still be installed); nil when the
    /// system has none, and then there is no terminal input. Written once by the lazy initialiser, read after.
    nonisolated(unsafe) private static let library: UnsafeMutablePointer<convo_libedit>? = {
        let table = UnsafeMutablePointer<convo_libedit>.allocate(capacity: 1)
        guard convo_libedit_open(table) == 0 else {
            table.deallocate()
            return nil
        }
        return table
    }()

    private static func owner(_ editor: OpaquePointer?) -> TerminalChatInput? {
        guard let editor, let library, let me = convo_el_get_clientdata(library, editor) else { return nil }
        return Unmanaged<TerminalChatInput>.fromOpaque(me).takeUnretainedValue()
    }

    /// libedit decodes keys by the C library's locale, which is "C" (ASCII) in a Swift program until set:
    /// without this an é typed or pasted would be dropped. convo's texts are UTF-8 whatever the locale says.
    private static func useUTF8() {
        if setlocale(LC_CTYPE, "") == nil || String(cString: nl_langinfo(nl_item(CODESET))) != "UTF-8" {
            setlocale(LC_CTYPE, "C.UTF-8")
        }
    }

    private func setPrompt(_ text: String) {
        free(prompt)
        prompt = strdup(Self.markingInvisible(text))
    }

    /// `text` with every escape sequence (CSI or OSC) between two \u{1}, the marker set with EL_PROMPT_ESC.
    static func markingInvisible(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        var scalars = text.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            guard scalar == "\u{1B}" else {
                result.append(scalar)
                continue
            }
            var sequence = String.UnicodeScalarView([scalar])
            if let kind = scalars.next() {
                sequence.append(kind)
                while kind == "[" || kind == "]", let more = scalars.next() {
                    sequence.append(more)
                    if kind == "[" && (0x40...0x7E).contains(more.value) { break }
                    if kind == "]" && (more == "\u{07}" || more == "\\") { break }
                }
            }
            result.append("\u{1}")
            result.append(contentsOf: sequence)
            result.append("\u{1}")
        }
        return String(result)
    }

    // MARK: Keys

    /// Ctrl-Z: the terminal goes back to its ordinary mode before convo stops, and to editing after `fg`.
    private func suspend() -> UInt8 {
        switchBracketedPaste(on: false)
        convo_el_prepare_terminal(library, editor, 0)
        kill(getpid(), SIGTSTP)
        convo_el_prepare_terminal(library, editor, 1)
        switchBracketedPaste(on: true)
        return UInt8(CC_REDISPLAY)
    }

    /// After `ESC [ 200 ~`: reads to `ESC [ 201 ~`. A paste without a newline is inserted for editing; one with
    /// newlines is a whole entry, with what was typed before and after the cursor.
    private func paste() -> UInt8 {
        let end: [UInt32] = [0x1B, 0x5B, 0x32, 0x30, 0x31, 0x7E]
        var pasted: [UInt32] = []
        var character: wchar_t = 0
        while convo_el_wgetc(library, editor, &character) == 1 {
            pasted.append(UInt32(bitPattern: character))
            if pasted.count >= end.count, pasted.suffix(end.count).elementsEqual(end) {
                pasted.removeLast(end.count)
                break
            }
        }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: pasted.compactMap(Unicode.Scalar.init))
        var text = String(scalars).replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        guard text.contains("\n") else {
            convo_el_insertstr(library, editor, text)
            return UInt8(CC_REFRESH)
        }
        if text.hasSuffix("\n") { text.removeLast() }
        guard let line = convo_el_line(library, editor)?.pointee else { return UInt8(CC_ERROR) }
        let before = Self.text(from: line.buffer, to: line.cursor), after = Self.text(from: line.cursor, to: line.lastchar)
        // The first line joins the prompt's line on the screen; the rest is shown once libedit has left the line.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        convo_el_insertstr(library, editor, VisibleText.line(String(lines[0])))
        let rest = lines.dropFirst().map { VisibleText.line(String($0)) + "\n" }.joined()
        event = .paste(before + text + after, shown: rest)
        return UInt8(CC_NEWLINE)
    }

    private static func text(from start: UnsafePointer<CChar>?, to end: UnsafePointer<CChar>?) -> String {
        guard let start, let end, end > start else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: start, count: end - start), as: UTF8.self)
    }

    /// Tab: the word before the cursor becomes the one candidate, or the candidates' common prefix; when that
    /// adds nothing, the candidates are listed under the line.
    private func completeWord() -> UInt8 {
        guard let complete, let line = convo_el_line(library, editor)?.pointee else { return UInt8(CC_ERROR) }
        let before = Self.text(from: line.buffer, to: line.cursor)
        let word = String(before.reversed().prefix { !$0.isWhitespace }.reversed())
        let candidates = complete(before)
        guard let first = candidates.first else { return UInt8(CC_ERROR) }
        let replacement =
            candidates.count == 1
            ? first + " " : candidates.dropFirst().reduce(first) { String($0.commonPrefix(with: $1)) }
        if replacement.count > word.count || candidates.count == 1 {
            convo_el_deletestr(library, editor, Int32(word.unicodeScalars.count))
            convo_el_insertstr(library, editor, VisibleText.line(replacement))
            return UInt8(CC_REFRESH)
        }
        write("\r\n" + candidates.map(VisibleText.line).joined(separator: "  ") + "\r\n")
        return UInt8(CC_REDISPLAY)
    }

    // MARK: Output and history

    private func write(_ text: String) {
        guard !text.isEmpty else { return }
        fputs(text, output)
        fflush(output)
    }

    /// Bracketed paste is on only while a line is edited, so a program run between entries never gets it.
    private func switchBracketedPaste(on: Bool) {
        if bracketedPaste { write(on ? "\u{1B}[?2004h" : "\u{1B}[?2004l") }
    }

    private func entered(_ text: String) -> ChatEntry {
        if !holdsSecret(text) {
            convo_history_enter(library, history, text)
            saveHistory()
        }
        return .text(text)
    }

    /// Rewrites the history file through a new file (0600 from its creation) renamed over it, so a crash never
    /// leaves half a history and the file is never readable by others, even for a moment.
    private func saveHistory() {
        guard let historyFile else { return }
        let temporary = historyFile.path + ".new-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        var saved = false
        if descriptor >= 0, let file = fdopen(descriptor, "w") {
            let written = convo_history_save_fp(library, history, file) >= 0
            saved = fclose(file) == 0 && written && rename(temporary, historyFile.path) == 0
        } else if descriptor >= 0 {
            close(descriptor)
        }
        if !saved {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            // History is a convenience: a read-only folder never stops the chat, but it is said once.
            if !warnedAboutHistory {
                warnedAboutHistory = true
                FileHandle.standardError.write(Data("warning: cannot write the chat history \(historyFile.path): \(reason)\n".utf8))
            }
        }
    }
}
