import ConvoKit
import Foundation
import Testing

@testable import ConvoCLI

@Suite struct ManualPageTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("man")

    @Test func committedPagesMatchTheCommandDefinitions() throws {
        let pages = ManualPage.pages()
        let committed = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { $0.hasSuffix(".1") }
        #expect(Set(committed) == Set(pages.map(\.name)), "man/ is stale: run scripts/generate-man.sh")
        for page in pages {
            let text = try? String(contentsOf: Self.folder.appendingPathComponent(page.name), encoding: .utf8)
            #expect(text == page.text, "man/\(page.name) is stale: run scripts/generate-man.sh")
        }
    }

    @Test func thereIsAPagePerCommandAndTheOverviewListsThem() throws {
        let pages = ManualPage.pages()
        let overview = try #require(pages.first)
        #expect(overview.name == "convo.1")
        for command in Convo.configuration.subcommands {
            let name = command._commandName
            #expect(pages.contains { $0.name == "convo-\(name).1" }, "no page for \(name)")
            #expect(overview.text.contains("\\fBconvo\\-\(name.replacingOccurrences(of: "-", with: "\\-"))\\fR(1)"))
        }
        for section in [".SH SYNOPSIS", ".SH DESCRIPTION", ".SH COMMANDS", ".SH EXIT STATUS", ".SH ENVIRONMENT", ".SH EXAMPLES", ".SH SEE ALSO"] {
            #expect(overview.text.contains(section))
        }
        for status in ExitStatus.allCases { #expect(overview.text.contains(".B \(status.rawValue)\n")) }
        let log = try #require(pages.first { $0.name == "convo-log.1" }).text
        #expect(log.contains(".SH OPTIONS") && log.contains("\\fB\\-\\-format\\fR, \\fB\\-\\-pretty\\fR \\fI<format>\\fR"))
        #expect(log.contains("convo log \\-\\-oneline\n"), "examples are kept")
    }

    /// The same text as `convo <command> --help`: every command shows examples.
    @Test func everyCommandsHelpHasExamples() {
        let root = ManualPage.commandTree()
        for command in [root] + (root.subcommands ?? []) where command.commandName != "help" {
            #expect(command.discussion?.contains("Examples:\n  convo") == true, "\(command.commandName) --help has no examples")
        }
    }

    @Test func eachPageRendersWithoutWarnings() throws {
        for page in ManualPage.pages() {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["groff", "-man", "-Tutf8", "-ww", "-z"]
            let input = Pipe(), errors = Pipe()
            process.standardInput = input
            process.standardError = errors
            try process.run()
            input.fileHandleForWriting.write(Data(page.text.utf8))
            try input.fileHandleForWriting.close()
            let warnings = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "groff failed on \(page.name) (is groff installed? .ci/run installs it)")
            #expect(warnings.isEmpty, "\(page.name): \(warnings)")
        }
    }

    @Test func generateManualWritesEveryPageAndRemovesStaleOnes() async throws {
        let harness = try Harness()
        let folder = harness.folder.appendingPathComponent("pages")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("old".utf8).write(to: folder.appendingPathComponent("convo-gone.1"))
        try Data("mine".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        let result = await harness.run("--generate-manual", "pages")
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out.isEmpty)
        let written = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(Set(written) == Set(ManualPage.pages().map(\.name) + ["notes.txt"]))
        let log = try String(contentsOf: folder.appendingPathComponent("convo-log.1"), encoding: .utf8)
        #expect(log == ManualPage.pages().first { $0.name == "convo-log.1" }?.text)
        #expect(await harness.run("--generate-manual", "a", "b").status == 2)
    }

    /// The pages read ArgumentParser's underscored `_dumpHelp()`: when its JSON changes shape (a version, a renamed
    /// or dropped field), this fails before the pages silently lose options.
    @Test func theDescriptionStillHasTheShapeThePagesRead() throws {
        let raw = try #require(try JSONSerialization.jsonObject(with: Data(Convo._dumpHelp().utf8)) as? [String: Any])
        #expect(raw["serializationVersion"] as? Int == 0)
        let root = ManualPage.commandTree()
        #expect(root.commandName == "convo" && root.abstract?.isEmpty == false && root.discussion?.isEmpty == false)
        func command(_ name: String) throws -> ManualPage.Command {
            try #require(root.subcommands?.first { $0.commandName == name }, "no \(name) in the description")
        }
        func option(_ command: ManualPage.Command, _ long: String) throws -> ManualPage.Argument {
            try #require(command.arguments?.first { $0.names?.contains { $0.kind == "long" && $0.name == long } == true })
        }
        let log = try command("log")
        let format = try option(log, "format")
        #expect(format.kind == "option" && format.valueName == "format" && format.isOptional && !format.isRepeating)
        #expect(format.shouldDisplay && format.abstract?.isEmpty == false)
        #expect(format.names?.map(\.spelled) == ["--format", "--pretty"])
        #expect(try option(log, "oneline").kind == "flag")
        #expect(log.arguments?.contains { $0.names?.map(\.spelled) == ["-n"] && $0.valueName == "n" } == true)
        let revision = try #require(log.arguments?.first { $0.kind == "positional" })
        #expect(revision.valueName == "revision" && revision.isOptional)
        let color = try option(log, "color")
        #expect(color.defaultValue == "auto" && color.allValues == ["auto", "always", "never"])
        #expect(try option(command("export"), "format").defaultValue == "jsonl")
        #expect(try option(log, "help").isHelp)
    }

    @Test func roffEscaping() {
        #expect(ManualPage.escape(".starts with a dot\n'quote") == "\\&.starts with a dot\n\\&'quote")
        #expect(ManualPage.escape("a\\b → c") == "a\\eb \\[u2192] c")
        #expect(ManualPage.escapeOption("--no-pager") == "\\-\\-no\\-pager")
    }
}
