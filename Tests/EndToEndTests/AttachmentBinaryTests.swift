import Foundation
import Testing

/// `say -a` as a user meets it: the built binary against the built emulator, which says what it received.
@Suite(.serialized) struct AttachmentBinaryTests {
    /// A PNG by its magic bytes, whatever its name.
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0x30, count: 16)

    func write(_ bytes: [UInt8], _ name: String, in shell: BinaryRunner) throws {
        try Data(bytes).write(to: shell.folder.appendingPathComponent(name))
    }

    @Test func anImageAPdfAndATextFileReachTheServerAndShowExportAndImportCarryThem() throws {
        let emulator = try EmulatorProcess(["--flavor", "openai", "--api-key", "e2e-key"])
        defer { emulator.stop() }
        let shell = try BinaryRunner.repository(talkingTo: emulator)
        defer { shell.cleanUp() }
        try write(Self.png, "photo.dat", in: shell)
        try write(Array("%PDF-1.4 report".utf8), "report.pdf", in: shell)
        try write(Array("hello\nworld\n".utf8), "notes.md", in: shell)

        let said = try shell.run("say", "--no-stream", "-a", "photo.dat", "-a", "report.pdf", "-a", "notes.md", "What is this?")
        #expect(said.status == 0, "\(said.err)")
        #expect(said.out.contains("I see an image (png, 24 bytes), a file (report.pdf, application/pdf, 15 bytes)."), "\(said.out)")
        #expect(said.out.contains("notes.md:\n```\nhello\nworld\n```"), "the text file is in the message: \(said.out)")

        let show = try shell.run("show")
        #expect(show.out.contains("Attachments:\n    photo.dat (image/png, 24 bytes) "), "\(show.out)")
        #expect(show.out.contains("    report.pdf (application/pdf, 15 bytes) "), "\(show.out)")
        let json = try JSONSerialization.jsonObject(with: Data(try shell.run("show", "--json").out.utf8)) as? [String: Any]
        let attachments = ((json?["input"] as? [[String: Any]])?.last?["attachments"] as? [[String: Any]]) ?? []
        #expect(attachments.map { $0["name"] as? String } == ["photo.dat", "report.pdf"])
        #expect(attachments.first?["data"] as? String == Data(Self.png).base64EncodedString())

        // The same image again is stored once (its blob id is the same).
        #expect(try shell.run("say", "--no-stream", "-a", "photo.dat", "Again").status == 0)
        #expect(try shell.run("rev-parse", "HEAD").status == 0)
        // --regenerate asks the same question again, its image included.
        let regenerated = try shell.run("say", "--no-stream", "--regenerate")
        #expect(regenerated.out.contains("Echo: Again (I see 2 earlier messages.) I see an image (png, 24 bytes)."), "\(regenerated.out)\(regenerated.err)")
        #expect(try shell.run("checkout", "main").status == 0)

        let markdown = try shell.run("export", "--format", "markdown", "HEAD~1")
        #expect(markdown.out.contains("![photo.dat](data:image/png;base64,\(Data(Self.png).base64EncodedString()))"), "\(markdown.out)")

        let export = try shell.run("export", "--all")
        #expect(export.status == 0)
        let other = try BinaryRunner()
        defer { other.cleanUp() }
        try other.run("init")
        let imported = try other.run("import", "-", stdin: Data(export.out.utf8))
        #expect(imported.status == 0, "\(imported.err)")
        #expect(try other.run("rev-parse", "main").out == (try shell.run("rev-parse", "main").out))
        #expect(try other.run("show", "HEAD~1").out.contains("photo.dat (image/png, 24 bytes)"))
        #expect(try other.run("fsck").status == 0)
    }

    @Test func aConversationWithAnImageSurvivesTheServerForgettingIt() throws {
        let emulator = try EmulatorProcess(["--flavor", "openai", "--api-key", "e2e-key", "--retention-seconds", "60", "--test-clock"])
        defer { emulator.stop() }
        let shell = try BinaryRunner.repository(talkingTo: emulator)
        defer { shell.cleanUp() }
        try write(Self.png, "cat.png", in: shell)
        #expect(try shell.run("say", "--no-stream", "-a", "cat.png", "What is in this picture?").status == 0)
        try emulator.advanceClock(seconds: 61)
        let said = try shell.run("say", "--no-stream", "What was in it?")
        #expect(said.status == 0, "\(said.err)")
        #expect(said.err.contains("replaying 1 earlier turn"), "\(said.err)")
        // The emulator only remembers what the replayed request carried.
        #expect(said.out.contains("I remember an image (png, 24 bytes)."), "\(said.out)")
    }

    @Test func xaiTurnsWithImagesAreNotStoredAndTheNextSayReplaysThem() throws {
        let emulator = try EmulatorProcess(["--flavor", "xai", "--api-key", "e2e-key"])
        defer { emulator.stop() }
        let shell = try BinaryRunner.repository(
            talkingTo: emulator, initArguments: ["--provider", "xai", "--base-url", emulator.baseURL])
        defer { shell.cleanUp() }
        try write(Self.png, "cat.png", in: shell)
        let first = try shell.run("say", "--no-stream", "-a", "cat.png", "What is this?")
        #expect(first.status == 0, "\(first.err)")
        #expect(first.err.contains("store: false"), "\(first.err)")
        #expect(first.out.contains("I see an image (png, 24 bytes)."))
        let next = try shell.run("say", "--no-stream", "And now?")
        #expect(next.err.contains("replaying 1 earlier turn"), "\(next.err)")
        #expect(next.out.contains("I remember an image (png, 24 bytes)."), "\(next.out)")
    }

    @Test func badAttachmentsAreRefusedWithExitFiveAndNothingIsWritten() throws {
        let emulator = try EmulatorProcess(["--flavor", "xai", "--api-key", "e2e-key"])
        defer { emulator.stop() }
        let shell = try BinaryRunner.repository(
            talkingTo: emulator, initArguments: ["--provider", "xai", "--base-url", emulator.baseURL])
        defer { shell.cleanUp() }
        #expect(try shell.run("say", "--no-stream", "Hello").status == 0)
        try write(Array((0..<64).map { UInt8($0) }), "blob.bin", in: shell)
        try write(Array("RIFF\0\0\0\0WEBPVP8 ".utf8), "pic.webp", in: shell)
        try write(Array("%PDF-1.4".utf8), "doc.pdf", in: shell)
        try write(Self.png + Array(repeating: 0, count: 20 * 1024 * 1024), "huge.png", in: shell)
        try FileManager.default.createDirectory(at: shell.folder.appendingPathComponent("folder"), withIntermediateDirectories: true)
        let before = try shell.run("reflog").out
        let cases: [(String, String)] = [
            ("missing.png", "cannot attach 'missing.png': no such file"),
            ("folder", "cannot attach 'folder': it is a folder"),
            ("blob.bin", "its content is not a PNG, JPEG, GIF or WEBP image"),
            ("pic.webp", "xai does not accept it inline (it takes image/jpeg, image/png)"),
            ("doc.pdf", "xai does not accept it inline (it takes documents only by https:// URL"),
            ("huge.png", "is more than xai accepts (20971520 bytes)"),
            ("http://example.com/cat.png", "only https:// URLs"),
        ]
        for (path, message) in cases {
            let result = try shell.run("say", "--no-stream", "-a", path, "What is this?")
            #expect(result.status == 5, "\(path): \(result.err)")
            #expect(result.err.contains(message), "\(path): \(result.err)")
            #expect(result.out.isEmpty)
        }
        if getuid() != 0 {
            try write(Self.png, "locked.png", in: shell)
            try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: shell.folder.appendingPathComponent("locked.png").path)
            let locked = try shell.run("say", "--no-stream", "-a", "locked.png", "Hi")
            #expect(locked.status == 5 && locked.err.contains("Permission denied"), "\(locked.err)")
        }
        #expect(try shell.run("reflog").out == before)
        #expect(try shell.run("log", "--oneline").lines.count == 1)
    }

    @Test func aReplayToAProviderThatTakesNoInlineFilesIsRefusedBeforeSending() throws {
        let emulator = try EmulatorProcess(["--flavor", "openai", "--api-key", "e2e-key"])
        defer { emulator.stop() }
        let shell = try BinaryRunner.repository(
            talkingTo: emulator, initArguments: ["--provider", "openai", "--base-url", emulator.baseURL])
        defer { shell.cleanUp() }
        try write(Array("%PDF-1.4".utf8), "doc.pdf", in: shell)
        #expect(try shell.run("say", "--no-stream", "-a", "doc.pdf", "Summarize").status == 0)
        #expect(try shell.run("config", "provider", "xai").status == 0)
        let before = try shell.run("reflog").out
        let replayed = try shell.run("say", "--no-stream", "--replay", "And?")
        #expect(replayed.status == 5, "\(replayed.err)")
        #expect(replayed.err.contains("cannot attach 'doc.pdf' (application/pdf): xai does not accept it inline"), "\(replayed.err)")
        #expect(try shell.run("reflog").out == before)
    }
}
